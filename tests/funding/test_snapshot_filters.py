"""Days and countries kept as codes in a submitted copy are shown as the reader's language writes them."""

import pytest
from django.utils import translation

from coopdec.funding.templatetags.funding import country_list, snapshot_date


def test_snapshot_days_read_in_the_readers_language():
    with translation.override("fr"):
        assert snapshot_date("2026-03-01") == "1 mars 2026"
    with translation.override("en"):
        assert snapshot_date("2026-03-01") == "March 1, 2026"


def test_snapshot_days_left_as_kept_when_not_a_day():
    assert snapshot_date(None) == ""
    assert snapshot_date("") == ""
    assert snapshot_date("sometime in 2026") == "sometime in 2026"


@pytest.mark.django_db
def test_snapshot_countries_named_in_the_readers_language():
    with translation.override("fr"):
        assert country_list(["SN", "DE", "XX"]) == "Sénégal, Allemagne, XX"
    with translation.override("en"):
        assert country_list(["SN", "DE"]) == "Senegal, Germany"
    assert country_list([]) == ""
    assert country_list(None) == ""
