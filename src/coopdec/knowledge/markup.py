"""Markdown written by coordinators, rendered to HTML that is safe to show.

``markdown`` turns the text into HTML (headings, lists, emphasis, links, definition lists, heading
anchors written ``## Title {#anchor}``, a paragraph class written ``{: .lead}``); HTML typed by a writer
is escaped first, so that it shows as the text it is (``<script>`` reads "<script>"), and ``nh3``
then keeps only the tags and attributes listed here (a ``javascript:`` link loses its address):
nothing a writer types is ever run.
"""

from __future__ import annotations

import markdown  # type: ignore[import-untyped]
import nh3
from django.utils.safestring import SafeString, mark_safe

TAGS = {
    "p",
    "br",
    "h2",
    "h3",
    "h4",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "strong",
    "em",
    "a",
    "blockquote",
    "code",
    "hr",
}
ATTRIBUTES = {"*": {"id"}, "a": {"href", "title"}}
CLASSES = {"p": {"lead"}}
EXTENSIONS = ["attr_list", "def_list", "sane_lists"]


def render(text: str) -> SafeString:
    """The sanitised HTML of Markdown ``text`` (headings start at level 2: the page has its title)."""
    if not text:
        return mark_safe("")  # noqa: S308 - empty
    text = text.replace("&", "&amp;").replace("<", "&lt;")
    html = markdown.markdown(text, extensions=EXTENSIONS, output_format="html")
    clean = nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        allowed_classes=CLASSES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 just above
