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
from operator import attrgetter
from typing import NamedTuple

from django.db import connection
from django.db.models import CharField
from django.db.models.functions import Cast

from coopdec.cooperation.models import Indicator, IndicatorValue, IndicatorValueStatus

PLACES = Decimal("0.0001")  # IndicatorValue.actual's decimal places


class Value(NamedTuple):
    """One approved actual of a series (a tuple: the page builds thousands)."""

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


def _summaries(values: Iterable[Value]) -> dict[Hashable, tuple[bool, dict[int, list[Decimal]]]]:
    """Per series: its kind, and per year the sum of its actuals and its last actual, in one pass."""
    series: dict[Hashable, tuple[bool, dict[int, list[Decimal]]]] = {}
    for value in sorted(values, key=attrgetter("period_end")):
        found = series.get(value.series)
        if found is None:
            found = series[value.series] = (value.cumulative, {})
        year = value.period_end.year
        cell = found[1].get(year)
        if cell is None:
            found[1][year] = [value.actual, value.actual]
        else:
            cell[0] += value.actual
            cell[1] = value.actual
    return series


def _running_totals(cumulative: bool, reported: dict[int, list[Decimal]], years: list[int]) -> list[Decimal | None]:
    """Running total of one series at the end of each year (None before its first value); a periodic
    series counts from the first year, a cumulative one stands at its latest report."""
    total: Decimal | None = None
    if cumulative:
        before = [year for year in reported if year < years[0]]
        if before:
            total = reported[max(before)][1]
    totals: list[Decimal | None] = []
    for year in years:
        cell = reported.get(year)
        if cell is not None:
            total = cell[1] if cumulative else (total or Decimal(0)) + cell[0]
        totals.append(total)
    return totals


def _yearly(cumulative: bool, reported: dict[int, list[Decimal]], years: list[int]) -> list[Decimal | None]:
    """What one series achieved during each year (None: no value that year); for a cumulative series,
    the increase of its total over the year."""
    if not cumulative:
        return [reported[year][0] if year in reported else None for year in years]
    before = [year for year in reported if year < years[0]]
    previous = reported[max(before)][1] if before else Decimal(0)
    result: list[Decimal | None] = []
    for year in years:
        cell = reported.get(year)
        if cell is None:
            result.append(None)
            continue
        result.append(cell[1] - previous)
        previous = cell[1]
    return result


def rollup(values: Iterable[Value], *, years: list[int], cumulative: bool) -> Rolled:
    """Sum the series of ``values`` per year of ``years`` (the strategy's years, in order)."""
    totals: list[Decimal | None] = [None] * len(years)
    series = _summaries(values)
    if years:
        for kind, reported in series.values():
            figures = _running_totals(kind, reported, years) if cumulative else _yearly(kind, reported, years)
            for index, figure in enumerate(figures):
                if figure is not None:
                    current = totals[index]
                    totals[index] = figure if current is None else current + figure
    rolled = Rolled(by_year=dict(zip(years, totals, strict=True)), series=len(series))
    known = [figure for figure in totals if figure is not None]
    if known:
        rolled.achieved = known[-1] if cumulative else sum(known, Decimal(0))
    return rolled


def approved_values(indicators, *, cumulative_of: dict[int, bool] | None = None) -> dict[int, list[Value]]:
    """The approved actuals of project indicators (ids, or a queryset of them), by indicator id (one query).

    ``cumulative_of`` (indicator id -> cumulative), when the caller has read it, spares a join. The rows are
    read without the ORM's per-value converters: the strategy page reads thousands of them."""
    queryset = IndicatorValue.objects.filter(
        indicator_id__in=indicators,
        status=IndicatorValueStatus.APPROVED,
        not_applicable=False,
        actual__isnull=False,
    ).order_by()
    if cumulative_of is None:
        cumulative_of = dict(
            Indicator.objects.filter(pk__in=queryset.values("indicator_id")).values_list("id", "cumulative")
        )
    if connection.vendor == "sqlite":  # the day as text, parsed once per distinct day below, not once per row
        queryset = queryset.annotate(day=Cast("period_end", CharField()))
        columns = ("indicator_id", "territory_id", "day", "actual")
    else:
        columns = ("indicator_id", "territory_id", "period_end", "actual")
    sql, params = queryset.values_list(*columns).query.sql_with_params()
    found: dict[int, list[Value]] = defaultdict(list)
    # Figures repeat (counts, percentages): each raw number is made a Decimal once, each day parsed once.
    numbers: dict[object, Decimal] = {}
    days: dict[object, date] = {}
    make = tuple.__new__  # Value(...) without the named tuple's Python-level constructor
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for indicator_id, territory_id, period_end, actual in cursor.fetchall():
            day = days.get(period_end)
            if day is None:  # SQLite: ISO text
                day = days[period_end] = date.fromisoformat(period_end) if isinstance(period_end, str) else period_end
            number = numbers.get(actual)
            if number is None:  # SQLite: an int or a float, given the column's 4 decimal places
                number = numbers[actual] = (
                    actual if isinstance(actual, Decimal) else Decimal(str(actual)).quantize(PLACES)
                )
            found[indicator_id].append(
                make(Value, ((indicator_id, territory_id), cumulative_of.get(indicator_id, False), day, number))
            )
    return found


def progress(achieved: Decimal | None, target: Decimal | None) -> int | None:
    """Percentage of the target reached (the baseline is context, not subtracted), or None."""
    if achieved is None or target is None or target <= 0:
        return None
    return max(0, int((achieved / target * 100).to_integral_value()))
