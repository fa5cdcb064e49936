"""Project money in the atlas: every currency counted, totals converted to euros.

A project's money is its budget lines (IATI) if it has any, else its contributions. The index
keeps every line, grouped by currency and year, in the document's ``money`` column
("EUR:2019:252000.00 XOF:2019:1000000.00"): the year is the budget period's start, else the
contribution's year, else the project's start year, else 0 (unknown).

Statistics add up the original amounts per currency and, where a total needs one currency,
convert each group to euros at the European Central Bank's average rate of its year
(``coopdec.common.rates``: fixed parity for the CFA francs). A group that has no rate (a currency
the ECB does not publish, a year not over yet, no year at all) is never guessed: it is left out
of the euro total and listed as not converted.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np

from coopdec.common.rates import RateUnavailable, year_average

from .models import RecordType, SearchDocument

TARGET = "EUR"


def encode(lines: Iterable[tuple[str, int | None, Decimal | float | None]]) -> str:
    """(currency, year, amount) lines as the ``money`` column: one group per currency and year."""
    groups: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
    for currency, year, amount in lines:
        if currency and amount:
            groups[(currency.upper(), int(year or 0))] += Decimal(str(amount))
    return " ".join(
        f"{currency}:{year}:{amount:.2f}" for (currency, year), amount in sorted(groups.items()) if amount > 0
    )


def decode(text: str) -> list[tuple[str, int, float]]:
    lines = []
    for group in (text or "").split():
        currency, year, amount = group.split(":")
        lines.append((currency, int(year), float(amount)))
    return lines


@dataclass(frozen=True)
class UsedRate:
    """A rate a converted figure used: ``per_euro`` units of ``currency`` for one euro."""

    currency: str
    year: int
    per_euro: float
    source: str


@dataclass
class Lines:
    """Every money group of the engine's projects, as arrays (one engine version)."""

    position: np.ndarray  # document position in the engine
    currency: np.ndarray  # index into ``currencies``
    amount: np.ndarray  # original amount
    euros: np.ndarray  # converted to euros; NaN when no rate
    rate: np.ndarray  # index into ``rates``; -1 for euros and when no rate
    currencies: list[str]
    rates: list[UsedRate] = field(default_factory=list)


def _rate(currency: str, year: int) -> UsedRate | None:
    try:
        rate = year_average(TARGET, currency, year)
    except RateUnavailable:
        return None
    return UsedRate(currency=currency, year=year, per_euro=float(rate.value), source=rate.source)


def lines_of(engine) -> Lines:
    """The money groups of the engine's projects, read once per index version."""
    if "money" not in engine.memo:
        rows = (
            SearchDocument.objects.filter(record_type=RecordType.PROJECT).exclude(money="").values_list("id", "money")
        )
        position, currency, amount, euros, rate_index = [], [], [], [], []
        currencies: dict[str, int] = {}
        rates: dict[tuple[str, int], int] = {}
        used: list[UsedRate] = []
        for doc_id, text in rows.iterator(chunk_size=5000):
            found = int(np.searchsorted(engine.doc_ids, doc_id))
            if found >= engine.n or engine.doc_ids[found] != doc_id:
                continue  # written after this version of the engine
            for code, year, value in decode(text):
                position.append(found)
                currency.append(currencies.setdefault(code, len(currencies)))
                amount.append(value)
                if code == TARGET:
                    euros.append(value)
                    rate_index.append(-1)
                    continue
                key = (code, year)
                if key not in rates:
                    used_rate = _rate(code, year)
                    rates[key] = len(used) if used_rate else -1
                    if used_rate:
                        used.append(used_rate)
                index = rates[key]
                euros.append(value / used[index].per_euro if index >= 0 else np.nan)
                rate_index.append(index)
        engine.memo["money"] = Lines(
            position=np.array(position, dtype=np.int64),
            currency=np.array(currency, dtype=np.int64),
            amount=np.array(amount, dtype=np.float64),
            euros=np.array(euros, dtype=np.float64),
            rate=np.array(rate_index, dtype=np.int64),
            currencies=list(currencies),
            rates=used,
        )
    return engine.memo["money"]


@dataclass
class Money:
    """Money of a set of projects: originals per currency, the euro total of what has a rate,
    and the originals that could not be converted."""

    amounts: dict[str, float]
    euros: float
    unconverted: dict[str, float]


@dataclass
class Table:
    """``Money`` per facet value (``rows[i]`` for ``facet.values[i]``), the total, the currencies
    by number of projects, and the rates the euro figures used."""

    rows: list[Money]
    total: Money
    currencies: list[str]
    rates: list[UsedRate]


def table(engine, facet, mask: np.ndarray) -> Table:
    """Money of the projects of ``mask`` per value of ``facet`` (a project counts in each of its values)."""
    from .facets import Hits

    lines = lines_of(engine)
    chosen = mask[lines.position] if len(lines.position) else np.zeros(0, dtype=bool)
    n_values, n = len(facet.values), engine.n
    converted = chosen & ~np.isnan(lines.euros)
    weights: dict[object, tuple[np.ndarray, np.ndarray]] = {
        "euros": (converted, lines.euros),
        **{("amount", i): (chosen & (lines.currency == i), lines.amount) for i in range(len(lines.currencies))},
        **{
            ("unconverted", i): (chosen & ~converted & (lines.currency == i), lines.amount)
            for i in range(len(lines.currencies))
        },
    }
    zero_groups = np.zeros(n, dtype=np.int64)
    per_value: dict = {}
    totals: dict = {}
    for key, (selected, values) in weights.items():
        if not selected.any():
            continue
        doc_weights = np.bincount(lines.position[selected], weights=values[selected], minlength=n)
        hits = Hits(doc_weights != 0, n)
        per_value[key] = facet.sums(hits, doc_weights, zero_groups, 1)[:, 0]
        totals[key] = float(values[selected].sum())
    projects_per_currency = {
        i: len(np.unique(lines.position[chosen & (lines.currency == i)])) for i in range(len(lines.currencies))
    }
    order = sorted(
        (i for i, count in projects_per_currency.items() if count),
        key=lambda i: (-projects_per_currency[i], lines.currencies[i]),
    )

    def money(get) -> Money:
        return Money(
            amounts={lines.currencies[i]: get(("amount", i)) for i in order if get(("amount", i))},
            euros=get("euros"),
            unconverted={lines.currencies[i]: get(("unconverted", i)) for i in order if get(("unconverted", i))},
        )

    rows = [
        money(lambda key, row=row: round(float(per_value[key][row]), 2) if key in per_value else 0.0)
        for row in range(n_values)
    ]
    used = sorted({int(r) for r in lines.rate[converted] if r >= 0})
    return Table(
        rows=rows,
        total=money(lambda key: round(totals.get(key, 0.0), 2)),
        currencies=[lines.currencies[i] for i in order],
        rates=[lines.rates[r] for r in used],
    )
