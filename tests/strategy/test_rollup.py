"""The roll-up arithmetic on its own: series summed, cumulative totals, periodic sums, no data is not 0."""

from datetime import date
from decimal import Decimal

from coopdec.strategy.rollup import Value, progress, rollup

YEARS = [2025, 2026, 2027, 2028]


def _v(series, year, actual, *, cumulative=False, month=12):
    return Value(series=series, cumulative=cumulative, period_end=date(year, month, 28), actual=Decimal(actual))


def test_rollup_periodic_series_sum_their_periods_per_year():
    values = [_v("a", 2025, 10, month=6), _v("a", 2025, 5), _v("b", 2025, 7), _v("a", 2026, 3)]
    rolled = rollup(values, years=YEARS, cumulative=False)
    assert rolled.by_year == {2025: Decimal(22), 2026: Decimal(3), 2027: None, 2028: None}
    assert rolled.achieved == Decimal(25)
    assert rolled.series == 2


def test_rollup_cumulative_series_take_the_latest_total_not_the_sum():
    values = [
        _v("a", 2025, 100, cumulative=True, month=6),
        _v("a", 2025, 180, cumulative=True),
        _v("a", 2026, 250, cumulative=True),
    ]
    rolled = rollup(values, years=YEARS, cumulative=True)
    assert rolled.by_year == {2025: Decimal(180), 2026: Decimal(250), 2027: Decimal(250), 2028: Decimal(250)}
    assert rolled.achieved == Decimal(250)


def test_rollup_cumulative_series_count_their_yearly_increase_against_yearly_targets():
    values = [_v("a", 2025, 180, cumulative=True), _v("a", 2026, 250, cumulative=True)]
    rolled = rollup(values, years=YEARS, cumulative=False)
    assert rolled.by_year == {2025: Decimal(180), 2026: Decimal(70), 2027: None, 2028: None}
    assert rolled.achieved == Decimal(250)


def test_rollup_periodic_series_make_running_totals_from_the_first_year():
    values = [_v("a", 2024, 999), _v("a", 2025, 10), _v("a", 2026, 20), _v("b", 2026, 5, cumulative=True)]
    rolled = rollup(values, years=YEARS, cumulative=True)
    assert rolled.by_year == {2025: Decimal(10), 2026: Decimal(35), 2027: Decimal(35), 2028: Decimal(35)}


def test_rollup_without_values_has_no_data_rather_than_zero():
    rolled = rollup([], years=YEARS, cumulative=True)
    assert rolled.by_year == dict.fromkeys(YEARS)
    assert rolled.achieved is None


def test_rollup_a_cumulative_correction_downwards_is_taken_as_the_total():
    values = [_v("a", 2025, 300, cumulative=True), _v("a", 2026, 280, cumulative=True)]
    assert rollup(values, years=YEARS, cumulative=True).by_year[2026] == Decimal(280)
    assert rollup(values, years=YEARS, cumulative=False).by_year[2026] == Decimal(-20)


def test_progress_is_the_share_of_the_target_reached():
    assert progress(Decimal(180), Decimal(700)) == 26
    assert progress(Decimal(900), Decimal(700)) == 129
    assert progress(None, Decimal(700)) is None
    assert progress(Decimal(5), None) is None
    assert progress(Decimal(5), Decimal(0)) is None


def test_rollup_reads_values_in_any_order():
    values = [
        _v("a", 2026, 250, cumulative=True),
        _v("a", 2025, 180, cumulative=True),
        _v("a", 2025, 100, cumulative=True, month=6),
    ]
    assert rollup(values, years=YEARS, cumulative=True).by_year[2025] == Decimal(180)
    assert rollup(values, years=YEARS, cumulative=False).by_year == {
        2025: Decimal(180),
        2026: Decimal(70),
        2027: None,
        2028: None,
    }
