"""The one filter definition of the atlas, shared by the atlas page, the API and the downloads.

A search is described by an :class:`AtlasQuery`, parsed from GET parameters (a ``QueryDict``) or
a plain ``dict`` and turned back into parameters for shareable URLs::

    query = AtlasQuery.from_params(request.GET)        # raises UnknownFilter / InvalidFilter
    query.to_params()                                  # [("q", "eau"), ("country", "FR"), ...]
    query.urlencode()                                  # "q=eau&country=FR"

Then read through ``coopdec.atlas.selectors``::

    search(query) -> SearchResult          # hits of the page, total, facet counts (exact)
    facet_counts(query) -> dict            # only the facet counts
    map_data(query) -> dict                # choropleth counts by country and local-government points
    statistics(query, dimension) -> list   # counts and money by country, axis, sector, year, kind

Parameters (repeat a multi-valued one, ``country=FR&country=SN``, or separate values by commas):

=================  ==================================================================  =========
name               value                                                               multiple
=================  ==================================================================  =========
q                  free text, any language, accents and case ignored                   no
type               organisation, partnership, project, practice (good practices)       yes
country            ISO 3166-1 alpha-2 code of the record's own territory (FR)          yes
partner_country    ISO 3166-1 alpha-2 code of a partner's territory or of a
                   project's recipient country                                         yes
continent          AF, AN, AS, EU, NA, OC, SA (of ``country``)                         yes
axis               cooperation axis code (``water``)                                   yes
sector             DAC 3-digit category (``140``) or 5-digit sector (``14030``)        yes
sdg                Sustainable Development Goal, 1 to 17                               yes
form               bilateral, multilateral                                             yes
kind               partnership kind (twinning...) or organisation kind (municipality...)  yes
status             partnership status (active...) or IATI activity status (1-6)        yes
support            support type: technical, financial, human, in_kind                  yes
offers             cooperation axis an organisation offers (current offers)            yes
seeks              cooperation axis an organisation seeks (current partner requests)   yes
start_year         a year (2019) or a range of years (2015-2020)                       yes
sort               relevance (default with q), title, -start_year, start_year,
                   -updated (default without q)                                        no
page               page number from 1                                                  no
cursor             opaque position returned by the API (instead of ``page``)           no
page_size          results per page, 1 to 100 (default 20)                             no
=================  ==================================================================  =========

Values within one filter are alternatives (OR); different filters all apply (AND). Facet counts
of a filter are computed with every other filter applied, so that alternatives stay visible.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from typing import Any
from urllib.parse import quote_plus, urlencode

from django.utils.translation import gettext_lazy as _

from coopdec.actors.models import OrganisationKind
from coopdec.cooperation.models import (
    ActivityStatus,
    PartnershipForm,
    PartnershipKind,
    PartnershipStatus,
    SupportType,
)
from coopdec.territories.models import Continent

from . import registry

RECORD_TYPES = ("organisation", "partnership", "project")
SORTS = ("relevance", "title", "-start_year", "start_year", "-updated")
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_PAGE = 10_000
MAX_TEXT = 200
MAX_VALUES = 50  # values of one filter
MIN_YEAR, MAX_YEAR = 1900, 2100

# Facet filters, in the order the atlas shows them.
FACETS = (
    "type",
    "country",
    "partner_country",
    "continent",
    "axis",
    "sector",
    "sdg",
    "form",
    "kind",
    "status",
    "support",
    "offers",
    "seeks",
    "start_year",
)
SCALARS = ("q", "sort", "page", "cursor", "page_size")
ALLOWED = SCALARS + FACETS

FACET_LABELS = {
    "type": _("Record type"),
    "country": _("Country"),
    "partner_country": _("Partner country"),
    "continent": _("Continent"),
    "axis": _("Cooperation axis"),
    "sector": _("Sector (DAC)"),
    "sdg": _("Sustainable Development Goal"),
    "form": _("Form"),
    "kind": _("Kind"),
    "status": _("Status"),
    "support": _("Support type"),
    "offers": _("Offers"),
    "seeks": _("Seeks"),
    "start_year": _("Start year"),
}

KIND_VALUES = frozenset(PartnershipKind.values) | frozenset(OrganisationKind.values)
STATUS_VALUES = frozenset(PartnershipStatus.values) | frozenset(ActivityStatus.values)

_COUNTRY = re.compile(r"^[A-Za-z]{2}$")
_AXIS = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
_SECTOR = re.compile(r"^(\d{3}|\d{5})$")
_YEAR_RANGE = re.compile(r"^(\d{4})(?:-(\d{4}))?$")


class FilterError(ValueError):
    """A parameter the atlas cannot use; ``str(error)`` is a message for the user."""

    def __init__(self, message, *, parameter: str):
        super().__init__(str(message))
        self.parameter = parameter
        self.allowed = ALLOWED


class UnknownFilter(FilterError):
    """A parameter name the atlas does not know."""


class InvalidFilter(FilterError):
    """A known parameter with a malformed value."""


def _choice(allowed, message):
    """``allowed``: values, or a function giving them (record types registered by other apps)."""
    fixed = None if callable(allowed) else frozenset(allowed)

    def check(value: str) -> str:
        values = fixed if fixed is not None else frozenset(allowed())
        if value not in values:
            raise ValueError(message % {"value": value, "allowed": ", ".join(sorted(values))})
        return value

    return check


def record_types() -> tuple[str, ...]:
    """The record types the ``type`` filter accepts: the atlas's own, then registered ones."""
    return RECORD_TYPES + tuple(registry.extra_types())


def _country(value: str) -> str:
    if not _COUNTRY.match(value):
        raise ValueError(_("“%(value)s” is not a two-letter ISO country code such as FR or SN.") % {"value": value})
    return value.upper()


def _continent(value: str) -> str:
    value = value.upper()
    if value not in Continent.values:
        raise ValueError(
            _("“%(value)s” is not a continent; use one of %(allowed)s.")
            % {"value": value, "allowed": ", ".join(Continent.values)}
        )
    return value


def _axis(value: str) -> str:
    value = value.lower()
    if not _AXIS.match(value):
        raise ValueError(_("“%(value)s” is not a cooperation axis code such as water.") % {"value": value})
    return value


def _sector(value: str) -> str:
    if not _SECTOR.match(value):
        raise ValueError(
            _("“%(value)s” is not a DAC sector: use a 3-digit category (140) or a 5-digit code (14030).")
            % {"value": value}
        )
    return value


def _sdg(value: str) -> str:
    if not value.isdigit() or not 1 <= int(value) <= 17:
        raise ValueError(
            _("“%(value)s” is not a Sustainable Development Goal; use a number from 1 to 17.") % {"value": value}
        )
    return str(int(value))


def _year(value: str) -> str:
    match = _YEAR_RANGE.match(value)
    if not match:
        raise ValueError(_("“%(value)s” is not a year (2019) or a range of years (2015-2020).") % {"value": value})
    first = int(match.group(1))
    last = int(match.group(2) or first)
    if not (MIN_YEAR <= first <= last <= MAX_YEAR):
        raise ValueError(
            _("“%(value)s” is not a range of years between %(min)s and %(max)s, earliest first.")
            % {"value": value, "min": MIN_YEAR, "max": MAX_YEAR}
        )
    return str(first) if first == last else f"{first}-{last}"


_VALIDATORS = {
    "type": _choice(record_types, _("“%(value)s” is not a record type; use one of %(allowed)s.")),
    "country": _country,
    "partner_country": _country,
    "continent": _continent,
    "axis": _axis,
    "sector": _sector,
    "sdg": _sdg,
    "form": _choice(PartnershipForm.values, _("“%(value)s” is not a form; use one of %(allowed)s.")),
    "kind": _choice(KIND_VALUES, _("“%(value)s” is not a kind; use one of %(allowed)s.")),
    "status": _choice(STATUS_VALUES, _("“%(value)s” is not a status; use one of %(allowed)s.")),
    "support": _choice(SupportType.values, _("“%(value)s” is not a support type; use one of %(allowed)s.")),
    "offers": _axis,
    "seeks": _axis,
    "start_year": _year,
}


def encode_cursor(offset: int) -> str:
    """The opaque cursor of a position in the results (for the API)."""
    return base64.urlsafe_b64encode(f"o{offset}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        if not raw.startswith("o") or not raw[1:].isdigit():
            raise ValueError
        offset = int(raw[1:])
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise InvalidFilter(
            _("The cursor is not one the atlas returned; start again from the first page."), parameter="cursor"
        ) from None
    if offset > MAX_PAGE * MAX_PAGE_SIZE:
        raise InvalidFilter(_("The cursor points beyond the last page the atlas serves."), parameter="cursor")
    return offset


def _values(params, name: str) -> list[str]:
    if hasattr(params, "getlist"):
        raw = params.getlist(name)
    else:
        raw = params.get(name)
        raw = [] if raw is None else ([raw] if isinstance(raw, str | int) else list(raw))
    values: list[str] = []
    for item in raw:
        for part in str(item).split(","):
            part = part.strip()
            if part and part not in values:
                values.append(part)
    return values


def _text(params) -> str:
    raw = params.getlist("q") if hasattr(params, "getlist") else params.get("q")
    if isinstance(raw, list | tuple):
        raw = " ".join(str(item) for item in raw)
    return " ".join(str(raw or "").split())


def _scalar(params, name: str) -> str:
    values = _values(params, name)
    if len(values) > 1:
        raise InvalidFilter(_("%(name)s takes one value, not several.") % {"name": name}, parameter=name)
    return values[0] if values else ""


def _int(params, name: str, default: int, low: int, high: int) -> int:
    raw = _scalar(params, name)
    if not raw:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise InvalidFilter(
            _("%(name)s must be a whole number from %(low)s to %(high)s.") % {"name": name, "low": low, "high": high},
            parameter=name,
        )
    return int(raw)


@dataclass(frozen=True)
class AtlasQuery:
    """A validated atlas search: free text, facet filters, sort and position. Immutable."""

    q: str = ""
    type: tuple[str, ...] = ()
    country: tuple[str, ...] = ()
    partner_country: tuple[str, ...] = ()
    continent: tuple[str, ...] = ()
    axis: tuple[str, ...] = ()
    sector: tuple[str, ...] = ()
    sdg: tuple[str, ...] = ()
    form: tuple[str, ...] = ()
    kind: tuple[str, ...] = ()
    status: tuple[str, ...] = ()
    support: tuple[str, ...] = ()
    offers: tuple[str, ...] = ()
    seeks: tuple[str, ...] = ()
    start_year: tuple[str, ...] = ()
    sort: str = ""
    page: int = 1
    offset: int | None = field(default=None)  # set from a cursor; wins over page
    page_size: int = DEFAULT_PAGE_SIZE

    @classmethod
    def from_params(cls, params, *, ignore: tuple[str, ...] = ()) -> AtlasQuery:
        """Parse GET parameters (QueryDict or dict). Raise UnknownFilter / InvalidFilter.

        ``ignore`` names parameters that belong to the caller (for example ``format`` of a
        download) and are neither checked nor kept.
        """
        unknown = sorted(set(params.keys()) - set(ALLOWED) - set(ignore))
        if unknown:
            raise UnknownFilter(
                _("Unknown filter “%(name)s”. Allowed filters: %(allowed)s.")
                % {"name": unknown[0], "allowed": ", ".join(ALLOWED)},
                parameter=unknown[0],
            )
        values: dict = {}
        q = _text(params)
        if len(q) > MAX_TEXT:
            raise InvalidFilter(
                _("The search text is too long: at most %(max)s characters.") % {"max": MAX_TEXT}, parameter="q"
            )
        values["q"] = q
        for name in FACETS:
            raw = _values(params, name)
            if len(raw) > MAX_VALUES:
                raise InvalidFilter(
                    _("Too many values for %(name)s: at most %(max)s.") % {"name": name, "max": MAX_VALUES},
                    parameter=name,
                )
            checked = []
            for value in raw:
                try:
                    value = _VALIDATORS[name](value)
                except ValueError as exc:
                    raise InvalidFilter(exc.args[0], parameter=name) from None
                if value not in checked:
                    checked.append(value)
            values[name] = tuple(checked)
        sort = _scalar(params, "sort")
        if sort and sort not in SORTS:
            raise InvalidFilter(
                _("“%(value)s” is not a sort order; use one of %(allowed)s.")
                % {"value": sort, "allowed": ", ".join(SORTS)},
                parameter="sort",
            )
        values["sort"] = sort
        values["page"] = _int(params, "page", 1, 1, MAX_PAGE)
        values["page_size"] = _int(params, "page_size", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE)
        cursor = _scalar(params, "cursor")
        values["offset"] = decode_cursor(cursor) if cursor else None
        return cls(**values)

    # --- reading -------------------------------------------------------------------------
    @property
    def effective_sort(self) -> str:
        return self.sort or ("relevance" if self.q else "-updated")

    @property
    def start(self) -> int:
        """Index of the first result of the page."""
        return self.offset if self.offset is not None else (self.page - 1) * self.page_size

    def filters(self) -> dict[str, tuple[str, ...]]:
        """The active facet filters: {facet name: values}."""
        return {name: getattr(self, name) for name in FACETS if getattr(self, name)}

    @property
    def is_empty(self) -> bool:
        """No text and no filter: the whole atlas."""
        return not self.q and not self.filters()

    def year_ranges(self) -> list[tuple[int, int]]:
        ranges = []
        for value in self.start_year:
            first, _sep, last = value.partition("-")
            ranges.append((int(first), int(last or first)))
        return ranges

    # --- writing -------------------------------------------------------------------------
    def to_params(self, *, position: bool = True) -> list[tuple[str, str]]:
        """Parameters that rebuild this query (for links); page/sort left out when default."""
        params: list[tuple[str, str]] = []
        if self.q:
            params.append(("q", self.q))
        for name in FACETS:
            params.extend((name, value) for value in getattr(self, name))
        if self.sort:
            params.append(("sort", self.sort))
        if self.page_size != DEFAULT_PAGE_SIZE:
            params.append(("page_size", str(self.page_size)))
        if position:
            if self.offset is not None:
                params.append(("cursor", encode_cursor(self.offset)))
            elif self.page != 1:
                params.append(("page", str(self.page)))
        return params

    def urlencode(self, *, position: bool = True) -> str:
        return urlencode(self.to_params(position=position))

    def with_value(self, name: str, value: str) -> AtlasQuery:
        """This query with ``value`` added to filter ``name`` (back to page 1)."""
        current = getattr(self, name)
        if value in current:
            return self.first_page()
        changed: dict[str, Any] = {name: (*current, value)}  # a filter named at run time
        return replace(self, **changed, page=1, offset=None)

    def without_value(self, name: str, value: str) -> AtlasQuery:
        changed: dict[str, Any] = {name: tuple(v for v in getattr(self, name) if v != value)}
        return replace(self, **changed, page=1, offset=None)

    def value_link(self, name: str) -> Callable[[str], str]:
        """A function giving ``self.with_value(name, value).urlencode()`` for any value not in
        filter ``name`` yet, without making a query per value: the parameters before and after
        the new value are encoded once (a facet lists hundreds of values)."""
        params = self.first_page().to_params()
        split = len(params) - sum(len(getattr(self, later)) for later in FACETS[FACETS.index(name) + 1 :])
        split -= sum(1 for key, _value in params if key in {"sort", "page_size"})
        head, tail = urlencode(params[:split]), urlencode(params[split:])
        key = quote_plus(name)

        def link(value: str) -> str:
            return "&".join(part for part in (head, f"{key}={quote_plus(value)}", tail) if part)

        return link

    def toggled(self, name: str, value: str) -> AtlasQuery:
        return self.without_value(name, value) if value in getattr(self, name) else self.with_value(name, value)

    def first_page(self) -> AtlasQuery:
        return replace(self, page=1, offset=None)

    def at_page(self, page: int) -> AtlasQuery:
        return replace(self, page=page, offset=None)

    def with_sort(self, sort: str) -> AtlasQuery:
        return replace(self, sort=sort, page=1, offset=None)

    def cache_key(self) -> tuple:
        """A hashable key of everything but the position (for caches of hit sets)."""
        return tuple(
            (f.name, getattr(self, f.name)) for f in fields(self) if f.name not in {"page", "offset", "page_size"}
        )
