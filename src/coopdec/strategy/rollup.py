"""The arithmetic of results that roll up: project indicator values → a yearly figure.

``rollup_series`` sums series already summarised per year: the strategy page and the API read them with
``approved_series`` (approved values only, one pass over the rows); ``rollup`` does the same from a list of
values. Neither guesses: a year without any value is ``None`` ("no data"), not 0.

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
from typing import NamedTuple

from django.db import connection
from django.db.models import CharField
from django.db.models.functions import Cast

from coopdec.cooperation.models import IndicatorValue, IndicatorValueStatus

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


class Series(NamedTuple):
    """One series summed per year: its kind, and per year ``[sum of the actuals, last actual, the last one's
    period end, its order]`` (values may come in any order)."""

    cumulative: bool
    reported: dict[int, list]


def summarise(values: Iterable[Value]) -> dict[Hashable, Series]:
    """The series of ``values``, each summed per year in one pass (values in any order; of two values
    ending the same day, the later one in ``values`` is the last)."""
    series: dict[Hashable, Series] = {}
    for order, value in enumerate(values):
        found = series.get(value.series)
        if found is None:
            found = series[value.series] = Series(value.cumulative, {})
        _add(found.reported, value.period_end.year, value.actual, value.period_end, order)
    return series


def _add(reported: dict[int, list], year: int, actual: Decimal, day, order: int) -> None:
    """Count one actual in its year; the year's last actual is the one of the latest period end, then of
    the greatest ``order`` (the value's id)."""
    cell = reported.get(year)
    if cell is None:
        reported[year] = [actual, actual, day, order]
        return
    cell[0] += actual
    if day > cell[2] or (day == cell[2] and order > cell[3]):
        cell[1], cell[2], cell[3] = actual, day, order


def _running_totals(cumulative: bool, reported: dict[int, list], years: list[int]) -> list[Decimal | None]:
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


def _yearly(cumulative: bool, reported: dict[int, list], years: list[int]) -> list[Decimal | None]:
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
    return rollup_series(summarise(values).values(), years=years, cumulative=cumulative)


def rollup_series(series: Iterable[Series], *, years: list[int], cumulative: bool) -> Rolled:
    """Sum series already summarised per year (``summarise``, ``approved_series``) over ``years``."""
    totals: list[Decimal | None] = [None] * len(years)
    count = 0
    for kind, reported in series:
        count += 1
        if not years:
            continue
        figures = _running_totals(kind, reported, years) if cumulative else _yearly(kind, reported, years)
        for index, figure in enumerate(figures):
            if figure is not None:
                current = totals[index]
                totals[index] = figure if current is None else current + figure
    rolled = Rolled(by_year=dict(zip(years, totals, strict=True)), series=count)
    known = [figure for figure in totals if figure is not None]
    if known:
        rolled.achieved = known[-1] if cumulative else sum(known, Decimal(0))
    return rolled


def approved_series(indicators, *, cumulative_of: dict[int, bool]) -> dict[int, list[Series]]:
    """The approved actuals of project indicators (ids, or a queryset of them), summed per series and year in
    one query: per indicator id, its series (one per territory measured, or the project-wide one).

    ``cumulative_of`` maps each indicator id to its kind. The rows are read unordered (sorting them was a third
    of the query's time on PostgreSQL) and without the ORM's per-value converters: the strategy page reads
    thousands of them."""
    queryset = IndicatorValue.objects.filter(
        indicator_id__in=indicators,
        status=IndicatorValueStatus.APPROVED,
        not_applicable=False,
        actual__isnull=False,
    ).order_by()
    sqlite = connection.vendor == "sqlite"
    if sqlite:  # the day as ISO text (ordered as the days are), its year read once per distinct day
        queryset = queryset.annotate(day=Cast("period_end", CharField()))
        columns = ("pk", "indicator_id", "territory_id", "day", "actual")
    else:  # psycopg gives dates and decimals already
        columns = ("pk", "indicator_id", "territory_id", "period_end", "actual")
    sql, params = queryset.values_list(*columns).query.sql_with_params()
    series: dict[tuple[int, int | None], Series] = {}
    numbers: dict[object, Decimal] = {}  # SQLite: each raw figure made a Decimal once (figures repeat)
    years: dict[object, int] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for pk, indicator_id, territory_id, day, actual in cursor.fetchall():
            year = years.get(day)
            if year is None:
                year = years[day] = int(day[:4]) if sqlite else day.year
            if sqlite:
                number = numbers.get(actual)
                if number is None:  # an int or a float, given the column's 4 decimal places
                    number = numbers[actual] = Decimal(str(actual)).quantize(PLACES)
                actual = number
            found = series.get((indicator_id, territory_id))
            if found is None:
                found = series[(indicator_id, territory_id)] = Series(cumulative_of.get(indicator_id, False), {})
            _add(found.reported, year, actual, day, pk)
    by_indicator: dict[int, list[Series]] = defaultdict(list)
    for (indicator_id, _territory), found in series.items():
        by_indicator[indicator_id].append(found)
    return by_indicator


def progress(achieved: Decimal | None, target: Decimal | None) -> int | None:
    """Percentage of the target reached (the baseline is context, not subtracted), or None."""
    if achieved is None or target is None or target <= 0:
        return None
    return max(0, int((achieved / target * 100).to_integral_value()))
