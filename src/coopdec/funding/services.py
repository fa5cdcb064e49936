"""Every write of the funding app: keyword-only arguments, one transaction, a history entry, a mail.

Rules that refuse come back as ``ValidationError`` with a message a person can act on; nothing is
written then. Concurrent writes are serialised by ``select_for_update`` on the row they change (the
call for an award, the application for its plan and decision, the review for its scores, the tranche
for its release), and a stale ``revision`` is refused (code ``stale``).
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from coopdec.actors.models import EDITING_ROLES, Membership, Organisation, OrganisationKind
from coopdec.actors.selectors import working_language
from coopdec.common.i18n import clean_i18n, localize
from coopdec.common.mail import mail_render_enqueue
from coopdec.common.models import PublicationStatus
from coopdec.common.versions import versioned_change
from coopdec.cooperation import services as cooperation_services
from coopdec.cooperation.models import ContributionKind, ContributorRole, Indicator, IndicatorValue, Project
from coopdec.territories.models import Country
from coopdec.vocabularies.models import Axis
from coopdec.vocabularies.selectors import code_exists

from . import eligibility, selectors
from .models import (
    CONCEPT_MAX,
    DECIDED,
    NOT_SUBMITTED,
    Application,
    ApplicationStatus,
    Call,
    Criterion,
    Prerequisite,
    Report,
    ReportKind,
    ReportStatus,
    Review,
    ReviewStatus,
    Tranche,
)

SCORES = range(1, 6)
EXTREME_SCORES = {1, 5}
CENT = Decimal("0.01")


def _save(record, *, user, reason: str = "") -> None:
    """Save ``record`` with ``user`` and ``reason`` in its history."""
    record._history_user = user if user is not None and user.is_authenticated else None
    if reason:
        record._change_reason = reason
    record.save()


def _decimal(value, field: str, *, required: bool = True) -> Decimal | None:
    if value in (None, ""):
        if required:
            raise ValidationError({field: _("Give an amount.")})
        return None
    try:
        number = Decimal(str(value).replace(" ", "").replace(",", "."))
    except InvalidOperation:
        raise ValidationError({field: _("The amount is not a number.")}) from None
    if not number.is_finite() or number < 0:
        raise ValidationError({field: _("The amount cannot be negative.")})
    if number >= Decimal("1e14"):
        raise ValidationError({field: _("The amount is too large.")})
    return number.quantize(CENT)


def _check_revision(record, revision) -> None:
    if revision is not None and int(revision) != record.revision:
        raise ValidationError(
            _("Someone saved this in the meantime: reload the page to see their change, then apply yours."),
            code="stale",
        )


def editor_emails(organisation: Organisation | None) -> list[str]:
    if organisation is None:
        return []
    return sorted(
        set(
            Membership.objects.filter(organisation=organisation, role__in=EDITING_ROLES, user__is_active=True)
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        )
    )


def language_of(organisation: Organisation, project: Project | None = None) -> str:
    """The language to write to an organisation in: its first working language the site speaks, else the project's."""
    return working_language([organisation], getattr(project, "language", "")) or (
        "fr" if organisation.country_id in {"FR", "SN", "BF", "ML", "CI", "NE", "BJ", "TG"} else settings.LANGUAGE_CODE
    )


def _mail(recipients, *, language: str, template: str, context: dict) -> None:
    """Render ``funding/mail/<template>.txt`` (first line: the subject) in ``language`` and queue it."""
    mail_render_enqueue(
        template=f"funding/mail/{template}.txt",
        context={**context, "site": settings.SITE_URL},
        recipients=recipients,
        language=language,
    )


def _letter(application: Application, template: str, **context) -> None:
    """A letter to the applicant's editors in its language, about ``application`` (its call, its page)."""
    _mail(
        editor_emails(application.organisation),
        language=language_of(application.organisation, application.project),
        template=template,
        context={
            "application": application,
            "call": application.call,
            "url": reverse("funding:application_detail", args=[application.pk]),
            **context,
        },
    )


# Calls ----------------------------------------------------------------------------------------

CALL_FIELDS = {
    "title",
    "description",
    "envelope",
    "currency",
    "opens_on",
    "deadline",
    "stages",
    "concept_deadline",
    "concept_guidance",
    "eligible_kinds",
    "eligible_countries",
    "eligible_axes",
    "eligible_sectors",
    "max_rate_ldc",
    "max_rate_other",
    "min_own_share",
    "max_in_kind_share",
    "min_amount",
    "max_amount",
    "max_duration_months",
    "required_documents",
    "prerequisites",
    "retained_share",
    "pass_mark",
    "is_demo",
}


def _clean_codes(values, known, field: str, message: str) -> list[str]:
    codes = [str(v).strip() for v in (values or []) if str(v).strip()]
    unknown = [code for code in codes if code not in known]
    if unknown:
        raise ValidationError({field: message % {"codes": ", ".join(unknown)}})
    return list(dict.fromkeys(codes))


def _set_call_fields(call: Call, fields: dict) -> None:
    unknown = set(fields) - CALL_FIELDS
    if unknown:
        raise TypeError(f"unknown call fields: {sorted(unknown)}")
    for name, value in fields.items():
        if name in {"title", "description", "concept_guidance"}:
            value = clean_i18n(value)
        elif name == "eligible_kinds":
            value = _clean_codes(value, set(OrganisationKind.values), name, _("Unknown kind: %(codes)s."))
        elif name == "eligible_countries":
            codes = [str(v).strip().upper() for v in value or []]
            known = set(Country.objects.filter(code__in=codes).values_list("code", flat=True))
            value = _clean_codes(codes, known, name, _("Unknown country code: %(codes)s."))
        elif name == "eligible_axes":
            known = set(Axis.objects.values_list("code", flat=True))
            value = _clean_codes(value, known, name, _("Unknown cooperation axis: %(codes)s."))
        elif name == "eligible_sectors":
            codes = [str(v).strip() for v in value or []]
            bad = [c for c in codes if not (c.isdigit() and len(c) in (3, 5))]
            if bad:
                raise ValidationError(
                    {name: _("DAC sector codes have 3 or 5 digits: %(codes)s.") % {"codes": ", ".join(bad)}}
                )
            value = list(dict.fromkeys(c for c in codes if c))
        elif name == "required_documents":
            codes = [str(v).strip() for v in value or []]
            bad = [c for c in codes if c and not code_exists("DocumentCategory", c)]
            if bad:
                raise ValidationError({name: _("Unknown document category: %(codes)s.") % {"codes": ", ".join(bad)}})
            value = list(dict.fromkeys(c for c in codes if c))
        elif name == "prerequisites":
            value = _clean_codes(value, set(Prerequisite.values), name, _("Unknown prerequisite: %(codes)s."))
        elif name == "currency":
            value = cooperation_services.validate_currency(value)
        setattr(call, name, value)


def _check_call(call: Call) -> None:
    if not call.title:
        raise ValidationError({"title": _("Give the call a title.")})
    if call.opens_on and call.deadline and call.deadline < call.opens_on:
        raise ValidationError({"deadline": _("The deadline comes before the opening.")})
    if call.is_two_stage:
        if call.concept_deadline is None:
            raise ValidationError({"concept_deadline": _("A two-stage call needs the concept note deadline.")})
        if call.opens_on and call.concept_deadline < call.opens_on:
            raise ValidationError({"concept_deadline": _("The concept note deadline comes before the opening.")})
        if call.deadline and call.concept_deadline > call.deadline:
            raise ValidationError({"concept_deadline": _("The concept note deadline comes after the final deadline.")})
    else:
        call.concept_deadline = None
    if call.min_amount is not None and call.max_amount is not None and call.min_amount > call.max_amount:
        raise ValidationError({"max_amount": _("The largest grant is smaller than the smallest.")})
    if call.max_amount is not None and call.max_amount > call.envelope:
        raise ValidationError({"max_amount": _("The largest grant is larger than the envelope.")})
    call.full_clean(exclude=["funder", "created_by"])


def _set_criteria(call: Call, criteria) -> None:
    """Replace the call's scoring grid with ``criteria`` [(title, weight)]; a grid given as it is stands
    untouched (its criteria keep their ids, which the reviews' scores name), even once scoring began."""
    if criteria is None:
        return
    rows = []
    for position, (title, weight) in enumerate(criteria):
        title = clean_i18n(title)
        if not title:
            continue
        if not isinstance(weight, int) or not 1 <= weight <= 100:
            raise ValidationError({"criteria": _("Each criterion's weight is a whole number from 1 to 100.")})
        rows.append(Criterion(call=call, title=title, weight=weight, position=position))
    if [(row.title, row.weight) for row in rows] == list(call.criteria.values_list("title", "weight")):
        return
    if Review.objects.filter(application__call=call).exclude(scores={}).exists():
        raise ValidationError({"criteria": _("Reviewers have started scoring: the grid can no longer change.")})
    call.criteria.all().delete()
    Criterion.objects.bulk_create(rows)


@transaction.atomic
def call_create(*, user=None, funder: Organisation, criteria=None, **fields) -> Call:
    call = Call(funder=funder, created_by=user if user is not None and user.is_authenticated else None)
    _set_call_fields(call, fields)
    _check_call(call)
    _save(call, user=user, reason="created")
    _set_criteria(call, criteria)
    return call


# Rules an applicant may have relied on: fixed once an application is submitted (the text, the
# envelope and the deadline may still change: a typo, a larger envelope, an extension).
LOCKED_FIELDS = CALL_FIELDS - {
    "title",
    "description",
    "concept_guidance",
    "envelope",
    "deadline",
    "concept_deadline",
    "is_demo",
}


def _same_rule(value, before) -> bool:
    """Whether a rule of the call is unchanged; lists (eligible kinds, countries, sectors, documents) are
    sets, in whatever order a form or the API gives them."""
    if isinstance(value, list) and isinstance(before, list):
        return sorted(map(str, value)) == sorted(map(str, before))
    return value == before


@transaction.atomic
def call_update(*, call: Call, user=None, criteria=None, **fields) -> Call:
    call = Call.objects.select_for_update(of=("self",)).get(pk=call.pk)
    before = {name: getattr(call, name) for name in LOCKED_FIELDS}
    _set_call_fields(call, fields)
    changed = sorted(name for name in LOCKED_FIELDS if not _same_rule(getattr(call, name), before[name]))
    if changed and call.applications.exclude(status=ApplicationStatus.DRAFT).exists():
        raise ValidationError(
            _("Applications are submitted under these rules: they can no longer change (%(fields)s).")
            % {"fields": ", ".join(str(getattr(Call._meta.get_field(name), "verbose_name", name)) for name in changed)},
            code="locked",
        )
    _check_call(call)
    _save(call, user=user, reason="changed")
    _set_criteria(call, criteria)
    return call


@transaction.atomic
def call_publish(*, call: Call, user=None, publish: bool = True) -> Call:
    call = Call.objects.select_for_update(of=("self",)).get(pk=call.pk)
    if publish and not call.criteria.exists():
        raise ValidationError(_("Give the call its scoring grid (one criterion at least) before publishing it."))
    if not publish and call.applications.exists():
        raise ValidationError(_("Organisations have applied: the call stays published."))
    call.publication_status = PublicationStatus.PUBLISHED if publish else PublicationStatus.DRAFT
    _save(call, user=user, reason="published" if publish else "unpublished")
    return call


# Applications ---------------------------------------------------------------------------------


def _check_open(call: Call, today: date) -> None:
    if not call.is_published:
        raise ValidationError(_("This call is not published."))
    if call.is_two_stage and call.concept_deadline is not None and today > call.concept_deadline:
        raise ValidationError(
            _("The concept note deadline was %(day)s: the call no longer takes concept notes.")
            % {"day": call.concept_deadline.isoformat()},
            code="closed",
        )
    _check_final_open(call, today)


def _check_final_open(call: Call, today: date) -> None:
    """The call takes full applications: published, opened, the final deadline not passed."""
    if not call.is_published:
        raise ValidationError(_("This call is not published."))
    if today > call.deadline:
        raise ValidationError(
            _("The deadline was %(day)s: the call no longer takes applications.") % {"day": call.deadline.isoformat()},
            code="closed",
        )
    if today < call.opens_on:
        raise ValidationError(_("The call opens on %(day)s.") % {"day": call.opens_on.isoformat()}, code="closed")


@transaction.atomic
def application_create(
    *,
    call: Call,
    organisation: Organisation,
    user=None,
    project: Project | None = None,
    new_title: dict | None = None,
    today: date | None = None,
) -> Application:
    """Start an application from a project of the organisation (or a new one, created from its title)."""
    _check_open(call, today or timezone.localdate())
    if project is None:
        if not clean_i18n(new_title):
            raise ValidationError({"project": _("Choose one of your projects, or give the new project a title.")})
        project = cooperation_services.project_create(
            user=user, title=new_title, lead_organisation=organisation, currency=call.currency, status="1"
        )
    elif not selectors.projects_of(organisation).filter(pk=project.pk).exists():
        raise ValidationError({"project": _("This project is not one of %(name)s's.") % {"name": organisation.name}})
    if Application.objects.filter(call=call, project=project).exists():
        raise ValidationError({"project": _("This project has already applied to this call.")})
    partners = [p for p in selectors.partner_candidates(project, organisation) if p.is_local_government]
    application = Application(
        call=call,
        organisation=organisation,
        project=project,
        partner=partners[0] if partners else None,
        is_demo=call.is_demo,
        **selectors.prefilled_plan(project, organisation, call.currency),
    )
    _save(application, user=user, reason="created")
    return application


def plan_from(values: dict, application: Application) -> eligibility.Plan:
    """A funding plan from form or JSON values (missing ones: the application's)."""
    amounts: dict[str, Decimal] = {}
    for name in ("requested", "own_cash", "own_in_kind", "other_funding"):
        value = values.get(name)
        amounts[name] = getattr(application, name) if value is None else (_decimal(value, name) or Decimal(0))
    return eligibility.Plan(**amounts)


@transaction.atomic
def application_set_plan(
    *, application: Application, user=None, revision=None, partner: Organisation | None = None, **values
) -> Application:
    """Save the funding plan; a plan that breaks one of the call's rules is refused, nothing saved."""
    application = Application.objects.select_for_update(of=("self",)).select_related("call").get(pk=application.pk)
    _check_revision(application, revision)
    if not application.is_editable:
        raise ValidationError(_("The application is submitted: its funding plan is frozen."), code="locked")
    plan = plan_from(values, application)
    project = selectors.project_facts(application.project)
    failed = [
        c
        for c in eligibility.check_plan(
            application.call, plan, least_developed=eligibility.least_developed_rate(project)
        )
        if not c.passed
    ]
    if failed:
        raise ValidationError([c.reason for c in failed], code="plan")
    application.requested, application.own_cash = plan.requested, plan.own_cash
    application.own_in_kind, application.other_funding = plan.own_in_kind, plan.other_funding
    if partner is not None:
        candidates = {p.pk for p in selectors.partner_candidates(application.project, application.organisation)}
        if partner.pk not in candidates:
            raise ValidationError({"partner": _("The partner must be a party to the project's partnership.")})
        if partner.pk != application.partner_id:
            application.partner = partner
            application.partner_confirmed_at = None
            application.partner_confirmed_by = None
    application.revision += 1
    _save(application, user=user, reason="plan")
    return application


def _public_name(organisation: Organisation) -> str:
    """A draft organisation is named to its own members only: the frozen copy is read by others."""
    return organisation.name if organisation.is_published else _("an organisation not yet published")


def snapshot(application: Application) -> dict:
    """The application as submitted: the project's record and the funding plan, frozen."""
    project = (
        Project.objects.select_related("partnership", "lead_organisation")
        .prefetch_related("contributions__organisation", "budgets", "results__indicators", "documents", "sectors")
        .get(pk=application.project_id)
    )
    parties = []
    if project.partnership is not None:
        parties = [
            {"id": link.organisation_id, "name": _public_name(link.organisation), "role": link.role}
            for link in project.partnership.party_links.select_related("organisation")
        ]
    return {
        "project": {
            "id": project.pk,
            "title": project.title,
            "summary": project.summary,
            "description": project.description,
            "planned_start": project.planned_start.isoformat() if project.planned_start else None,
            "planned_end": project.planned_end.isoformat() if project.planned_end else None,
            "currency": project.currency,
            "sectors": [{"code": s.code, "percentage": str(s.percentage or "")} for s in project.sectors.all()],
            "countries": sorted(project.recipient_countries.values_list("country_id", flat=True)),
            "axes": sorted(project.axes.values_list("code", flat=True)),
        },
        "parties": parties,
        "budgets": [
            {
                "start": b.period_start.isoformat(),
                "end": b.period_end.isoformat(),
                "value": str(b.value),
                "currency": b.currency,
            }
            for b in project.budgets.all()
        ],
        "contributions": [
            {
                "organisation": _public_name(c.organisation) if c.organisation else c.contributor_name,
                "kind": c.kind,
                "role": c.role,
                "amount": str(c.amount),
                "currency": c.currency,
            }
            for c in project.contributions.all()
        ],
        "results": [
            {
                "title": r.title,
                "type": r.type,
                "indicators": [{"id": i.pk, "title": i.title} for i in r.indicators.all()],
            }
            for r in project.results.all()
        ],
        "documents": [{"id": d.pk, "title": d.title, "category": d.category} for d in project.documents.all()],
        "plan": {
            "requested": str(application.requested),
            "own_cash": str(application.own_cash),
            "own_in_kind": str(application.own_in_kind),
            "other_funding": str(application.other_funding),
            "total": str(application.total_cost),
            "currency": application.call.currency,
        },
        "partner": application.partner.name if application.partner is not None else None,
    }


def _eligible(application: Application, *, today: date | None):
    """The application's eligibility, run again at each submission; refused with every failed rule's reason."""
    result = selectors.application_eligibility(application, today=today)
    if not result.eligible:
        raise ValidationError([check.reason for check in result.failed], code="ineligible")
    return result


def _tell_both(application: Application, *, applicant_template: str, funder_template: str) -> dict:
    """A submission's two mails: the applicant's editors in its language, the funder's in the funder's."""
    context = {"application": application, "url": reverse("funding:application_detail", args=[application.pk])}
    _mail(
        editor_emails(application.organisation),
        language=language_of(application.organisation, application.project),
        template=applicant_template,
        context=context,
    )
    _mail(
        editor_emails(application.call.funder),
        language=language_of(application.call.funder),
        template=funder_template,
        context=context,
    )
    return context


@transaction.atomic
def application_submit(*, application: Application, user=None, revision=None, today: date | None = None) -> Application:
    """Re-run every rule, freeze a copy of the project and the plan, tell the funder and the partner."""
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("call__funder", "organisation", "project", "partner")
        .get(pk=application.pk)
    )
    _check_revision(application, revision)
    if application.call.is_two_stage and application.status != ApplicationStatus.SHORTLISTED:
        if application.status in (ApplicationStatus.DRAFT, ApplicationStatus.CONCEPT):
            raise ValidationError(
                _(
                    "This call has two stages: the full application can be submitted only once the funder has "
                    "shortlisted your concept note."
                ),
                code="not_shortlisted",
            )
        if application.status == ApplicationStatus.NOT_SHORTLISTED:
            raise ValidationError(
                _("Your concept note was not shortlisted: this call takes no full application from it."),
                code="not_shortlisted",
            )
    if not application.is_editable:
        raise ValidationError(_("The application is already submitted."), code="locked")
    if application.call.is_two_stage:
        _check_final_open(application.call, today or timezone.localdate())
    else:
        _check_open(application.call, today or timezone.localdate())
    result = _eligible(application, today=today)
    application.snapshot = {**snapshot(application), "checks": result.as_json()["checks"]}
    application.status = ApplicationStatus.SUBMITTED
    application.submitted_at = timezone.now()
    application.submitted_by = user if user is not None and user.is_authenticated else None
    application.revision += 1
    _save(application, user=user, reason="submitted")
    context = _tell_both(application, applicant_template="submitted", funder_template="received")
    if application.partner is not None and not application.partner_confirmed_at:
        _mail(
            editor_emails(application.partner),
            language=language_of(application.partner),
            template="partner",
            context=context,
        )
    return application


# Two-stage calls: the concept note, then the shortlist ------------------------------------------------


def _locked_application(application: Application) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("call__funder", "organisation", "project", "partner")
        .get(pk=application.pk)
    )


def _clean_concept(text) -> str:
    text = str(text or "").replace("\r\n", "\n").strip()
    if len(text) > CONCEPT_MAX:
        raise ValidationError(
            {"concept_note": _("The concept note is limited to %(max)s characters.") % {"max": CONCEPT_MAX}}
        )
    return text


@transaction.atomic
def application_set_concept(*, application: Application, user=None, revision=None, concept_note: str) -> Application:
    """Save the concept note of a two-stage call's draft application."""
    application = _locked_application(application)
    _check_revision(application, revision)
    if not application.call.is_two_stage:
        raise ValidationError(_("This call has one stage: it asks for no concept note."))
    if application.status != ApplicationStatus.DRAFT:
        raise ValidationError(_("The concept note is submitted: it can no longer change."), code="locked")
    application.concept_note = _clean_concept(concept_note)
    application.revision += 1
    _save(application, user=user, reason="concept note")
    return application


@transaction.atomic
def application_submit_concept(
    *, application: Application, user=None, revision=None, concept_note: str | None = None, today: date | None = None
) -> Application:
    """First stage: check the eligibility as for an application, by the concept note deadline; tell the funder."""
    application = _locked_application(application)
    _check_revision(application, revision)
    if not application.call.is_two_stage:
        raise ValidationError(_("This call has one stage: submit the full application."))
    if application.status != ApplicationStatus.DRAFT:
        raise ValidationError(_("The concept note is already submitted."), code="locked")
    if concept_note is not None:
        application.concept_note = _clean_concept(concept_note)
    if not application.concept_note:
        raise ValidationError({"concept_note": _("Write the concept note before submitting it.")})
    _check_open(application.call, today or timezone.localdate())
    _eligible(application, today=today)
    application.status = ApplicationStatus.CONCEPT
    application.concept_submitted_at = timezone.now()
    application.revision += 1
    _save(application, user=user, reason="concept note submitted")
    _tell_both(application, applicant_template="concept_submitted", funder_template="concept_received")
    return application


@transaction.atomic
def application_shortlist(
    *, application: Application, user=None, revision=None, shortlist: bool, note: str = ""
) -> Application:
    """The funder invites the applicant to the full application, or declines; a letter in its language."""
    application = _locked_application(application)
    _check_revision(application, revision)
    if application.status != ApplicationStatus.CONCEPT:
        raise ValidationError(_("Only a submitted concept note awaiting an answer can be shortlisted or declined."))
    note = str(note or "").strip()
    if len(note) > 4000:
        raise ValidationError({"note": _("The message is too long.")})
    application.status = ApplicationStatus.SHORTLISTED if shortlist else ApplicationStatus.NOT_SHORTLISTED
    application.shortlist_note = note
    application.shortlisted_at = timezone.now()
    application.revision += 1
    _save(application, user=user, reason="shortlisted" if shortlist else "not shortlisted")
    _letter(application, "shortlist")
    return application


@transaction.atomic
def application_confirm_partner(*, application: Application, user=None) -> Application:
    application = Application.objects.select_for_update(of=("self",)).get(pk=application.pk)
    if application.partner_id is None:
        raise ValidationError(_("This application names no partner authority."))
    if application.partner_confirmed_at is not None:
        raise ValidationError(_("The partner has already confirmed its participation."))
    application.partner_confirmed_at = timezone.now()
    application.partner_confirmed_by = user if user is not None and user.is_authenticated else None
    _save(application, user=user, reason="partner confirmed")
    return application


# Withdrawal and reopening ------------------------------------------------------------------------------

# A submitted application awaiting the decision: its applicant may withdraw it.
# A concept note awaiting the funder's answer, or a full application awaiting the decision.
WITHDRAWABLE = (ApplicationStatus.CONCEPT, ApplicationStatus.SUBMITTED, ApplicationStatus.UNDER_REVIEW)
# Days after its letter during which the funder may reopen a rejection or a declined concept note: then it is final.
REOPEN_DAYS = 30


@transaction.atomic
def application_withdraw(*, application: Application, user=None, revision=None) -> Application:
    """The applicant takes back a submitted application before the decision: it leaves the ranking and the
    review (its reviews are closed, the reviewers told), and is editable again, to resubmit while the call
    is open (the frozen copy is replaced then). A concept note awaiting the answer goes back to a draft, to
    submit again before the first deadline."""
    application = _locked_application(application)
    _check_revision(application, revision)
    if application.status in DECIDED:
        raise ValidationError(_("The decision is made: the application can no longer be withdrawn."), code="locked")
    if application.status not in WITHDRAWABLE:
        raise ValidationError(_("Only a submitted application awaiting the decision can be withdrawn."))
    reviews = list(application.reviews.select_related("reviewer"))
    told = sorted({r.reviewer.email for r in reviews if r.status != ReviewStatus.DECLINED and r.reviewer.email})
    with versioned_change(application, user=user, reason="withdrawn") as change:
        for review in reviews:
            review._history_user = user if user is not None and user.is_authenticated else None
            review._change_reason = "withdrawn"
            review.delete()
        if application.status == ApplicationStatus.CONCEPT:  # the concept note: a draft again
            application.status = ApplicationStatus.DRAFT
            application.concept_submitted_at = None
        else:  # back to the stage before the submission: a draft, or (two stages) the invited full application
            application.status = (
                ApplicationStatus.SHORTLISTED if application.call.is_two_stage else ApplicationStatus.DRAFT
            )
            application.submitted_at = None
            application.submitted_by = None
        application.revision += 1
        change.save()
    context = {
        "application": application,
        "call": application.call,
        "url": reverse("funding:call_manage", args=[application.call_id]),
    }
    _mail(
        sorted(set(told) | set(editor_emails(application.call.funder))),
        language=language_of(application.call.funder),
        template="withdrawn",
        context=context,
    )
    return application


@transaction.atomic
def application_reopen(*, application: Application, user=None, revision=None, today: date | None = None) -> Application:
    """The funder takes back, within ``REOPEN_DAYS`` of its letter, a rejection (the application goes back
    to its review) or a declined concept note (back to awaiting the answer, while the call takes full
    applications); the applicant is told in its language."""
    application = _locked_application(application)
    _check_revision(application, revision)
    today = today or timezone.localdate()
    if application.status == ApplicationStatus.REJECTED:
        answered = application.decided_at
    elif application.status == ApplicationStatus.NOT_SHORTLISTED:
        answered = application.shortlisted_at
        _check_final_open(application.call, today)
    else:
        raise ValidationError(_("Only a rejected application, or a concept note not shortlisted, can be reopened."))
    if answered is not None and (today - timezone.localdate(answered)).days > REOPEN_DAYS:
        raise ValidationError(
            _(
                "The letter was sent on %(day)s: a decision is final %(days)s days after its letter and can no "
                "longer be reopened."
            )
            % {"day": timezone.localdate(answered).isoformat(), "days": REOPEN_DAYS},
            code="final",
        )
    with versioned_change(application, user=user, reason="reopened") as change:
        if application.status == ApplicationStatus.REJECTED:
            has_reviews = application.reviews.exclude(status=ReviewStatus.DECLINED).exists()
            application.status = ApplicationStatus.UNDER_REVIEW if has_reviews else ApplicationStatus.SUBMITTED
            application.decision_note = ""
            application.decided_at = None
            application.decided_by = None
        else:
            application.status = ApplicationStatus.CONCEPT
            application.shortlist_note = ""
            application.shortlisted_at = None
        application.revision += 1
        change.save()
    _letter(application, "reopened")
    return application


# Review -----------------------------------------------------------------------------------------


@transaction.atomic
def review_assign(*, application: Application, reviewer, user=None) -> Review:
    application = Application.objects.select_for_update(of=("self",)).select_related("call").get(pk=application.pk)
    if application.status not in (ApplicationStatus.SUBMITTED, ApplicationStatus.UNDER_REVIEW):
        raise ValidationError(_("Only a submitted application can be reviewed."))
    if reviewer is None or not reviewer.is_active:
        raise ValidationError({"reviewer": _("No active account has this user name or address.")})
    if Membership.objects.filter(
        user=reviewer, organisation_id__in=[application.organisation_id, application.partner_id]
    ).exists():
        raise ValidationError(
            {"reviewer": _("This person belongs to the applicant or its partner: a conflict of interest.")}
        )
    if Review.objects.filter(application=application, reviewer=reviewer).exists():
        raise ValidationError({"reviewer": _("This person already reviews this application.")})
    review = Review(
        application=application, reviewer=reviewer, assigned_by=user if user and user.is_authenticated else None
    )
    _save(review, user=user, reason="assigned")
    if application.status == ApplicationStatus.SUBMITTED:
        application.status = ApplicationStatus.UNDER_REVIEW
        application.revision += 1
        _save(application, user=user, reason="under review")
    if reviewer.email:
        _mail(
            [reviewer.email],
            language=translation.get_language() or settings.LANGUAGE_CODE,
            template="review",
            context={
                "review": review,
                "call": application.call,
                "url": reverse("funding:review_detail", args=[review.pk]),
            },
        )
    return review


@transaction.atomic
def review_declare(*, review: Review, user=None, no_conflict: bool) -> Review:
    review = Review.objects.select_for_update(of=("self",)).get(pk=review.pk)
    if review.status != ReviewStatus.ASSIGNED:
        raise ValidationError(_("The declaration is already made."))
    review.status = ReviewStatus.ACCEPTED if no_conflict else ReviewStatus.DECLINED
    review.declared_at = timezone.now()
    review.revision += 1
    _save(review, user=user, reason="no conflict declared" if no_conflict else "declined")
    return review


def _clean_scores(criteria: list[Criterion], scores: dict) -> dict:
    cleaned = {}
    errors = []
    for criterion in criteria:
        entry = scores.get(str(criterion.pk)) or scores.get(criterion.pk) or {}
        raw, comment = entry.get("score"), str(entry.get("comment") or "").strip()
        if raw in (None, ""):
            continue
        try:
            score = int(str(raw))
        except ValueError:
            score = 0
        name = localize(criterion.title)
        if score not in SCORES or str(score) != str(raw).strip():
            errors.append(_("%(criterion)s: the score is a whole number from 1 to 5.") % {"criterion": name})
            continue
        if score in EXTREME_SCORES and not comment:
            errors.append(
                _("%(criterion)s: a score of %(score)s needs a comment.") % {"criterion": name, "score": score}
            )
            continue
        if len(comment) > 4000:
            errors.append(_("%(criterion)s: the comment is too long.") % {"criterion": name})
            continue
        cleaned[str(criterion.pk)] = {"score": score, "comment": comment}
    if errors:
        raise ValidationError(errors, code="scores")
    return cleaned


@transaction.atomic
def review_score(
    *, review: Review, user=None, revision=None, scores: dict, comment: str = "", final: bool = False
) -> Review:
    """Save a reviewer's scores (a draft, or final: every criterion scored)."""
    review = Review.objects.select_for_update(of=("self",)).select_related("application__call").get(pk=review.pk)
    _check_revision(review, revision)
    if review.status not in (ReviewStatus.ACCEPTED, ReviewStatus.DONE):
        raise ValidationError(_("Declare that you have no conflict of interest first."))
    if review.application.status in DECIDED:
        raise ValidationError(_("The decision is made: scores can no longer change."), code="locked")
    criteria = selectors.criteria_of(review.application.call)
    cleaned = _clean_scores(criteria, scores)
    if final and len(cleaned) != len(criteria):
        raise ValidationError(_("Score every criterion before finishing the review."), code="scores")
    review.scores = cleaned
    review.comment = str(comment or "").strip()[:4000]
    review.total = selectors.weighted_total(criteria, cleaned)
    if final:
        review.status = ReviewStatus.DONE
    review.revision += 1
    _save(review, user=user, reason="scored" if final else "scores saved")
    return review


# Decisions, awards, schedule ------------------------------------------------------------------------


def _years(application: Application) -> int:
    project = application.project
    if project.start_date and project.end_date:
        return max(1, math.ceil(eligibility.months_between(project.start_date, project.end_date) / 12))
    return 1


def _schedule(application: Application, *, user, today: date) -> None:
    """Yearly tranches: the first at once, each next one on the interim report of the year before, the
    retained share on the final report (a one-year project: the advance, then the final share)."""
    amount = application.awarded_amount or Decimal(0)
    retained = application.call.retained_share
    years = _years(application)
    start = application.project.start_date or today
    end = application.project.end_date or (start + timedelta(days=365))
    yearly = ((Decimal(100) - retained) / years).quantize(CENT)
    shares = [yearly] * years
    shares[-1] = Decimal(100) - retained - yearly * (years - 1)
    reports: list[Report | None] = [None]
    for year in range(1, years):
        period_end = min(end, start.replace(year=start.year + year) - timedelta(days=1))
        period_start = start.replace(year=start.year + year - 1)
        report = Report(
            application=application,
            kind=ReportKind.INTERIM,
            period_start=period_start,
            period_end=period_end,
            due_on=period_end + timedelta(days=60),
        )
        _save(report, user=user, reason="scheduled")
        reports.append(report)
    final = Report(
        application=application,
        kind=ReportKind.FINAL,
        period_start=start,
        period_end=end,
        due_on=end + timedelta(days=90),
    )
    _save(final, user=user, reason="scheduled")
    paid = Decimal(0)
    rows = list(zip(shares, reports, strict=True)) + ([(retained, final)] if retained > 0 else [])
    for position, (share, depends_on) in enumerate(rows, start=1):
        value = (amount * share / 100).quantize(CENT) if position < len(rows) else amount - paid
        paid += value
        _save(
            Tranche(application=application, position=position, share=share, amount=value, report=depends_on),
            user=user,
            reason="scheduled",
        )


@transaction.atomic
def application_decide(
    *,
    application: Application,
    user=None,
    decision: str,
    amount=None,
    note: str = "",
    revision=None,
    today: date | None = None,
) -> Application:
    """Award (with an amount within the envelope left), put on the reserve list, or reject; write the letter."""
    today = today or timezone.localdate()
    application = Application.objects.select_related("call__funder", "organisation", "project", "partner").get(
        pk=application.pk
    )
    call = Call.objects.select_for_update(of=("self",)).get(pk=application.call_id)  # one award at a time per call
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("call__funder", "organisation", "project", "partner")
        .get(pk=application.pk)
    )
    _check_revision(application, revision)
    if decision not in DECIDED:
        raise ValidationError({"decision": _("Choose awarded, reserve or rejected.")})
    if application.status == ApplicationStatus.AWARDED:
        raise ValidationError(
            _("This application is already awarded: its contribution and tranches exist."), code="locked"
        )
    if application.status in NOT_SUBMITTED:
        raise ValidationError(_("Only a submitted full application can be decided."))
    note = str(note or "").strip()
    if len(note) > 4000:
        raise ValidationError({"note": _("The reasons are too long.")})
    if decision == ApplicationStatus.AWARDED:
        value = _decimal(amount, "amount")
        left = selectors.envelope_left(call)
        if not value:
            raise ValidationError({"amount": _("Give the amount awarded.")})
        if value > left:
            raise ValidationError(
                {
                    "amount": _("Only %(left)s %(currency)s are left in the envelope.")
                    % {"left": left, "currency": call.currency}
                }
            )
        if value > application.requested:
            raise ValidationError({"amount": _("The amount awarded is larger than the amount requested.")})
        if application.partner_id and not application.partner_confirmed_at:
            raise ValidationError(_("The partner authority has not confirmed its participation yet."))
        application.awarded_amount = value
    else:
        application.awarded_amount = None
    application.status = decision
    application.decision_note = note
    application.decided_at = timezone.now()
    application.decided_by = user if user is not None and user.is_authenticated else None
    application.revision += 1
    _save(application, user=user, reason=decision)
    if decision == ApplicationStatus.AWARDED:
        cooperation_services.contribution_add(
            project=application.project,
            user=user,
            amount=application.awarded_amount,
            currency=call.currency,
            organisation=call.funder,
            role=ContributorRole.FUNDER,
            kind=ContributionKind.CASH,
            year=today.year,
        )
        _schedule(application, user=user, today=today)
    _letter(application, "decision", call=call, tranches=list(application.tranches.order_by("position")))
    return application


# Reports and tranches ---------------------------------------------------------------------------------


@transaction.atomic
def report_submit(*, report: Report, user=None, narrative: str, spent=None, financial_note: str = "") -> Report:
    report = (
        Report.objects.select_for_update(of=("self",))
        .select_related("application__call__funder", "application__organisation", "application__project")
        .get(pk=report.pk)
    )
    if report.status in (ReportStatus.SUBMITTED, ReportStatus.APPROVED):
        raise ValidationError(_("This report is already submitted."), code="locked")
    narrative = str(narrative or "").strip()
    if not narrative:
        raise ValidationError({"narrative": _("Write the narrative report: what was done in the period.")})
    report.narrative = narrative
    report.spent = _decimal(spent, "spent")  # the financial report's figure: required
    project = report.application.project
    if (
        Indicator.objects.filter(result__project=project).exists()
        and not IndicatorValue.objects.filter(
            indicator__result__project=project,
            period_start__lte=report.period_end,
            period_end__gte=report.period_start,
        ).exists()
    ):
        raise ValidationError(
            _("Record the project's indicator values for the period first: the report includes them.")
        )
    report.financial_note = str(financial_note or "").strip()
    report.full_clean(exclude=["application"])
    report.status = ReportStatus.SUBMITTED
    report.submitted_at = timezone.now()
    report.submitted_by = user if user is not None and user.is_authenticated else None
    _save(report, user=user, reason="submitted")
    funder = report.application.call.funder
    _mail(
        editor_emails(funder),
        language=language_of(funder),
        template="report",
        context={"report": report, "url": reverse("funding:report_detail", args=[report.pk])},
    )
    return report


@transaction.atomic
def report_answer(*, report: Report, user=None, approve: bool, comment: str = "") -> Report:
    report = (
        Report.objects.select_for_update(of=("self",))
        .select_related("application__organisation", "application__project")
        .get(pk=report.pk)
    )
    if report.status != ReportStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted report can be approved or returned."))
    comment = str(comment or "").strip()
    if not approve and not comment:
        raise ValidationError({"comment": _("Say what to change before returning the report.")})
    report.status = ReportStatus.APPROVED if approve else ReportStatus.RETURNED
    report.review_comment = comment[:2000]
    report.reviewed_at = timezone.now()
    report.reviewed_by = user if user is not None and user.is_authenticated else None
    _save(report, user=user, reason="approved" if approve else "returned")
    application = report.application
    _mail(
        editor_emails(application.organisation),
        language=language_of(application.organisation, application.project),
        template="report_answer",
        context={"report": report, "url": reverse("funding:report_detail", args=[report.pk])},
    )
    return report


@transaction.atomic
def tranche_release(*, tranche: Tranche, user=None) -> Tranche:
    tranche = (
        Tranche.objects.select_for_update(of=("self",))
        .select_related("report", "application__organisation")
        .get(pk=tranche.pk)
    )
    if tranche.released_at is not None:
        raise ValidationError(
            _("This tranche was already released on %(day)s.")
            % {"day": date_format(timezone.localdate(tranche.released_at), "DATE_FORMAT")},
            code="locked",
        )
    if tranche.report is not None and tranche.report.status != ReportStatus.APPROVED:
        raise ValidationError(_("The report this tranche depends on is not approved yet."))
    earlier = Tranche.objects.filter(
        application_id=tranche.application_id, position__lt=tranche.position, released_at=None
    )
    if earlier.exists():
        raise ValidationError(_("Release the earlier tranches first."))
    tranche.released_at = timezone.now()
    tranche.released_by = user if user is not None and user.is_authenticated else None
    _save(tranche, user=user, reason="released")
    application = tranche.application
    _mail(
        editor_emails(application.organisation),
        language=language_of(application.organisation),
        template="tranche",
        context={
            "tranche": tranche,
            "application": application,
            "url": reverse("funding:application_detail", args=[application.pk]),
        },
    )
    return tranche


def user_by_name_or_email(value: str):
    value = (value or "").strip()[:254]
    if not value:
        return None
    users = get_user_model().objects.filter(is_active=True)
    return users.filter(username=value).first() or users.filter(email__iexact=value).order_by("pk").first()
