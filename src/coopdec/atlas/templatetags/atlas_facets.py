"""``{% facet_items facet %}``: the values of one atlas facet as list items.

The atlas page lists up to 60 values in each of a dozen facets. As a template loop (eight
variables and three conditions per value, ``intcomma`` looking up the language's number format
for every count) they took most of the page's rendering time; here the same markup costs one
string format per value. It is the markup the template wrote, escaped and grouped the same way
(``tests/atlas/test_views.py`` renders both and compares them)::

    <li[ class="facet-more"]><a href="URL"[ aria-current="true" class="selected"] data-value="VALUE"
    rel="nofollow">LABEL</a> <span class="count">COUNT</span></li>
"""

from html import escape  # django.utils.html.escape without its lazy-text wrapper (plain str here)

from django import template
from django.utils import numberformat
from django.utils.formats import get_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()

FIRST_SHOWN = 8  # values shown before the others (class facet-more: hidden until asked)
MORE = ' class="facet-more"'
SELECTED = ' aria-current="true" class="selected"'


@register.simple_tag
def facet_items(facet) -> SafeString:
    # What ``intcomma`` does for an int (``number_format(n, use_l10n=True, force_grouping=True)``),
    # the language's separators read once per facet rather than once per count.
    language = get_language()
    decimal, grouping, thousands = (
        get_format(name, language, use_l10n=True)
        for name in ("DECIMAL_SEPARATOR", "NUMBER_GROUPING", "THOUSAND_SEPARATOR")
    )
    items = []
    for position, item in enumerate(facet.values, start=1):
        count = numberformat.format(
            int(item.count), decimal, None, grouping, thousands, force_grouping=True, use_l10n=True
        )
        items.append(
            f"<li{MORE if position > FIRST_SHOWN else ''}><a "
            f'href="{escape(item.url)}"{SELECTED if item.selected else ""}'
            f' data-value="{escape(item.value)}" rel="nofollow">{escape(item.label)}</a>'
            f' <span class="count">{escape(count)}</span></li>'
        )
    return mark_safe("".join(items))  # noqa: S308 (every value escaped above)
