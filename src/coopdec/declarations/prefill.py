"""Propose the lines of an aid declaration from the register, without saving anything.

For a declared year, an organisation's own funds are found in:

- the outgoing disbursements and expenditures (IATI transaction types 3 and 4) dated in the year, of
  the projects it leads (unless another provider is named) or whose provider it is;
- its cash, in-kind and staff contributions recorded for the year.

Each amount is split by the project's sector and recipient-country percentages (when a project names
no recipient country, by its foreign partners' countries; failing that, "unallocated"), converted
to the declaration currency at the year's average ECB rate (``rates.py``), and carries the
co-financing the organisation received for that project in the year (incoming funds, type 1, and
other funders' contributions) as a deduction to confirm, since only own funds are declared.
``propose`` reads a handful of queries whatever the number of projects (see bench/aid_declaration.py).
"""

from __future__ import annotations

import operator
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import reduce
from typing import TypeVar

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from coopdec.actors.models import Organisation, OrganisationKind
from coopdec.common.rates import RateUnavailable, year_average
from coopdec.cooperation.models import (
    Contribution,
    ContributionKind,
    PartnershipParty,
    Project,
    ProjectCountry,
    ProjectSector,
    Transaction,
)

from .models import LineSource, Recipient

CENT = Decimal("0.01")
OUTGOING_TYPES = ("3", "4")  # IATI TransactionType: disbursement, expenditure
INCOMING_FUNDS = "1"

# CRS channel of delivery by the kind of the partner that receives the funds (docs/aid_declaration.md).
CHANNEL_BY_PARTNER_KIND: dict[str, str] = {
    OrganisationKind.MUNICIPALITY: "12002",
    OrganisationKind.INTERMUNICIPAL: "12002",
    OrganisationKind.COUNTY: "12002",
    OrganisationKind.REGION: "12002",
    OrganisationKind.NATIONAL_AGENCY: "12001",
    OrganisationKind.LGA_ASSOCIATION: "23000",
    OrganisationKind.NGO: "23000",
    OrganisationKind.CIVIL_SOCIETY: "23000",
    OrganisationKind.ACADEMIC: "51000",
    OrganisationKind.INTERNATIONAL: "40000",
    OrganisationKind.FOUNDATION: "63000",
    OrganisationKind.PRIVATE: "60000",
}
OWN_CHANNEL = "11002"  # the donor's local government itself (no partner named)
AID_TYPE_BY_CONTRIBUTION: dict[str, str] = {
    ContributionKind.CASH: "C01",
    ContributionKind.IN_KIND: "C01",
    ContributionKind.STAFF_TIME: "D01",
}


@dataclass
class ProposedLine:
    recipient_type: str
    recipient_code: str
    sector: str
    channel: str
    amount: Decimal
    original_amount: Decimal
    original_currency: str
    exchange_rate: Decimal | None
    rate_source: str
    project: int | None
    source: str
    source_ref: str
    description: str = ""
    cofinancing: Decimal = Decimal(0)
    flow_type: str = "10"
    finance_type: str = "110"
    aid_type: str = "C01"

    def as_json(self) -> dict:
        data = asdict(self)
        data["recipient"] = self.recipient_code or Recipient.UNALLOCATED
        for name in ("amount", "original_amount", "cofinancing"):
            data[name] = str(data[name])
        data["exchange_rate"] = None if self.exchange_rate is None else str(self.exchange_rate)
        return data


@dataclass
class Proposal:
    organisation: int
    year: int
    currency: str
    lines: list[ProposedLine] = field(default_factory=list)
    gross: dict[str, Decimal] = field(default_factory=dict)
    cofinancing_received: dict[str, Decimal] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "organisation": self.organisation,
            "year": self.year,
            "currency": self.currency,
            "lines": [line.as_json() for line in self.lines],
            "totals": {
                "gross": {code: str(value) for code, value in sorted(self.gross.items())},
                "cofinancing_received": {code: str(value) for code, value in sorted(self.cofinancing_received.items())},
            },
            "notes": self.notes,
        }


K = TypeVar("K")


def split(amount: Decimal, shares: Sequence[tuple[K, Decimal]]) -> list[tuple[K, Decimal]]:
    """``amount`` shared by weight, to the cent, the parts adding up exactly (largest remainders)."""
    total = sum((weight for _key, weight in shares), Decimal(0))
    if total <= 0:
        raise ValueError("split needs a positive total weight")
    if len(shares) == 1:  # most lines: one sector, one country
        return [(shares[0][0], amount.quantize(CENT, ROUND_HALF_UP))]
    cents = int((amount / CENT).to_integral_value(ROUND_HALF_UP))
    exact = [Decimal(cents) * weight / total for _key, weight in shares]
    counts = [int(value) for value in exact]
    left = cents - sum(counts)
    for index in sorted(range(len(exact)), key=lambda i: exact[i] - counts[i], reverse=True)[:left]:
        counts[index] += 1
    return [(key, Decimal(count) * CENT) for (key, _weight), count in zip(shares, counts, strict=True)]


@dataclass
class _ProjectFacts:
    sectors: list[tuple[str, Decimal]] = field(default_factory=list)
    countries: list[tuple[str, Decimal]] = field(default_factory=list)
    channel: str = OWN_CHANNEL
    title: str = ""


def _project_facts(selections: list[QuerySet], organisation: Organisation) -> dict[int, _ProjectFacts]:
    """Sectors, recipient countries, channel and title of the projects whose ids the subqueries ``selections``
    select (the database picks the projects, rather than thousands of bound ids)."""
    facts: dict[int, _ProjectFacts] = defaultdict(_ProjectFacts)
    if not selections:
        return facts

    def among(column: str) -> Q:
        return reduce(operator.or_, (Q(**{f"{column}__in": ids}) for ids in selections))

    on_project = among("project_id")
    for pid, code, percentage in ProjectSector.objects.filter(on_project, vocabulary="1").values_list(
        "project_id", "code", "percentage"
    ):
        facts[pid].sectors.append((code, percentage if percentage is not None else Decimal(0)))
    for pid, country, percentage in ProjectCountry.objects.filter(on_project).values_list(
        "project_id", "country_id", "percentage"
    ):
        facts[pid].countries.append((country, percentage if percentage is not None else Decimal(0)))
    # Foreign partners: their countries (when the project names none) and the channel of delivery.
    partners = (
        PartnershipParty.objects.filter(among("partnership__projects__id"))
        .exclude(organisation_id=organisation.pk)
        .values_list("partnership__projects__id", "organisation__country_id", "organisation__kind")
        .order_by("partnership__projects__id", "organisation_id")
    )
    seen: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for pid, country, kind in partners:
        seen[pid].append((country, kind))
    for pid, parties in seen.items():
        foreign = [(country, kind) for country, kind in parties if country != organisation.country_id]
        if not facts[pid].countries and foreign:
            facts[pid].countries = [(country, Decimal(1)) for country in dict.fromkeys(c for c, _k in foreign)]
        chosen = foreign or parties
        facts[pid].channel = CHANNEL_BY_PARTNER_KIND.get(chosen[0][1], OWN_CHANNEL)
    for pid, title in Project.objects.filter(among("pk")).values_list("id", "title"):
        facts[pid].title = _title(title)
    return facts


def _title(value) -> str:
    if isinstance(value, dict):
        for language in ("fr", "en", "es", "pt"):
            if value.get(language):
                return str(value[language])[:200]
        return next((str(text)[:200] for text in value.values() if text), "")
    return ""


def _weights(pairs: list[tuple[str, Decimal]]) -> list[tuple[str, Decimal]]:
    """Percentages as weights; missing or zero percentages share equally."""
    if not pairs:
        return []
    if all(weight <= 0 for _code, weight in pairs):
        return [(code, Decimal(1)) for code, _w in pairs]
    return [(code, weight) for code, weight in pairs if weight > 0]


def _own_transactions(organisation: Organisation, year: int):
    mine = Q(project__lead_organisation=organisation) & (
        Q(provider_ref="") | Q(provider_ref=organisation.iati_identifier)
    )
    if organisation.iati_identifier:
        mine |= Q(provider_ref=organisation.iati_identifier)
    return Transaction.objects.filter(mine, date__year=year)


class _Converter:
    """Converts to the declaration currency, remembering each rate and each missing one."""

    def __init__(self, currency: str, year: int, notes: list[str]):
        self.currency, self.year, self.notes = currency, year, notes
        self.rates: dict[str, object] = {}

    def __call__(self, amount: Decimal, currency: str):
        currency = (currency or self.currency).upper()
        if currency not in self.rates:
            try:
                self.rates[currency] = year_average(currency, self.currency, self.year)
            except RateUnavailable as error:
                self.rates[currency] = None
                self.notes.append(str(error))
        rate = self.rates[currency]
        if rate is None:
            return None
        return rate.convert(amount), (None if rate.value == 1 else rate.value), rate.source  # type: ignore[attr-defined]


def propose(*, organisation: Organisation, year: int, currency: str = "EUR") -> Proposal:
    """The declaration the register suggests for ``organisation`` and ``year`` (nothing is saved)."""
    proposal = Proposal(organisation=organisation.pk, year=year, currency=currency)
    convert = _Converter(currency, year, proposal.notes)
    sources: list[
        tuple[int | None, Decimal, str, str, str, str]
    ] = []  # project, amount, currency, source, ref, aid type
    gross: dict[str, Decimal] = defaultdict(Decimal)
    own = _own_transactions(organisation, year).filter(type__in=OUTGOING_TYPES)
    for tid, pid, value, cur in (
        own.values_list("id", "project_id", "value", "currency")
        .order_by("project_id", "date", "id")
        .iterator(chunk_size=5000)
    ):
        gross[cur] += value
        sources.append((pid, value, cur, LineSource.TRANSACTION, f"transaction:{tid}", "C01"))
    contributions = Contribution.objects.filter(organisation=organisation, year=year)
    for cid, pid, value, cur, kind in contributions.values_list(
        "id", "project_id", "amount", "currency", "kind"
    ).order_by("project_id", "id"):
        gross[cur] += value
        sources.append(
            (pid, value, cur, LineSource.CONTRIBUTION, f"contribution:{cid}", AID_TYPE_BY_CONTRIBUTION.get(kind, "C01"))
        )
    proposal.gross = dict(gross)

    project_ids = {pid for pid, *_rest in sources if pid is not None}
    received: dict[int, Decimal] = defaultdict(Decimal)  # project → in the declaration currency
    received_by_currency: dict[str, Decimal] = defaultdict(Decimal)
    incoming = Transaction.objects.filter(
        project_id__in=Project.objects.filter(lead_organisation=organisation), type=INCOMING_FUNDS, date__year=year
    ).values_list("project_id", "value", "currency")
    others = (
        Contribution.objects.filter(project__lead_organisation=organisation, year=year)
        .exclude(organisation=organisation)
        .filter(Q(role="funder") | Q(organisation__isnull=True))
        .values_list("project_id", "amount", "currency")
    )
    for pid, value, cur in [*incoming.iterator(chunk_size=5000), *others]:
        if pid not in project_ids:
            continue
        received_by_currency[cur] += value
        converted = convert(value, cur)
        if converted is not None:
            received[pid] += converted[0]
    proposal.cofinancing_received = dict(received_by_currency)

    # The projects of the lines, chosen by the database as above rather than bound as thousands of ids.
    facts = _project_facts(
        [own.values("project_id"), contributions.values("project_id")] if project_ids else [], organisation
    )
    own_by_project: dict[int, Decimal] = defaultdict(Decimal)
    for pid, value, cur, source, ref, aid_type in sources:
        converted = convert(value, cur)
        if converted is None:
            continue
        amount, rate, rate_source = converted
        info = facts[pid] if pid is not None else _ProjectFacts()
        sector_weights = _weights(info.sectors) or [("", Decimal(1))]
        country_weights = _weights(info.countries) or [("", Decimal(1))]
        cells = [((sector, country), sw * cw) for sector, sw in sector_weights for country, cw in country_weights]
        for (sector, country), part in split(amount, cells):
            original = (value * part / amount).quantize(CENT) if amount else Decimal(0)
            proposal.lines.append(
                ProposedLine(
                    recipient_type=Recipient.COUNTRY if country else Recipient.UNALLOCATED,
                    recipient_code=country or "",
                    sector=sector,
                    channel=info.channel,
                    amount=part,
                    original_amount=original,
                    original_currency=cur.upper(),
                    exchange_rate=rate,
                    rate_source=rate_source,
                    project=pid,
                    source=source,
                    source_ref=ref,
                    description=info.title,
                    aid_type=aid_type,
                )
            )
            if pid is not None:
                own_by_project[pid] += part
    # Co-financing received: each project's share of its lines, as a deduction to confirm.
    by_project: dict[int, list[ProposedLine]] = defaultdict(list)
    for line in proposal.lines:
        if line.project is not None:
            by_project[line.project].append(line)
    for pid, amount_received in received.items():
        lines = by_project.get(pid, [])
        total = own_by_project.get(pid, Decimal(0))
        if not lines or total <= 0:
            continue
        deduction = min(amount_received, total)
        for share, part in split(deduction, [(line, line.amount) for line in lines]):
            share.cofinancing = min(part, share.amount)
    if not proposal.lines:
        proposal.notes.append(
            _(
                "The register holds no disbursement, expenditure or contribution of this organisation "
                "dated %(year)s: add lines by hand, or submit a nil declaration."
            )
            % {"year": year}
        )
    return proposal


def default_year(today: date | None = None) -> int:
    return (today or date.today()).year - 1
