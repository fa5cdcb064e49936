"""The arithmetic of results that roll up: project indicator values → a yearly figure.

One function, ``rollup``, used by the strategy page, the API and anything else that sums
indicators across projects. It takes approved values only (the caller's query: ``approved_values``)
and never guesses: a year without any value is ``None`` ("no data"), not 0.

Rules (docs/strategy.md):

- A *series* is one project indicator measured in one territory (``IndicatorValue.territory``; empty
  for a project-wide measure). Series are summed.
- A period counts in the year its period ends. Values marked "not applicable" and values without an
  actual are left out.
- A *cumulative* project indicator reports running totals: its total at the end of a year is its
  latest approved actual up to that year (a later, lower figure is taken as a correction). A
  *periodic* one reports each period alone: its total is the sum of its periods.
- A strategy indicator with cumulative targets compares each year's target with the running total
  of every series at the end of that year, counting periodic series from the strategy's first year;
  one with yearly targets compares it with what was achieved during that year (for a cumulative
  series, the increase of its total over the year).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from coopdec.cooperation.models import IndicatorValue, IndicatorValueStatus


@dataclass(frozen=True)
class Value:
    """One approved actual of a series."""

    series: Hashable  # (indicator id, territory id or None)
    cumulative: bool  # the project indicator's own kind
    period_end: date
    actual: Decimal


@dataclass
class Rolled:
    """A strategy indicator's figures: per year, and the figure to compare with the last target."""

    by_year: dict[int, Decimal | None] = field(default_factory=dict)
    achieved: Decimal | None = None  # cumulative: the latest running total; yearly: the sum of the years
    series: int = 0  # how many series contributed a value


def _running_totals(values: list[Value], years: list[int], first_year: int) -> dict[int, Decimal | None]:
    """Running total of one series at the end of each year (None before its first value)."""
    ordered = sorted(values, key=lambda value: value.period_end)
    totals: dict[int, Decimal | None] = {}
    for year in years:
        upto = [value for value in ordered if value.period_end.year <= year]
        if not upto:
            totals[year] = None
        elif ordered[0].cumulative:
            totals[year] = upto[-1].actual
        else:
            counted = [value.actual for value in upto if value.period_end.year >= first_year]
            totals[year] = sum(counted, Decimal(0)) if counted else None
    return totals


def _yearly(values: list[Value], years: list[int]) -> dict[int, Decimal | None]:
    """What one series achieved during each year (None: no value that year)."""
    if not values:
        return dict.fromkeys(years)
    if not values[0].cumulative:
        result: dict[int, Decimal | None] = {}
        for year in years:
            in_year = [value.actual for value in values if value.period_end.year == year]
            result[year] = sum(in_year, Decimal(0)) if in_year else None
        return result
    ordered = sorted(values, key=lambda value: value.period_end)
    result = {}
    for year in years:
        reported = [value for value in ordered if value.period_end.year == year]
        if not reported:
            result[year] = None
            continue
        before = [value for value in ordered if value.period_end.year < year]
        start = before[-1].actual if before else Decimal(0)
        result[year] = reported[-1].actual - start
    return result


def rollup(values: Iterable[Value], *, years: list[int], cumulative: bool) -> Rolled:
    """Sum the series of ``values`` per year of ``years`` (the strategy's years, in order)."""
    by_series: dict[Hashable, list[Value]] = defaultdict(list)
    for value in values:
        by_series[value.series].append(value)
    totals: dict[int, Decimal | None] = dict.fromkeys(years)
    for series_values in by_series.values():
        if cumulative:
            figures = _running_totals(series_values, years, years[0] if years else 0)
        else:
            figures = _yearly(series_values, years)
        for year, figure in figures.items():
            if figure is not None:
                totals[year] = (totals[year] or Decimal(0)) + figure
    rolled = Rolled(by_year=totals, series=len(by_series))
    known = [figure for figure in totals.values() if figure is not None]
    if known:
        rolled.achieved = known[-1] if cumulative else sum(known, Decimal(0))
    return rolled


def approved_values(indicator_ids: Iterable[int]) -> dict[int, list[Value]]:
    """The approved actuals of project indicators, by indicator id (one query)."""
    rows = (
        IndicatorValue.objects.filter(
            indicator_id__in=list(indicator_ids),
            status=IndicatorValueStatus.APPROVED,
            not_applicable=False,
            actual__isnull=False,
        )
        .order_by()
        .values_list("indicator_id", "territory_id", "indicator__cumulative", "period_end", "actual")
    )
    found: dict[int, list[Value]] = defaultdict(list)
    for indicator_id, territory_id, is_cumulative, period_end, actual in rows.iterator(chunk_size=5000):
        if actual is None:
            continue
        found[indicator_id].append(Value((indicator_id, territory_id), is_cumulative, period_end, actual))
    return found


def progress(achieved: Decimal | None, target: Decimal | None) -> int | None:
    """Percentage of the target reached (the baseline is context, not subtracted), or None."""
    if achieved is None or target is None or target <= 0:
        return None
    return max(0, int((achieved / target * 100).to_integral_value()))
