import pytest

from coopdec.common.i18n import clean_i18n, localize
from coopdec.common.text import fold, neutralise_formula


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("Saint-Étienne", "saint-etienne"),
        ("  Zürich  ", "zurich"),
        ("Łódź", "lodz"),
        ("Straße", "strasse"),
        ("São Paulo", "sao paulo"),
        ("", ""),
    ],
)
def test_fold_removes_accents_and_case(raw, folded):
    assert fold(raw) == folded


@pytest.mark.parametrize(
    ("value", "expected"), [("=1+1", "'=1+1"), ("+33", "'+33"), ("-x", "'-x"), ("@a", "'@a"), ("ok", "ok"), (12, 12)]
)
def test_neutralise_formula(value, expected):
    assert neutralise_formula(value) == expected


def test_localize_falls_back_in_order():
    assert localize({"fr": "eau", "en": "water"}, "en") == "water"
    assert localize({"fr": "eau", "en": "water"}, "es") == "water"
    assert localize({"fr": "eau"}, "pt") == "eau"
    assert localize({}, "fr") == ""


def test_clean_i18n_drops_unknown_languages_and_blanks():
    assert clean_i18n({"fr": " eau ", "xx": "?", "en": "  "}) == {"fr": "eau"}
