"""Reads about aid declarations shared by pages, the API, exports and the command line.

National totals add up the lines of the *submitted* declarations of a campaign (a draft or a
reopened declaration does not count until it is submitted again), in the campaign's currency.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet

from coopdec.actors.models import LOCAL_GOVERNMENT_KINDS, Organisation
from coopdec.actors.selectors import coordinated_country_codes, is_coordinator, organisation_ids_of
from coopdec.territories.selectors import country_names
from coopdec.vocabularies.selectors import code_label

from .models import (
    MARKER_LABELS,
    POLICY_MARKERS,
    Campaign,
    CampaignTotal,
    Declaration,
    DeclarationLine,
    DeclarationStatus,
    Recipient,
)

NOT_STARTED = "not_started"
ZERO = Decimal("0.00")


def campaigns_managed_by(user) -> QuerySet[Campaign]:
    if is_coordinator(user):
        return Campaign.objects.select_related("country")
    return Campaign.objects.filter(country_id__in=coordinated_country_codes(user)).select_related("country")


def declarations_of(user) -> QuerySet[Declaration]:
    """The declarations of the organisations ``user`` is a member of."""
    return Declaration.objects.filter(organisation_id__in=organisation_ids_of(user)).select_related(
        "campaign__country", "organisation"
    )


def open_campaigns_for(user, *, today) -> list[tuple[Campaign, list[Organisation]]]:
    """Open campaigns of the countries of ``user``'s local governments, each with those organisations."""
    organisations = list(
        Organisation.objects.filter(pk__in=organisation_ids_of(user), kind__in=LOCAL_GOVERNMENT_KINDS).order_by("name")
    )
    countries = {org.country_id for org in organisations}
    campaigns = Campaign.objects.filter(country_id__in=countries, opens_on__lte=today).select_related("country")
    return [
        (campaign, [org for org in organisations if org.country_id == campaign.country_id]) for campaign in campaigns
    ]


def declarers(campaign: Campaign) -> QuerySet[Organisation]:
    """The organisations expected to declare in ``campaign``: the country's published local governments
    and any organisation that has a declaration."""
    return Organisation.objects.filter(
        Q(country_id=campaign.country_id, kind__in=LOCAL_GOVERNMENT_KINDS, publication_status="published")
        | Q(aid_declarations__campaign=campaign)
    ).distinct()


@dataclass
class ProgressRow:
    organisation: Organisation
    declaration: Declaration | None
    total: Decimal

    @property
    def status(self) -> str:
        return self.declaration.status if self.declaration else NOT_STARTED


@dataclass
class Progress:
    rows: list[ProgressRow]
    counts: dict[str, int]  # status (and "not_started") → number of organisations
    total: int

    @property
    def submitted_share(self) -> float:
        return self.counts.get(DeclarationStatus.SUBMITTED, 0) / self.total if self.total else 0.0


def campaign_progress(
    campaign: Campaign, *, region: str = "", kind: str = "", status: str = "", with_rows: bool = True
) -> Progress:
    """Who declared, who is in draft, who has not started, for the declarers of ``campaign``.

    ``region`` filters on the ISO 3166-2 subdivision of the organisation (or its parent); ``kind`` on
    the organisation's kind; ``status`` on one of the declaration statuses or ``not_started``.
    """
    organisations = declarers(campaign).select_related("subdivision", "locality")
    if region:
        organisations = organisations.filter(Q(subdivision_id=region) | Q(subdivision__parent_id=region))
    if kind:
        organisations = organisations.filter(kind=kind)
    declarations = {d.organisation_id: d for d in Declaration.objects.filter(campaign=campaign)}
    counts: dict[str, int] = {
        DeclarationStatus.SUBMITTED: 0,
        DeclarationStatus.DRAFT: 0,
        DeclarationStatus.REOPENED: 0,
        NOT_STARTED: 0,
    }
    rows = []
    for organisation in organisations.order_by("name", "id").iterator(chunk_size=2000):
        declaration = declarations.get(organisation.pk)
        row = ProgressRow(organisation, declaration, getattr(declaration, "total", None) or ZERO)
        if status and row.status != status:
            continue
        counts[row.status] += 1
        if with_rows:
            rows.append(row)
    return Progress(rows=rows, counts=counts, total=sum(counts.values()))


@dataclass
class Totals:
    currency: str
    total: Decimal = ZERO
    declarations: int = 0
    nil: int = 0
    by_recipient: list[tuple[str, str, Decimal]] = field(default_factory=list)  # code, label, amount
    by_sector: list[tuple[str, str, Decimal]] = field(default_factory=list)
    by_channel: list[tuple[str, str, Decimal]] = field(default_factory=list)
    by_marker: list[tuple[str, str, Decimal, Decimal]] = field(
        default_factory=list
    )  # code, label, significant, principal

    def as_json(self) -> dict:
        def rows(items):
            return [{"code": code, "label": label, "amount": str(amount)} for code, label, amount in items]

        return {
            "currency": self.currency,
            "total": str(self.total),
            "declarations": self.declarations,
            "nil": self.nil,
            "by_recipient": rows(self.by_recipient),
            "by_sector": rows(self.by_sector),
            "by_channel": rows(self.by_channel),
            "by_policy_marker": [
                {"code": code, "label": label, "significant": str(significant), "principal": str(principal)}
                for code, label, significant, principal in self.by_marker
            ],
        }


def submitted_lines(campaign: Campaign) -> QuerySet[DeclarationLine]:
    return DeclarationLine.objects.filter(
        declaration__campaign=campaign, declaration__status=DeclarationStatus.SUBMITTED
    )


def _cents(value) -> Decimal:
    return (value or ZERO).quantize(Decimal("0.01"))


def recipient_label(recipient_type: str, code: str) -> str:
    if recipient_type == Recipient.UNALLOCATED or not code:
        return str(Recipient.UNALLOCATED.label)
    if recipient_type == Recipient.COUNTRY:
        # The register's names (the display names people use), not the IATI codelist's English ones.
        return country_names().get(code) or code_label("Country", code)
    return code_label("Region", code)


def national_totals(campaign: Campaign) -> Totals:
    """The campaign's totals by recipient, DAC sector, channel and policy marker (submitted declarations),
    read from the sums kept by ``totals.add`` (a few hundred rows, whatever the number of declarations)."""
    result = Totals(currency=campaign.currency)
    counts = Declaration.objects.filter(campaign=campaign, status=DeclarationStatus.SUBMITTED).aggregate(
        declarations=Count("id"), nil=Count("id", filter=Q(is_nil=True))
    )
    result.declarations, result.nil = counts["declarations"], counts["nil"]
    sums: dict[str, list[tuple[str, int, Decimal]]] = {}
    for dimension, code, significance, amount in CampaignTotal.objects.filter(campaign=campaign).values_list(
        "dimension", "code", "significance", "amount"
    ):
        sums.setdefault(dimension, []).append((code, significance, amount))

    def ranked(dimension: str, label) -> list[tuple[str, str, Decimal]]:
        rows = [(code, _cents(amount)) for code, _significance, amount in sums.get(dimension, []) if amount]
        rows.sort(key=lambda row: (-row[1], row[0]))
        return [(code, label(code), amount) for code, amount in rows]

    result.total = next((_cents(amount) for _code, _sig, amount in sums.get("total", [])), ZERO)
    result.by_recipient = [
        (code.split(":", 1)[1] or Recipient.UNALLOCATED, label, amount)
        for code, label, amount in ranked("recipient", lambda key: recipient_label(*key.split(":", 1)))
    ]
    result.by_sector = ranked("sector", lambda code: code_label("Sector", code))
    result.by_channel = ranked("channel", lambda code: code_label("CRSChannelCode", code))
    markers = {(code, significance): amount for code, significance, amount in sums.get("marker", [])}
    # The markers' short names (the line's field labels), not IATI's long ones ("Aid Targeting the Objectives of...").
    result.by_marker = [
        (code, str(MARKER_LABELS[name]).capitalize(), _cents(markers.get((code, 1))), _cents(markers.get((code, 2))))
        for name, code in POLICY_MARKERS.items()
    ]
    return result


def trend(country_id: str) -> list[tuple[Campaign, Decimal, int]]:
    """Every campaign of a country, oldest first, with its declared total and number of submitted declarations."""
    campaigns = list(Campaign.objects.filter(country_id=country_id).order_by("year"))
    amounts = dict(
        CampaignTotal.objects.filter(campaign__in=campaigns, dimension="total").values_list("campaign_id", "amount")
    )
    submitted = dict(
        Declaration.objects.filter(campaign__in=campaigns, status=DeclarationStatus.SUBMITTED)
        .values_list("campaign_id")
        .annotate(count=Count("id"))
        .values_list("campaign_id", "count")
    )
    return [(campaign, _cents(amounts.get(campaign.pk)), submitted.get(campaign.pk, 0)) for campaign in campaigns]
