"""Text normalisation shared by search, place resolution and duplicate detection."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")
# Letters that do not decompose into a base letter plus an accent.
_SPECIAL = str.maketrans(
    {
        "ß": "ss",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "ø": "o",
        "Ø": "o",
        "đ": "d",
        "Đ": "d",
        "ð": "d",
        "Ð": "d",
        "þ": "th",
        "Þ": "th",
        "ł": "l",
        "Ł": "l",
        "ı": "i",
        "ŀ": "l",
        "ħ": "h",
        "Ħ": "h",
        "’": "'",
        "‘": "'",
        "`": "'",
    }
)


def fold(text: str | None) -> str:
    """Lower-case, accent-free, single-spaced form of ``text`` for comparisons and indexes.

    >>> fold("  Saint-Étienne  ")
    'saint-etienne'
    """
    if not text:
        return ""
    text = text.translate(_SPECIAL)
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.casefold()).strip()


_CSV_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value):
    """Make a spreadsheet cell inert: text starting with = + - @ gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(_CSV_FORMULA_START):
        return "'" + value
    return value
