"""The principles scorecard: how a partnership lives up to partnership, subsidiarity, sustainability
and equity, computed from the register, never typed (the method: docs/scorecard.md).

Each principle has a few checks. A check is met, not met, or unknown (the register holds nothing to
judge it by); a principle's score is the share of its known checks that are met, 0–100, and ``None``
("not enough data") when fewer than half of its checks are known. Every check names the record it
comes from.

``compute(partnership_ids)`` is set-based: it reads each kind of row once for the whole set (about
fifteen queries per chunk of ``CHUNK`` partnerships) and judges every partnership in memory, so a
page computes one scorecard afresh and ``coopdec scorecards`` recomputes them all (20,000 in well
under a minute, bench/strategy.py). Only published projects count, so a scorecard reveals nothing a
visitor may not see. An organisation's scorecard is the mean of its published partnerships' scores.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q, Sum
from django.db.models.functions import ExtractYear
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coopdec.actors.models import Membership, OrganisationKind
from coopdec.common.rates import RateUnavailable, year_average
from coopdec.cooperation.models import (
    Budget,
    Contribution,
    ContributionKind,
    ContributorRole,
    Document,
    IndicatorDisaggregation,
    IndicatorValue,
    IndicatorValueStatus,
    Partnership,
    PartnershipParty,
    Project,
    ProjectCountry,
    ProjectLocation,
    ProjectParticipant,
)

from .models import Principle, Scorecard

CHUNK = 2000
AGREEMENT_CATEGORY = "A09"  # IATI DocumentCategory: memorandum of understanding (if agreed by all parties)
CIVIL_SOCIETY = {OrganisationKind.NGO, OrganisationKind.CIVIL_SOCIETY, OrganisationKind.ACADEMIC}
CO_LEAD_ROLES = {"2", "4"}  # IATI OrganisationRole: accountable, implementing
LOCAL_COFUNDING_SHARE = Decimal("0.10")
MANAGED_SHARE = Decimal("0.20")
GENDER_DIMENSIONS = {"sex", "gender", "sexe", "genre"}

# principle → its checks, in the order they are shown (labels: ``CHECK_LABELS``)
CHECKS: dict[str, tuple[str, ...]] = {
    Principle.PARTNERSHIP: ("agreement", "joint_steering", "results_both", "reciprocity"),
    Principle.SUBSIDIARITY: ("local_lead", "local_civil_society"),
    Principle.SUSTAINABILITY: ("continues", "local_cofunding", "environment", "renewal"),
    Principle.EQUITY: ("budget_share", "gender", "beneficiaries"),
}
CHECK_LABELS = {
    "agreement": gettext_lazy("A signed agreement of the partnership is recorded"),
    "joint_steering": gettext_lazy("People of each side edit or approve the partnership's records"),
    "results_both": gettext_lazy("Results are measured in the territories of both sides"),
    "reciprocity": gettext_lazy("Staff time is contributed by both sides"),
    "local_lead": gettext_lazy("The local partner leads or co-leads the projects on its territory"),
    "local_civil_society": gettext_lazy("Local civil society takes part in the projects"),
    "continues": gettext_lazy("Activity continues after external funding ended"),
    "local_cofunding": gettext_lazy("The local partner co-funds the projects (10% or more)"),
    "environment": gettext_lazy("An environmental policy marker is declared"),
    "renewal": gettext_lazy("The agreement is renewed or its renewal is scheduled"),
    "budget_share": gettext_lazy("Each side manages 20% or more of the projects' money"),
    "gender": gettext_lazy("Gender: a gender marker is declared or results are counted for women and men"),
    "beneficiaries": gettext_lazy("The projects record the number of people they reach"),
}


@dataclass
class Check:
    code: str
    met: bool | None  # None: not enough data
    record: str  # the address of the record it comes from
    detail: str = ""  # figures behind it ("2 of 3 projects"), in the reader's language


@dataclass
class Card:
    partnership_id: int
    checks: dict[str, Check] = field(default_factory=dict)

    def score(self, principle: str) -> int | None:
        return principle_score([self.checks[code].met for code in CHECKS[principle]])


def principle_score(results: list[bool | None]) -> int | None:
    """Share of the known checks that are met, 0–100; None when fewer than half are known."""
    known = [result for result in results if result is not None]
    if not known or len(known) * 2 < len(results):
        return None
    return round(100 * sum(known) / len(known))


# Reading the register for a set of partnerships


@dataclass
class Rows:
    parties: dict[int, dict[int, Any]] = field(default_factory=lambda: defaultdict(dict))  # p → org → row
    projects: dict[int, list[Any]] = field(default_factory=lambda: defaultdict(list))  # p → projects
    countries: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))  # project → countries
    participants: dict[int, list[Any]] = field(default_factory=lambda: defaultdict(list))
    contributions: dict[int, list[Any]] = field(default_factory=lambda: defaultdict(list))  # project → rows
    budgets: dict[int, Decimal] = field(default_factory=lambda: defaultdict(Decimal))  # project → euros
    documents: dict[int, list[Any]] = field(default_factory=lambda: defaultdict(list))  # p → agreements
    editors: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))  # p → users who edited
    measured: dict[int, set[int | None]] = field(default_factory=lambda: defaultdict(set))  # project → territories
    disaggregated_by_sex: set[int] = field(default_factory=set)  # projects
    markers: dict[int, dict[str, list[int]]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(list)))
    memberships: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))  # user → organisations


def _euros(amount, currency: str, year: int | None) -> Decimal | None:
    if not amount:
        return Decimal(0)
    try:
        return year_average(currency or "EUR", "EUR", year or date.today().year - 1).convert(Decimal(amount))
    except RateUnavailable:
        return None


def _read(ids: list[int]) -> Rows:
    rows = Rows()
    for party in PartnershipParty.objects.filter(partnership_id__in=ids).values(
        "partnership_id", "organisation_id", "organisation__country_id", "organisation__kind"
    ):
        rows.parties[party["partnership_id"]][party["organisation_id"]] = party
    projects = Project.objects.filter(partnership_id__in=ids, publication_status="published")
    project_ids = []
    for project in projects.values(
        "id",
        "partnership_id",
        "lead_organisation_id",
        "support_types",
        "beneficiaries_count",
        "status",
        "planned_start",
        "planned_end",
        "actual_start",
        "actual_end",
    ):
        rows.projects[project["partnership_id"]].append(project)
        project_ids.append(project["id"])
    in_projects = Q(project__partnership_id__in=ids, project__publication_status="published")
    for project_id, country_id in ProjectCountry.objects.filter(in_projects).values_list("project_id", "country_id"):
        rows.countries[project_id].add(country_id)
    for project_id, country_id in ProjectLocation.objects.filter(in_projects, country__isnull=False).values_list(
        "project_id", "country_id"
    ):
        rows.countries[project_id].add(country_id)
    for participant in ProjectParticipant.objects.filter(in_projects).values(
        "project_id", "organisation_id", "role", "organisation__kind", "organisation__country_id"
    ):
        rows.participants[participant["project_id"]].append(participant)
    for contribution in Contribution.objects.filter(in_projects).values(
        "project_id", "organisation_id", "role", "kind", "amount", "currency", "year"
    ):
        rows.contributions[contribution["project_id"]].append(contribution)
    budget_rows = (
        Budget.objects.filter(in_projects)
        .annotate(year=ExtractYear("period_start"))
        .values("project_id", "type", "currency", "year")
        .annotate(total=Sum("value"))
        .order_by()
    )
    _read_budgets(rows, list(budget_rows))
    for document in Document.objects.filter(
        Q(is_agreement=True) | Q(category=AGREEMENT_CATEGORY), partnership_id__in=ids
    ).values("id", "partnership_id", "signed_on", "renewal_on", "document_date"):
        rows.documents[document["partnership_id"]].append(document)
    _read_editors(rows, ids)
    _read_results(rows, ids)
    _read_markers(rows, ids)
    return rows


def _read_budgets(rows: Rows, budget_rows: list[dict]) -> None:
    by_project: dict[int, list[dict]] = defaultdict(list)
    for row in budget_rows:
        by_project[row["project_id"]].append(row)
    for project_id, lines in by_project.items():
        revised = any(line["type"] == "2" for line in lines)
        for line in lines:
            if (line["type"] == "2") == revised:
                euros = _euros(line["total"], line["currency"], line["year"])
                if euros is not None:
                    rows.budgets[project_id] += euros


def _read_editors(rows: Rows, ids: list[int]) -> None:
    """Who edited the partnership or its projects, or reviewed one of their indicator values."""
    history = Partnership.history.model.objects.filter(id__in=ids, history_user_id__isnull=False)
    for partnership_id, user_id in history.values_list("id", "history_user_id").distinct():
        rows.editors[partnership_id].add(user_id)
    project_history = Project.history.model.objects.filter(partnership_id__in=ids, history_user_id__isnull=False)
    for partnership_id, user_id in project_history.values_list("partnership_id", "history_user_id").distinct():
        rows.editors[partnership_id].add(user_id)
    reviews = IndicatorValue.objects.filter(
        indicator__result__project__partnership_id__in=ids,
        reviewed_by__isnull=False,
        status=IndicatorValueStatus.APPROVED,
    )
    for partnership_id, user_id in reviews.values_list(
        "indicator__result__project__partnership_id", "reviewed_by_id"
    ).distinct():
        rows.editors[partnership_id].add(user_id)
    users = {user for users in rows.editors.values() for user in users}
    if users:
        for user_id, organisation_id in Membership.objects.filter(user_id__in=users).values_list(
            "user_id", "organisation_id"
        ):
            rows.memberships[user_id].add(organisation_id)


def _read_results(rows: Rows, ids: list[int]) -> None:
    approved = IndicatorValue.objects.filter(
        indicator__result__project__partnership_id__in=ids,
        indicator__result__project__publication_status="published",
        status=IndicatorValueStatus.APPROVED,
        not_applicable=False,
    ).filter(Q(actual__isnull=False) | Q(score__isnull=False))
    for project_id, territory_id in approved.values_list("indicator__result__project_id", "territory_id").distinct():
        rows.measured[project_id].add(territory_id)
    disaggregations = IndicatorDisaggregation.objects.filter(
        indicator_value__indicator__result__project__partnership_id__in=ids,
        indicator_value__status=IndicatorValueStatus.APPROVED,
        measure="actual",
    )
    for project_id, dimensions in disaggregations.values_list(
        "indicator_value__indicator__result__project_id", "dimensions"
    ):
        if isinstance(dimensions, dict) and GENDER_DIMENSIONS & {str(key).lower() for key in dimensions}:
            rows.disaggregated_by_sex.add(project_id)


def _read_markers(rows: Rows, ids: list[int]) -> None:
    from coopdec.declarations.models import DeclarationLine

    lines = DeclarationLine.objects.filter(project__partnership_id__in=ids, project__publication_status="published")
    for project_id, gender, environment, climate_a, climate_m, biodiversity in lines.values_list(
        "project_id",
        "marker_gender",
        "marker_environment",
        "marker_climate_adaptation",
        "marker_climate_mitigation",
        "marker_biodiversity",
    ):
        if gender is not None:
            rows.markers[project_id]["gender"].append(gender)
        for marker in (environment, climate_a, climate_m, biodiversity):
            if marker is not None:
                rows.markers[project_id]["environment"].append(marker)


# Judging one partnership


class Judge:
    """The checks of one partnership from the rows read for its set."""

    def __init__(self, partnership_id: int, rows: Rows, today: date):
        self.id = partnership_id
        self.rows = rows
        self.today = today
        self.parties = rows.parties.get(partnership_id, {})
        self.projects = rows.projects.get(partnership_id, [])
        self.url = reverse("cooperation:partnership_detail", args=[partnership_id])

    def project_url(self, project: dict) -> str:
        return reverse("cooperation:project_detail", args=[project["id"]])

    def check(self, code: str, met: bool | None, record: str | None = None, detail: str = "") -> Check:
        return Check(code=code, met=met, record=record or self.url, detail=detail)

    def local_parties(self, project: dict) -> set[int]:
        countries = self.rows.countries.get(project["id"], set())
        return {org for org, party in self.parties.items() if party["organisation__country_id"] in countries}

    def needed_sides(self) -> int:
        return 2 if len(self.parties) >= 2 else 99  # a partnership of one party cannot be joint

    # partnership

    def agreement(self) -> Check:
        documents = self.rows.documents.get(self.id, [])
        return self.check("agreement", bool(documents), self.url)

    def joint_steering(self) -> Check:
        users = self.rows.editors.get(self.id, set())
        sides = {org for user in users for org in self.rows.memberships.get(user, ()) if org in self.parties}
        if not sides:
            return self.check("joint_steering", None, detail=_("no edit by a member of a party is recorded"))
        wanted = len(self.parties) if len(self.parties) == 2 else self.needed_sides()
        detail = _("%(sides)s of %(parties)s sides") % {"sides": len(sides), "parties": len(self.parties)}
        return self.check("joint_steering", len(sides) >= wanted, detail=detail)

    def results_both(self) -> Check:
        measured = [(project, self.rows.measured.get(project["id"], set())) for project in self.projects]
        measured = [(project, territories) for project, territories in measured if territories]
        if not measured:
            return self.check("results_both", None, detail=_("no approved result yet"))
        sides = {territory for _project, territories in measured for territory in territories} & set(self.parties)
        detail = _("%(sides)s of %(parties)s sides") % {"sides": len(sides), "parties": len(self.parties)}
        return self.check("results_both", len(sides) >= self.needed_sides(), self.project_url(measured[0][0]), detail)

    def reciprocity(self) -> Check:
        sides: set[int] = set()
        first = None
        human = False
        for project in self.projects:
            human = human or "human" in (project["support_types"] or [])
            for contribution in self.rows.contributions.get(project["id"], ()):
                if (
                    contribution["kind"] == ContributionKind.STAFF_TIME
                    and contribution["organisation_id"] in self.parties
                ):
                    sides.add(contribution["organisation_id"])
                    first = first or project
        if not sides and not human:
            return self.check("reciprocity", None, detail=_("no staff exchange recorded"))
        detail = _("%(sides)s of %(parties)s sides") % {"sides": len(sides), "parties": len(self.parties)}
        record = self.project_url(first) if first else None
        return self.check("reciprocity", len(sides) >= self.needed_sides(), record, detail)

    # subsidiarity

    def located(self) -> list[tuple[dict, set[int]]]:
        return [(project, local) for project in self.projects if (local := self.local_parties(project))]

    def local_lead(self) -> Check:
        located = self.located()
        if not located:
            return self.check("local_lead", None, detail=_("no project located in a partner's country"))
        led = []
        for project, local in located:
            co_leads = {
                row["organisation_id"]
                for row in self.rows.participants.get(project["id"], ())
                if row["role"] in CO_LEAD_ROLES
            }
            if project["lead_organisation_id"] in local or co_leads & local:
                led.append(project)
        missing = next((project for project, _local in located if project not in led), located[0][0])
        detail = _("%(met)s of %(total)s projects") % {"met": len(led), "total": len(located)}
        return self.check("local_lead", len(led) * 2 >= len(located), self.project_url(missing), detail)

    def local_civil_society(self) -> Check:
        located = self.located()
        if not located:
            return self.check("local_civil_society", None, detail=_("no project located in a partner's country"))
        for project, _local in located:
            countries = self.rows.countries.get(project["id"], set())
            for row in self.rows.participants.get(project["id"], ()):
                if row["organisation__kind"] in CIVIL_SOCIETY and row["organisation__country_id"] in countries:
                    return self.check("local_civil_society", True, self.project_url(project))
        return self.check("local_civil_society", False, self.project_url(located[0][0]))

    # sustainability

    def continues(self) -> Check:
        funded = [
            (contribution["year"], project)
            for project in self.projects
            for contribution in self.rows.contributions.get(project["id"], ())
            if contribution["role"] == ContributorRole.FUNDER and contribution["year"]
        ]
        if not funded:
            return self.check("continues", None, detail=_("no external funding recorded by year"))
        last_year, last_project = max(funded, key=lambda pair: pair[0])
        if last_year >= self.today.year:
            return self.check(
                "continues", None, self.project_url(last_project), _("funded until %(year)s") % {"year": last_year}
            )
        for project in self.projects:
            end = project["actual_end"] or project["planned_end"]
            start = project["actual_start"] or project["planned_start"]
            later_money = any(
                contribution["role"] == ContributorRole.PARTY and (contribution["year"] or 0) > last_year
                for contribution in self.rows.contributions.get(project["id"], ())
            )
            if (
                later_money
                or (end and end.year > last_year and project["status"] != "5")
                or (start and start.year > last_year)
            ):
                return self.check(
                    "continues", True, self.project_url(project), _("after %(year)s") % {"year": last_year}
                )
        return self.check(
            "continues", False, self.project_url(last_project), _("nothing after %(year)s") % {"year": last_year}
        )

    def local_cofunding(self) -> Check:
        local: set[int] = set()
        for project in self.projects:
            local |= self.local_parties(project)
        total = local_share = Decimal(0)
        for project in self.projects:
            for contribution in self.rows.contributions.get(project["id"], ()):
                euros = _euros(contribution["amount"], contribution["currency"], contribution["year"])
                if euros is None:
                    continue
                total += euros
                if contribution["organisation_id"] in local:
                    local_share += euros
        if not local or not total:
            return self.check("local_cofunding", None, detail=_("no contribution or no located project recorded"))
        share = local_share / total
        detail = _("%(share)s%% of the contributions") % {"share": round(share * 100)}
        return self.check("local_cofunding", share >= LOCAL_COFUNDING_SHARE, detail=detail)

    def environment(self) -> Check:
        for project in self.projects:
            markers = self.rows.markers.get(project["id"], {}).get("environment")
            if markers:
                return self.check("environment", max(markers) >= 1, self.project_url(project))
        return self.check("environment", None, detail=_("no project screened with the policy markers"))

    def renewal(self) -> Check:
        documents = self.rows.documents.get(self.id, [])
        if not documents:
            return self.check("renewal", None, detail=_("no agreement recorded"))
        signed = {document["signed_on"] or document["document_date"] for document in documents} - {None}
        renewals = [document["renewal_on"] for document in documents if document["renewal_on"]]
        if len(signed) >= 2 or any(day >= self.today for day in renewals):
            return self.check("renewal", True, self.url)
        if renewals:
            return self.check("renewal", False, self.url, _("renewal was due on %(date)s") % {"date": max(renewals)})
        return self.check("renewal", None, self.url, _("no renewal date recorded"))

    # equity

    def budget_share(self) -> Check:
        managed: dict[int, Decimal] = defaultdict(Decimal)
        total = Decimal(0)
        for project in self.projects:
            money = self.rows.budgets.get(project["id"])
            if money is None:
                money = Decimal(0)
                for contribution in self.rows.contributions.get(project["id"], ()):
                    money += _euros(contribution["amount"], contribution["currency"], contribution["year"]) or 0
            managers = {project["lead_organisation_id"]} | {
                row["organisation_id"] for row in self.rows.participants.get(project["id"], ()) if row["role"] == "4"
            }
            managers &= set(self.parties)
            if not money or not managers:
                continue
            total += money
            for organisation in managers:
                managed[organisation] += money / len(managers)
        if not total:
            return self.check("budget_share", None, detail=_("no project money with a managing party recorded"))
        sides = [organisation for organisation, amount in managed.items() if amount / total >= MANAGED_SHARE]
        shares = sorted((round(amount / total * 100) for amount in managed.values()), reverse=True)
        detail = " / ".join(f"{share}%" for share in shares)
        return self.check("budget_share", len(sides) >= self.needed_sides(), detail=detail)

    def gender(self) -> Check:
        has_values = False
        for project in self.projects:
            markers = self.rows.markers.get(project["id"], {}).get("gender")
            if project["id"] in self.rows.disaggregated_by_sex or (markers and max(markers) >= 1):
                return self.check("gender", True, self.project_url(project))
            has_values = has_values or bool(markers) or bool(self.rows.measured.get(project["id"]))
        if not has_values:
            return self.check("gender", None, detail=_("no marker and no approved result"))
        return self.check("gender", False)

    def beneficiaries(self) -> Check:
        if not self.projects:
            return self.check("beneficiaries", None, detail=_("no published project"))
        counted = [project for project in self.projects if project["beneficiaries_count"]]
        detail = _("%(met)s of %(total)s projects") % {"met": len(counted), "total": len(self.projects)}
        missing = next((project for project in self.projects if not project["beneficiaries_count"]), self.projects[0])
        return self.check("beneficiaries", len(counted) * 2 >= len(self.projects), self.project_url(missing), detail)

    def card(self) -> Card:
        card = Card(partnership_id=self.id)
        for codes in CHECKS.values():
            for code in codes:
                card.checks[code] = getattr(self, code)()
        return card


def compute(partnership_ids: Iterable[int], *, today: date | None = None) -> dict[int, Card]:
    """The scorecards of the partnerships (ids), read in chunks of ``CHUNK``."""
    today = today or timezone.localdate()
    ids = sorted(set(partnership_ids))
    cards: dict[int, Card] = {}
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        rows = _read(chunk)
        for partnership_id in chunk:
            cards[partnership_id] = Judge(partnership_id, rows, today).card()
    return cards


# What pages and the API show


def principles_of(card: Card) -> list[dict]:
    """``[{"principle", "label", "score", "evidence": [{"label", "met", "record", "known", "detail"}]}]``."""
    out = []
    for principle, codes in CHECKS.items():
        evidence = []
        for code in codes:
            check = card.checks[code]
            evidence.append(
                {
                    "code": code,
                    "label": str(CHECK_LABELS[code]),
                    "met": bool(check.met),
                    "known": check.met is not None,
                    "record": check.record,
                    "detail": check.detail,
                }
            )
        out.append(
            {
                "principle": str(principle),
                "label": str(Principle(principle).label),
                "score": card.score(principle),
                "evidence": evidence,
            }
        )
    return out


def partnership_principles(partnership) -> list[dict]:
    return principles_of(compute([partnership.pk])[partnership.pk])


def organisation_principles(organisation) -> list[dict]:
    """Each principle's score is the mean of the known scores of the organisation's published partnerships;
    the evidence lists each partnership with its score."""
    partnerships = list(
        Partnership.objects.filter(party_links__organisation=organisation, publication_status="published")
        .prefetch_related("party_links__organisation")
        .order_by("-id")
        .distinct()
    )
    cards = compute([partnership.pk for partnership in partnerships])
    out = []
    for principle in CHECKS:
        scores = [(partnership, cards[partnership.pk].score(principle)) for partnership in partnerships]
        known = [score for _partnership, score in scores if score is not None]
        evidence = [
            {
                "code": "partnership",
                "label": partnership.display_title,
                "met": score is not None and score >= 50,
                "known": score is not None,
                "record": partnership.get_absolute_url(),
                "detail": f"{score}/100" if score is not None else _("not enough data"),
            }
            for partnership, score in scores
        ]
        out.append(
            {
                "principle": str(principle),
                "label": str(Principle(principle).label),
                "score": round(sum(known) / len(known)) if known else None,
                "evidence": evidence,
            }
        )
    return out


# The stored scorecards (statistics across a country or an axis)


@transaction.atomic
def scorecards_refresh(partnership_ids: Iterable[int] | None = None, *, today: date | None = None) -> int:
    """Recompute and store the scorecards of published partnerships (all of them when ``partnership_ids`` is
    None), then those of their parties; returns how many partnerships were computed."""
    published = Partnership.objects.filter(publication_status="published")
    if partnership_ids is None:
        ids = list(published.values_list("pk", flat=True))
        Scorecard.objects.all().delete()
    else:
        wanted = set(partnership_ids)
        ids = list(published.filter(pk__in=wanted).values_list("pk", flat=True))
        Scorecard.objects.filter(partnership_id__in=wanted).delete()
    now = timezone.now()
    cards = compute(ids, today=today)
    rows = []
    for partnership_id, card in cards.items():
        rows.append(
            Scorecard(
                partnership_id=partnership_id,
                computed_at=now,
                evidence={code: check.met for code, check in card.checks.items()},
                **{f"{principle}_score": card.score(principle) for principle in CHECKS},
            )
        )
    Scorecard.objects.bulk_create(rows, batch_size=1000)
    _refresh_organisations(ids if partnership_ids is not None else None, now)
    return len(cards)


def _refresh_organisations(partnership_ids: list[int] | None, now) -> None:
    parties = PartnershipParty.objects.filter(partnership__publication_status="published")
    if partnership_ids is not None:
        organisations = set(
            parties.filter(partnership_id__in=partnership_ids).values_list("organisation_id", flat=True)
        )
        parties = parties.filter(organisation_id__in=organisations)
        Scorecard.objects.filter(organisation_id__in=organisations).delete()
    stored = {
        row["partnership_id"]: row
        for row in Scorecard.objects.filter(partnership__isnull=False).values(
            "partnership_id", *(f"{principle}_score" for principle in CHECKS)
        )
    }
    by_organisation: dict[int, list[dict]] = defaultdict(list)
    for organisation_id, partnership_id in parties.values_list("organisation_id", "partnership_id"):
        if partnership_id in stored:
            by_organisation[organisation_id].append(stored[partnership_id])
    rows = []
    for organisation_id, cards in by_organisation.items():
        scores = {}
        for principle in CHECKS:
            known = [card[f"{principle}_score"] for card in cards if card[f"{principle}_score"] is not None]
            scores[f"{principle}_score"] = round(sum(known) / len(known)) if known else None
        rows.append(Scorecard(organisation_id=organisation_id, computed_at=now, evidence={}, **scores))
    Scorecard.objects.bulk_create(rows, batch_size=1000)
