"""Reading XML that strangers wrote: no DTD, no entities, no network, no document type at all.

IATI files never need a DOCTYPE, so any file that declares one is refused outright: that closes
external entities, entity expansion ("billion laughs") and DTD retrieval in one rule, before lxml
builds anything.
"""

from collections.abc import Iterator
from pathlib import Path

from django.utils.translation import gettext as _
from lxml import etree

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Enough to find a DOCTYPE: it must come before the root element.
_PROLOGUE_BYTES = 64 * 1024


class HostileXMLError(ValueError):
    """The file declares a document type (DTD, entities): refused without reading further."""


def safe_parser(**options) -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        **options,
    )


def _prologue_has_doctype(head: bytes) -> bool:
    # Look only before the root element; comments and processing instructions may precede it.
    position = 0
    while True:
        start = head.find(b"<", position)
        if start < 0 or start + 1 >= len(head):
            return False
        marker = head[start + 1 : start + 2]
        if marker == b"?":
            position = head.find(b"?>", start) + 2 or len(head)
        elif head.startswith(b"<!--", start):
            end = head.find(b"-->", start)
            position = end + 3 if end >= 0 else len(head)
        elif head[start + 1 : start + 9].upper() == b"!DOCTYPE":
            return True
        else:
            return False
        if position <= start:
            return False


def check_prologue(path: Path | str) -> None:
    """Raise ``HostileXMLError`` when the file declares a DOCTYPE (the root of every XML bomb)."""
    with open(path, "rb") as handle:
        head = handle.read(_PROLOGUE_BYTES)
    # UTF-16 files: look at the text without the zero bytes.
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        head = head.replace(b"\x00", b"")
    if _prologue_has_doctype(head):
        raise HostileXMLError(_("the file declares a document type (DOCTYPE); IATI files never do, so it is refused"))


def parse_file(path: Path | str) -> etree._ElementTree:
    """Parse a whole file safely (validation reads the whole tree; the import streams instead)."""
    check_prologue(path)
    tree = etree.parse(str(path), safe_parser())
    if tree.docinfo.doctype:
        raise HostileXMLError(_("the file declares a document type (DOCTYPE); IATI files never do, so it is refused"))
    return tree


def iter_elements(path: Path | str, tag: str | tuple[str, ...]) -> Iterator[etree._Element]:
    """Stream the ``tag`` elements of a file, freeing each one (and what came before it) once used.

    The root element is yielded once more at the very end, with its own attributes (so callers can
    read the version and default language first from the start event instead).
    """
    check_prologue(path)
    context = etree.iterparse(
        str(path),
        events=("end",),
        tag=tag,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
    )
    for _event, element in context:
        yield element
        element.clear(keep_tail=False)
        parent = element.getparent()
        if parent is not None:
            while element.getprevious() is not None:
                del parent[0]
    del context


def root_attributes(path: Path | str) -> tuple[str, dict[str, str]]:
    """The root element's tag and attributes, read from the first start event only."""
    check_prologue(path)
    for _event, element in etree.iterparse(
        str(path), events=("start",), resolve_entities=False, no_network=True, load_dtd=False
    ):
        return element.tag, dict(element.attrib)
    return "", {}
