"""Public pages of the reference lists: the library of standard indicators, with what projects report."""

from __future__ import annotations

from types import SimpleNamespace

from django.core.cache import cache
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from coopdec.cooperation.models import Project
from coopdec.cooperation.selectors import PUBLISHED, standard_indicator_totals

from .models import StandardIndicator
from .selectors import code_label

TOTALS_CACHE_KEY = "vocabularies:standard_indicator_totals"
TOTALS_SECONDS = 600


def _published_projects():
    return Project.objects.filter(PUBLISHED)


@require_safe
def standard_indicators(request):
    """Every standard indicator, by axis, with the total of the approved actuals of published projects."""
    # The sums over the whole register are read once every ten minutes (a second of CPU for 40,000 values).
    totals: dict = (
        cache.get_or_set(
            TOTALS_CACHE_KEY,
            lambda: {
                code: SimpleNamespace(total=item.total, projects=len(item.projects))
                for code, item in standard_indicator_totals(projects=_published_projects()).items()
            },
            TOTALS_SECONDS,
        )
        or {}
    )
    indicators = list(StandardIndicator.objects.select_related("axis"))
    rows = [
        {
            "indicator": indicator,
            "sdg_target": code_label("UNSDG-Targets", indicator.sdg_target) if indicator.sdg_target else "",
            "total": totals.get(indicator.code),
        }
        for indicator in indicators
    ]
    return render(request, "vocabularies/standard_indicators.html", {"rows": rows})


@require_safe
def standard_indicator(request, code: str):
    """One standard indicator: its total, its parts by dimensions, the published projects that report it."""
    indicator = get_object_or_404(StandardIndicator.objects.select_related("axis"), code=code)
    projects = _published_projects()
    total = standard_indicator_totals(projects=projects, codes=[code]).get(code)
    by_project = standard_indicator_totals(projects=projects, codes=[code], by_project=True)
    names = {
        project.pk: project
        for project in projects.filter(pk__in=[key[1] for key in by_project]).select_related("lead_organisation")
    }
    contributions = sorted(
        ((names[key[1]], item) for key, item in by_project.items() if key[1] in names),
        key=lambda pair: -pair[1].total,
    )
    context = {
        "indicator": indicator,
        "sdg_target": code_label("UNSDG-Targets", indicator.sdg_target) if indicator.sdg_target else "",
        "total": total,
        "parts": sorted((", ".join(f"{k}: {v}" for k, v in key), value) for key, value in total.parts.items())
        if total
        else [],
        "contributions": contributions[:500],
    }
    return render(request, "vocabularies/standard_indicator.html", context)
