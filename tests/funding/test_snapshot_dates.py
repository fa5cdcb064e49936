"""Days kept as ISO text in a submitted copy are shown as the reader's language writes a date."""

from django.utils import translation

from coopdec.funding.templatetags.funding import snapshot_date


def test_snapshot_days_read_in_the_readers_language():
    with translation.override("fr"):
        assert snapshot_date("2026-03-01") == "1 mars 2026"
    with translation.override("en"):
        assert snapshot_date("2026-03-01") == "March 1, 2026"


def test_snapshot_days_left_as_kept_when_not_a_day():
    assert snapshot_date(None) == ""
    assert snapshot_date("") == ""
    assert snapshot_date("sometime in 2026") == "sometime in 2026"
