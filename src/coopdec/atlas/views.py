"""The public atlas: search with facets, the map and its data, statistics and their CSV files.

Every page state is a GET URL (``AtlasQuery.to_params``), so any view can be shared or bookmarked.
"""

import csv

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from coopdec.common.text import neutralise_formula

from . import selectors
from .filters import SORTS, AtlasQuery, FilterError

SORT_LABELS = {
    "relevance": gettext_lazy("relevance"),
    "title": gettext_lazy("title"),
    "-start_year": gettext_lazy("most recent start"),
    "start_year": gettext_lazy("oldest start"),
    "-updated": gettext_lazy("recently updated"),
}


# Counts where a language's plural form may differ (fr/en/es/pt: 0, 1, millions, the rest).
PLURAL_SAMPLES = (("zero", 0), ("one", 1), ("million", 1_000_000), ("other", 2))


def _plural_attributes(name: str, singular: str, plural: str) -> list[tuple[str, str]]:
    """``data-<name>-<form>`` attributes holding each plural form of a message with a
    ``%(count)s`` placeholder, for the map script to pick by count (no JavaScript catalogue)."""
    return [(f"{name}-{form}", ngettext(singular, plural, n)) for form, n in PLURAL_SAMPLES]


def map_labels() -> list[tuple[str, str]]:
    return [
        *_plural_attributes("partnerships", "%(count)s partnership", "%(count)s partnerships"),
        *_plural_attributes(
            "more",
            "%(count)s more local government: filter to see it",
            "%(count)s more local governments: filter to see them",
        ),
    ]


def _check(request):
    if not request.user.has_perm("atlas.view_atlas"):
        raise PermissionDenied


def _query(request, *, ignore=()):
    try:
        return AtlasQuery.from_params(request.GET, ignore=ignore), None
    except FilterError as error:
        return AtlasQuery(), error


@require_safe
def atlas(request):
    _check(request)
    query, error = _query(request)
    result = selectors.search(query)
    context = {
        "query": query,
        "error": error,
        "result": result,
        "facets": selectors.labelled_facets(result),
        "active": [
            (name, value, selectors.value_label(name, value), query.without_value(name, value).urlencode())
            for name, values in query.filters().items()
            for value in values
        ],
        "sorts": [(value, str(SORT_LABELS[value])) for value in SORTS if value != "relevance" or query.q],
        "pages": _pages(query, result),
        "map_params": query.urlencode(position=False),
        "tile_url": settings.MAP_TILE_URL,
        "map_labels": map_labels(),
        "themes": selectors.theme_coverage(),
    }
    return render(request, "atlas/atlas.html", context, status=400 if error else 200)


def _pages(query, result):
    """Links to the previous and next pages and a few around the current one."""
    current, last = query.page, result.pages
    numbers = sorted({1, last, *range(max(1, current - 2), min(last, current + 2) + 1)})
    pages = [{"number": n, "url": "?" + query.at_page(n).urlencode(), "current": n == current} for n in numbers]
    return {
        "items": pages if last > 1 else [],
        "previous": "?" + query.at_page(current - 1).urlencode() if current > 1 else None,
        "next": "?" + query.at_page(current + 1).urlencode() if current < last else None,
    }


@require_safe
@cache_control(max_age=60, public=True)
def map_data(request):
    _check(request)
    query, error = _query(request)
    if error:
        return JsonResponse(
            {"error": str(error), "parameter": error.parameter, "allowed": list(error.allowed)}, status=400
        )
    data = dict(selectors.map_data(query))  # a copy: the whole-atlas data is shared
    countries = selectors.country_numeric_codes()
    data["codes"] = {countries[code]: code for code in countries if countries[code] in data["countries"]}
    return JsonResponse(data)


@require_safe
@cache_control(max_age=60, public=True)
def organisation_network(request, pk: int):
    _check(request)
    data = selectors.organisation_network(pk)
    if data is None:
        raise Http404(_("No published organisation with this number."))
    return JsonResponse(data, content_type="application/geo+json")


@require_safe
def statistics(request):
    _check(request)
    query, error = _query(request)
    tables = [selectors.statistics(query, dimension) for dimension in selectors.STATISTICS_DIMENSIONS]
    charts = [_chart(table) for table in tables]
    context = {
        "query": query,
        "error": error,
        "charts": charts,
        "params": query.urlencode(position=False),
        "money": tables[0].money,
        "rates": tables[0].rates,
    }
    return render(request, "atlas/stats.html", context, status=400 if error else 200)


CHART_ROWS = 15
BAR_WIDTH = 300  # of the chart's 640-unit view box; labels take the first 240


def _chart(table):
    """A horizontal bar chart drawn on the server (SVG attributes only: no script, no style)."""
    rows = table.rows[:CHART_ROWS] if table.dimension != "start_year" else table.rows[-CHART_ROWS * 2 :]
    money = bool(table.currencies)
    peak = max([max(row.projects, row.partnerships) for row in rows] or [1]) or 1
    bars = []
    for i, row in enumerate(rows):
        bars.append(
            {
                "row": row,
                "y": i * 22,
                "projects_width": round(row.projects / peak * BAR_WIDTH, 1),
                "partnerships_width": round(row.partnerships / peak * BAR_WIDTH, 1),
                "text_x": round(244 + max(row.projects, row.partnerships) / peak * BAR_WIDTH, 1),
                "money": row.euros if money else None,
            }
        )
    return {
        "table": table,
        "bars": bars,
        "height": len(rows) * 22 + 4,
        "money": money,
        "more": len(table.rows) - len(rows),
    }


@require_safe
def statistics_csv(request, dimension: str):
    _check(request)
    if dimension not in selectors.STATISTICS_DIMENSIONS:
        raise Http404(_("Unknown statistics."))
    query, error = _query(request)
    if error:
        return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")
    table = selectors.statistics(query, dimension)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="coopdec-atlas-{dimension}.csv"'
    writer = csv.writer(response)
    # Column names stay the same in every language, for the scripts that read the file.
    # amount_XXX: the original amounts per currency; amount_eur_converted: those that have a rate,
    # in euros at each year's ECB average; unconverted_XXX: the originals that have none.
    unconverted = [c for c in table.currencies if table.money and c in table.money.unconverted]
    writer.writerow(
        [
            dimension,
            "label",
            "partnerships",
            "projects",
            *[f"amount_{c}" for c in table.currencies],
            "amount_eur_converted",
            *[f"unconverted_{c}" for c in unconverted],
        ]
    )
    for row in table.rows:
        writer.writerow(
            [
                neutralise_formula(row.value),
                neutralise_formula(row.label),
                row.partnerships,
                row.projects,
                *[f"{row.amounts.get(c, 0):.2f}" for c in table.currencies],
                f"{row.euros:.2f}",
                *[f"{row.unconverted.get(c, 0):.2f}" for c in unconverted],
            ]
        )
    return response
