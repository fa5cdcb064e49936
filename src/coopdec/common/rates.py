"""Yearly average exchange rates from the European Central Bank's reference rates.

The ``CurrencyConverter`` package ships the ECB's whole daily history (1999 onwards) inside the
package, so nothing is downloaded at run time. A year's average rate is the mean of the ECB's daily
reference rates of that year (units of the currency for one euro); a rate between two non-euro
currencies is the ratio of their averages. Currencies pegged to the euro by treaty (the CFA francs,
the Comorian franc, the Cape Verdean escudo) use their fixed parity. A currency the ECB does not
publish, or a year it has not yet published in full, has no rate: ``RateUnavailable`` says so and
nothing is guessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from django.utils.translation import gettext as _

# Fixed parities to the euro (units for one euro), set by treaty since 1999.
EURO_PEGS = {
    "XOF": Decimal("655.957"),
    "XAF": Decimal("655.957"),
    "KMF": Decimal("491.96775"),
    "CVE": Decimal("110.265"),
}
CENT = Decimal("0.01")


class RateUnavailable(Exception):
    """No rate for this currency and year: the message says why, in the user's language."""


@dataclass(frozen=True)
class Rate:
    value: Decimal  # units of the target currency for one unit of the source currency
    source: str  # shown beside the amount, e.g. "ECB average 2025 (250 days)"

    def convert(self, amount: Decimal) -> Decimal:
        return (amount * self.value).quantize(CENT, rounding=ROUND_HALF_UP)


@lru_cache(maxsize=1)
def _converter():
    from currency_converter import CurrencyConverter

    return CurrencyConverter(fallback_on_missing_rate=False, fallback_on_wrong_date=False)


@lru_cache(maxsize=2048)
def _euro_average(currency: str, year: int) -> tuple[Decimal, str]:
    """Units of ``currency`` for one euro, averaged over ``year``, and where it comes from."""
    if currency == "EUR":
        return Decimal(1), ""
    if currency in EURO_PEGS:
        return EURO_PEGS[currency], _("fixed parity to the euro")
    converter = _converter()
    rates = converter._rates.get(currency)  # date → units for one euro (the package's own table)
    if not rates:
        raise RateUnavailable(
            _(
                "The European Central Bank publishes no rate for %(currency)s: enter the amount in "
                "a currency it publishes."
            )
            % {"currency": currency}
        )
    last = converter.bounds[currency].last_date
    if year >= date.today().year and last < date(year, 12, 31) and last.year <= year:
        raise RateUnavailable(
            _("The average rate of %(currency)s for %(year)s is not known yet (the year is not over).")
            % {"currency": currency, "year": year}
        )
    values = [value for day, value in rates.items() if day.year == year and value is not None]
    if not values:
        raise RateUnavailable(
            _("The European Central Bank published no rate of %(currency)s in %(year)s.")
            % {"currency": currency, "year": year}
        )
    average = Decimal(str(sum(values) / len(values)))
    return average, _("ECB average %(year)s") % {"year": year}


def year_average(source: str, target: str, year: int) -> Rate:
    """Units of ``target`` for one unit of ``source``, at the year's average ECB reference rate."""
    source, target = source.upper(), target.upper()
    if source == target:
        return Rate(Decimal(1), "")
    source_per_euro, source_note = _euro_average(source, year)
    target_per_euro, target_note = _euro_average(target, year)
    value = (target_per_euro / source_per_euro).quantize(Decimal("0.0000000001"))
    notes = [note for note in (source_note, target_note) if note]
    return Rate(value, ", ".join(dict.fromkeys(notes)))


def has_rates(currency: str) -> bool:
    currency = currency.upper()
    return currency == "EUR" or currency in EURO_PEGS or currency in _converter().currencies
