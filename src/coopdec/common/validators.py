"""What users may write in names and texts, checked on every entry path.

Names and titles are one line; descriptions may hold line breaks. Neither may hold control
characters (a line break in a name breaks a mail's subject, a NUL is refused by PostgreSQL) nor
the Unicode bidirectional controls that make text display in another order than it is stored
(U+202A–U+202E, U+2066–U+2069: "Trojan source"). Multilingual texts (``{"fr": ..., "en": ...}``)
are bounded per language.

The models carry the validators (``full_clean`` in every service runs them: web forms, API);
imports clean instead of refusing (``clean_line``, ``clean_text``, ``clean_texts``), since one
odd cell should not refuse a file of thousands of rows.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

NAME_MAX = 255
TITLE_MAX = 500
SUMMARY_MAX = 2_000
TEXT_MAX = 20_000

BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
LINE_BREAKS = frozenset("\n\r\t\v\f\x85\u2028\u2029")
_SPACES = re.compile(r"[ \t\u00a0]{2,}")


def _forbidden(char: str, *, multiline: bool) -> bool:
    if char in BIDI_CONTROLS:
        return True
    if multiline and char in "\n\r\t":
        return False
    return char in LINE_BREAKS or unicodedata.category(char) == "Cc"


def has_forbidden(value: str, *, multiline: bool = False) -> bool:
    return any(_forbidden(char, multiline=multiline) for char in value)


def validate_line(value: str) -> None:
    """A name or title: one line, no control or text-direction characters."""
    if isinstance(value, str) and has_forbidden(value):
        raise ValidationError(
            _("Write this on one line, without line breaks, control or text-direction characters."), code="line"
        )


def validate_text(value: str) -> None:
    """A text of several lines (a message): line breaks and tabs, but no other control or
    text-direction characters."""
    if isinstance(value, str) and has_forbidden(value, multiline=True):
        raise ValidationError(_("Remove the control or text-direction characters from this text."), code="line")


@deconstructible
class I18nTextValidator:
    """A multilingual text ``{"fr": ..., "en": ...}``: each language's text a string of at most
    ``max_length`` characters, without control or text-direction characters (line breaks allowed
    when ``multiline``)."""

    def __init__(self, max_length: int, multiline: bool = False):
        self.max_length = max_length
        self.multiline = multiline

    def __call__(self, value) -> None:
        if not value:
            return
        if not isinstance(value, dict) or not all(isinstance(text, str) for text in value.values()):
            raise ValidationError(_('Give a text for each language, e.g. {"fr": "…", "en": "…"}.'), code="i18n")
        for language, text in value.items():
            if len(text) > self.max_length:
                raise ValidationError(
                    _("The text in “%(language)s” has %(length)s characters; at most %(max)s are accepted."),
                    code="max_length",
                    params={"language": language, "length": len(text), "max": self.max_length},
                )
            if has_forbidden(text, multiline=self.multiline):
                message = (
                    _("Remove the control or text-direction characters from this text.")
                    if self.multiline
                    else _("Write this on one line, without line breaks, control or text-direction characters.")
                )
                raise ValidationError(message, code="line")

    def __eq__(self, other):
        return isinstance(other, I18nTextValidator) and (self.max_length, self.multiline) == (
            other.max_length,
            other.multiline,
        )


def clean_line(value: str | None, max_length: int = NAME_MAX) -> str:
    """``value`` made a valid one-line name: line breaks and tabs become spaces, other control and
    text-direction characters go, spaces are collapsed, and the result is cut at ``max_length``."""
    if not value:
        return ""
    chars = (" " if char in LINE_BREAKS else "" if _forbidden(char, multiline=False) else char for char in value)
    return _SPACES.sub(" ", "".join(chars)).strip()[:max_length].strip()


def clean_text(value: str | None, max_length: int = TEXT_MAX) -> str:
    """``value`` made a valid multi-line text: line breaks kept (as ``\\n``), other control and
    text-direction characters removed, cut at ``max_length``."""
    if not value:
        return ""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(char for char in value if not _forbidden(char, multiline=True)).strip()[:max_length]


def clean_texts(value: dict, max_length: int, *, multiline: bool) -> dict[str, str]:
    """Each language's text of ``value`` cleaned by ``clean_text`` or ``clean_line``; blanks dropped."""
    clean = (lambda text: clean_text(text, max_length)) if multiline else (lambda text: clean_line(text, max_length))
    return {language: cleaned for language, text in value.items() if (cleaned := clean(text))}
