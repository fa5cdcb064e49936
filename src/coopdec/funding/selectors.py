"""Reads shared by the pages, the API, the exports and the benchmark."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Case, Q, QuerySet, Sum, When
from django.utils import timezone

from coopdec.actors.models import EDITING_ROLES, LOCAL_GOVERNMENT_KINDS, Organisation, OrganisationKind
from coopdec.actors.selectors import is_coordinator, organisation_ids_of, roles_of
from coopdec.common.models import PublicationStatus
from coopdec.cooperation.models import Document, PartnershipParty, Project
from coopdec.declarations.models import Campaign, Declaration, DeclarationStatus
from coopdec.territories.models import Country
from coopdec.vocabularies.models import Axis, CodelistItem

from . import eligibility
from .models import (
    NOT_SUBMITTED,
    Application,
    ApplicationStatus,
    Call,
    Criterion,
    Report,
    ReportStatus,
    Review,
    ReviewStatus,
)


def editable_organisation_ids(user) -> set[int]:
    return {pk for pk, role in roles_of(user).items() if role in EDITING_ROLES}


# Calls ----------------------------------------------------------------------------------------


def open_calls(*, today: date | None = None) -> QuerySet[Call]:
    today = today or timezone.localdate()
    return (
        Call.objects.filter(publication_status=PublicationStatus.PUBLISHED, deadline__gte=today)
        .select_related("funder")
        .order_by("deadline", "id")
    )


def past_calls(*, today: date | None = None) -> QuerySet[Call]:
    today = today or timezone.localdate()
    return (
        Call.objects.filter(publication_status=PublicationStatus.PUBLISHED, deadline__lt=today)
        .select_related("funder")
        .order_by("-deadline", "-id")
    )


def calls_managed_by(user) -> QuerySet[Call]:
    if is_coordinator(user):
        return Call.objects.select_related("funder").order_by("-id")
    return Call.objects.filter(funder_id__in=editable_organisation_ids(user)).select_related("funder").order_by("-id")


def envelope_left(call: Call, *, excluding: Application | None = None) -> Decimal:
    awarded = Application.objects.filter(call=call, status=ApplicationStatus.AWARDED)
    if excluding is not None:
        awarded = awarded.exclude(pk=excluding.pk)
    return call.envelope - (awarded.aggregate(total=Sum("awarded_amount"))["total"] or Decimal(0))


def labels() -> dict:
    """Names of the codes a call's rules name (kinds, axes, document categories), in the active language."""
    return {
        "kinds": dict(OrganisationKind.choices),
        "countries": {country.code: country.name for country in Country.objects.all()},
        "axes": {axis.code: axis.name for axis in Axis.objects.all()},
        "documents": {
            item.code: item.name for item in CodelistItem.objects.filter(codelist="DocumentCategory", withdrawn=False)
        },
    }


# Eligibility facts ----------------------------------------------------------------------------


def organisation_facts(
    organisations: Iterable[Organisation], *, today: date
) -> dict[int, eligibility.OrganisationFacts]:
    """What the register says of each organisation, in six queries whatever their number."""
    kinds = dict(OrganisationKind.choices)
    year = today.year - 1
    facts = {
        org.pk: eligibility.OrganisationFacts(
            id=org.pk,
            name=org.name,
            kind=org.kind,
            kind_label=str(kinds.get(org.kind, org.kind)),
            country_id=org.country_id,
            confirmed_at=org.confirmed_at,
            declaration_year=year,
        )
        for org in organisations
    }
    ids = list(facts)
    if not ids:
        return facts
    countries = {f.country_id for f in facts.values()}
    with_campaign = set(
        Campaign.objects.filter(year=year, country_id__in=countries).values_list("country_id", flat=True)
    )
    submitted = set(
        Declaration.objects.filter(
            campaign__year=year, organisation_id__in=ids, status=DeclarationStatus.SUBMITTED
        ).values_list("organisation_id", flat=True)
    )
    for pk, due_on in Report.objects.filter(
        application__organisation_id__in=ids,
        due_on__lt=today,
        status__in=[ReportStatus.DUE, ReportStatus.RETURNED],
    ).values_list("application__organisation_id", "due_on"):
        facts[pk].overdue_reports.append(due_on)
    memberships = PartnershipParty.objects.filter(organisation_id__in=ids).values_list(
        "partnership_id", "organisation_id"
    )
    partnerships_of: dict[int, set[int]] = defaultdict(set)
    for partnership_id, org_id in memberships:
        partnerships_of[partnership_id].add(org_id)
    parties = PartnershipParty.objects.filter(partnership_id__in=list(partnerships_of)).values_list(
        "partnership_id",
        "organisation_id",
        "organisation__name",
        "organisation__country_id",
        "organisation__kind",
        "organisation__publication_status",
    )
    for partnership_id, org_id, name, country, kind, status in parties:
        partner = eligibility.PartnerFacts(
            id=org_id,
            name=name,
            country_id=country,
            is_local_government=kind in LOCAL_GOVERNMENT_KINDS,
            is_published=status == PublicationStatus.PUBLISHED,
        )
        for applicant_id in partnerships_of[partnership_id]:
            facts[applicant_id].partners.setdefault(partnership_id, [])
            if org_id != applicant_id:
                facts[applicant_id].partners[partnership_id].append(partner)
    signed = set(
        Document.objects.filter(partnership_id__in=list(partnerships_of))
        .filter(Q(is_agreement=True) | Q(category="A09"))
        .values_list("partnership_id", flat=True)
    )
    for partnership_id in signed:
        for applicant_id in partnerships_of[partnership_id]:
            facts[applicant_id].agreements.add(partnership_id)
    for fact in facts.values():
        fact.has_campaign = fact.country_id in with_campaign
        fact.declaration_submitted = fact.id in submitted
    return facts


def project_facts(project: Project) -> eligibility.ProjectFacts:
    return eligibility.ProjectFacts(
        id=project.pk,
        title=project.display_title,
        partnership_id=project.partnership_id,
        axes=set(project.axes.values_list("code", flat=True)),
        sectors=set(project.sectors.values_list("code", flat=True)),
        countries=set(project.recipient_countries.values_list("country_id", flat=True)),
        start=project.start_date,
        end=project.end_date,
        document_categories=set(project.documents.exclude(category="").values_list("category", flat=True)),
    )


def plan_of(application: Application) -> eligibility.Plan:
    return eligibility.Plan(
        requested=application.requested,
        own_cash=application.own_cash,
        own_in_kind=application.own_in_kind,
        other_funding=application.other_funding,
    )


def eligibility_of(organisation: Organisation, call: Call, *, today: date | None = None, now: datetime | None = None):
    today = today or timezone.localdate()
    facts = organisation_facts([organisation], today=today)[organisation.pk]
    return eligibility.check_applicant(call, facts, today=today, now=now or timezone.now(), labels=labels())


def application_eligibility(application: Application, *, plan: eligibility.Plan | None = None, today=None):
    today = today or timezone.localdate()
    facts = organisation_facts([application.organisation], today=today)[application.organisation_id]
    return eligibility.check_application(
        application.call,
        facts,
        project_facts(application.project),
        plan or plan_of(application),
        today=today,
        now=timezone.now(),
        labels=labels(),
        final=application.status == ApplicationStatus.SHORTLISTED,
    )


def eligibility_many(call: Call, organisations: QuerySet[Organisation], *, today: date, now: datetime) -> dict:
    """The eligibility of many organisations against one call (the benchmark's subject)."""
    names = labels()
    facts = organisation_facts(organisations, today=today)
    return {
        pk: eligibility.check_applicant(call, fact, today=today, now=now, labels=names) for pk, fact in facts.items()
    }


# Projects an organisation may apply with --------------------------------------------------------


def projects_of(organisation: Organisation) -> QuerySet[Project]:
    """Projects the organisation leads, or of a partnership it is a party to."""
    return (
        Project.objects.filter(
            Q(lead_organisation=organisation) | Q(partnership__party_links__organisation=organisation)
        )
        .distinct()
        .order_by("-id")
    )


def prefilled_plan(project: Project, organisation: Organisation, currency: str) -> dict:
    """The funding plan as the project's contributions in the call's currency say it (others are left out:
    no exchange rate is guessed; the applicant adds them converted)."""
    own_cash = own_in_kind = other = Decimal(0)
    for contribution in project.contributions.filter(currency=currency):
        if contribution.organisation_id == organisation.pk:
            if contribution.kind == "cash":
                own_cash += contribution.amount
            else:
                own_in_kind += contribution.amount
        else:
            other += contribution.amount
    return {"own_cash": own_cash, "own_in_kind": own_in_kind, "other_funding": other}


def partner_candidates(project: Project, organisation: Organisation) -> list[Organisation]:
    """The project's other parties that may be named partner authority: published ones (a draft's name
    is for its own members, and the rule asks for a registered partner)."""
    if project.partnership is None:
        return []
    return [
        link.organisation
        for link in project.partnership.party_links.select_related("organisation")
        if link.organisation_id != organisation.pk and link.organisation.is_published
    ]


# Applications and reviews ------------------------------------------------------------------------


def applications_of(user) -> QuerySet[Application]:
    """Applications of the user's organisations, and those naming them as partner."""
    ids = organisation_ids_of(user)
    return (
        Application.objects.filter(Q(organisation_id__in=ids) | Q(partner_id__in=ids))
        .select_related("call__funder", "organisation", "project", "partner")
        .order_by("-id")
    )


def reviews_of(user) -> QuerySet[Review]:
    if not user.is_authenticated:
        return Review.objects.none()
    return (
        Review.objects.filter(reviewer=user)
        .exclude(status=ReviewStatus.DECLINED)
        .select_related("application__call", "application__organisation")
        .order_by("application__call__deadline", "id")
    )


def criteria_of(call: Call) -> list[Criterion]:
    return list(call.criteria.order_by("position", "id"))


def weighted_total(criteria: list[Criterion], scores: dict) -> Decimal | None:
    weights = sum(c.weight for c in criteria)
    if not criteria or not weights or any(str(c.pk) not in scores for c in criteria):
        return None
    total = sum(Decimal(scores[str(c.pk)]["score"]) * c.weight for c in criteria)
    return (Decimal(total) / weights).quantize(Decimal("0.01"))


def concept_notes(call: Call):
    """A two-stage call's concept notes: those awaiting an answer first, then the shortlisted and declined."""
    order = Case(When(status=ApplicationStatus.CONCEPT, then=0), default=1)
    return (
        Application.objects.filter(
            call=call,
            status__in=[ApplicationStatus.CONCEPT, ApplicationStatus.SHORTLISTED, ApplicationStatus.NOT_SHORTLISTED],
        )
        .select_related("organisation", "project")
        .order_by(order, "concept_submitted_at", "pk")
    )


@dataclass
class Ranked:
    application: Application
    score: Decimal | None
    reviews_done: int
    reviews_expected: int
    passes: bool


def ranking(call: Call) -> list[Ranked]:
    """Applications submitted to the call, best average score first; those under the pass mark last."""
    applications = (
        Application.objects.filter(call=call)
        .exclude(status__in=NOT_SUBMITTED)
        .select_related("organisation", "project", "partner")
        .prefetch_related("reviews")
    )
    rows = []
    for application in applications:
        reviews = [r for r in application.reviews.all() if r.status != ReviewStatus.DECLINED]
        done = [r.total for r in reviews if r.status == ReviewStatus.DONE and r.total is not None]
        score = (Decimal(sum(done)) / len(done)).quantize(Decimal("0.01")) if done else None
        rows.append(Ranked(application, score, len(done), len(reviews), score is not None and score >= call.pass_mark))
    rows.sort(key=lambda row: (not row.passes, -(row.score or 0), row.application.pk))
    return rows


def late_reports(*, funder_ids: Iterable[int] | None = None, applicant_ids: Iterable[int] | None = None, today=None):
    today = today or timezone.localdate()
    reports = Report.objects.filter(due_on__lt=today, status__in=[ReportStatus.DUE, ReportStatus.RETURNED])
    if funder_ids is not None:
        reports = reports.filter(application__call__funder_id__in=list(funder_ids))
    if applicant_ids is not None:
        reports = reports.filter(application__organisation_id__in=list(applicant_ids))
    return reports.select_related("application__call", "application__organisation", "application__project").order_by(
        "due_on"
    )
