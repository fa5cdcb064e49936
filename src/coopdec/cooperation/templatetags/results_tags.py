"""What the project page shows of the document links and places of results, indicators, baselines,
targets and actuals (``cooperation.result_links``): ``{% for link in result.documents|document_links %}``,
``{{ value.actual_links|places:place_names }}``."""

from django import template

from coopdec.common.i18n import localize
from coopdec.cooperation.result_links import url_allowed

register = template.Library()


@register.filter
def document_links(value) -> list[dict]:
    """[{"url", "title"}] of a list of document links, or of the "documents" of a measure's links; only
    addresses that may be linked to (http, https, ftp), the title in the reader's language, else the address."""
    links = value.get("documents", []) if isinstance(value, dict) else value or []
    return [
        {"url": link["url"], "title": localize(link.get("title")) or link["url"]}
        for link in links
        if isinstance(link, dict) and url_allowed(link.get("url", ""))
    ]


@register.filter
def places(value, names: dict) -> str:
    """The names of the project's locations a measure's links refer to (their refs when unnamed), joined."""
    refs = value.get("locations", []) if isinstance(value, dict) else []
    return ", ".join((names or {}).get(ref) or ref for ref in refs)
