"""Pages of calls for projects. Thin: access through ``rules.py``, writes through ``services.py``,
reads through ``selectors.py``; a refused write comes back as a message and changes nothing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from coopdec.actors.models import Organisation
from coopdec.actors.selectors import roles_of
from coopdec.common import records
from coopdec.cooperation.models import IndicatorValue, Project

from . import eligibility, exports, selectors, services
from .forms import (
    ApplyForm,
    AssignForm,
    CallForm,
    ConceptForm,
    DecisionForm,
    DeclareForm,
    PlanForm,
    ReportAnswerForm,
    ReportForm,
    RevisionForm,
    ScoreForm,
    ShortlistForm,
    criteria_text,
)
from .models import (
    Application,
    ApplicationStatus,
    Call,
    Prerequisite,
    Report,
    ReportStatus,
    Review,
    ReviewStatus,
    Tranche,
)

EXPORT_FORMATS = ("csv", "xlsx")
# What each version of an application records (``services`` save them as codes), in the reader's language.
HISTORY_REASONS = {
    "created": gettext_lazy("application started"),
    "plan": gettext_lazy("funding plan saved"),
    "concept note": gettext_lazy("concept note saved"),
    "concept note submitted": gettext_lazy("concept note submitted"),
    "shortlisted": gettext_lazy("concept note shortlisted"),
    "not shortlisted": gettext_lazy("concept note not shortlisted"),
    "submitted": gettext_lazy("submitted"),
    "under review": gettext_lazy("review started"),
    "partner confirmed": gettext_lazy("partner's participation confirmed"),
    "awarded": gettext_lazy("awarded"),
    "reserve": gettext_lazy("put on the reserve list"),
    "rejected": gettext_lazy("rejected"),
    "withdrawn": gettext_lazy("withdrawn by the applicant"),
    "reopened": gettext_lazy("reopened by the funder"),
}


def _history(application: Application) -> list[dict]:
    return [
        {
            "at": version.history_date,
            "by": version.history_user.get_username() if version.history_user else "",
            "what": HISTORY_REASONS.get(version.history_change_reason or "", version.history_change_reason or ""),
        }
        for version in application.history.select_related("history_user").order_by("-history_date", "-history_id")[:50]
    ]


def _call(pk: int) -> Call:
    return get_object_or_404(Call.objects.select_related("funder"), pk=pk)


def _application(pk: int) -> Application:
    return get_object_or_404(
        Application.objects.select_related("call__funder", "organisation", "project", "partner"), pk=pk
    )


def _editable_organisations(user):
    ids = selectors.editable_organisation_ids(user)
    return list(Organisation.objects.filter(pk__in=ids).order_by("name"))


def _rules_context(call: Call) -> dict:
    names = selectors.labels()
    return {
        "kinds": [names["kinds"].get(k, k) for k in call.eligible_kinds],
        "axes": [names["axes"].get(a, a) for a in call.eligible_axes],
        "documents": [names["documents"].get(d, d) for d in call.required_documents],
        "prerequisites": [Prerequisite(p).label for p in call.prerequisites if p in Prerequisite.values],
        "criteria": selectors.criteria_of(call),
    }


# Calls ------------------------------------------------------------------------------------------


@require_safe
def call_list(request):
    today = timezone.localdate()
    show_past = request.GET.get("past") == "1"
    calls = list((selectors.past_calls if show_past else selectors.open_calls)(today=today)[:200])
    managed = list(selectors.calls_managed_by(request.user)[:50]) if request.user.is_authenticated else []
    return render(
        request,
        "funding/call_list.html",
        {
            "calls": [(call, _rules_context(call)) for call in calls],
            "past": show_past,
            "managed": managed,
            "can_add": request.user.has_perm("funding.add_call"),
            "today": today,
        },
    )


def _call_fields(data: dict) -> dict:
    fields = {k: v for k, v in data.items() if k not in {"funder", "criteria"}}
    return fields


@records.guarded
def call_add(request):
    if request.method != "POST" and request.user.is_authenticated and not _editable_organisations(request.user):
        # Signed in but an editor of no organisation (a coordinator, a newcomer): say how to become one.
        return render(request, "funding/call_no_funder.html")
    records.check(request, "funding.add_call")
    funders = _editable_organisations(request.user)
    form = CallForm(request.POST or None, funders=funders, initial={"max_rate_ldc": 90, "max_rate_other": 70})
    saved = records.form_saved(
        request,
        form,
        lambda: services.call_create(
            user=request.user,
            funder=next(org for org in funders if org.pk == form.cleaned_data["funder"]),
            criteria=form.cleaned_data["criteria"],
            **_call_fields(form.cleaned_data),
        ),
        done=_("The call is saved as a draft: check it, then publish it."),
        then=lambda call: call,
    )
    return saved or render(
        request, "funding/call_form.html", {"form": form, "call": None}, status=400 if form.errors else 200
    )


@require_safe
def call_detail(request, pk: int):
    call = records.viewable_or_404(request, "funding.view_call", _call(pk))
    user = request.user
    today = timezone.localdate()
    checks = []
    if user.is_authenticated and call.is_published:
        organisations = _editable_organisations(user)
        facts = selectors.organisation_facts(organisations, today=today)
        names = selectors.labels()
        checks = [
            (org, eligibility.check_applicant(call, facts[org.pk], today=today, now=timezone.now(), labels=names))
            for org in organisations
        ]
    apply_form = None
    last_day = call.concept_deadline if call.is_two_stage and call.concept_deadline else call.deadline
    is_open = call.opens_on <= today <= last_day
    if user.has_perm("funding.apply", call) and is_open:
        organisations = _editable_organisations(user)
        projects = Project.objects.none()
        for organisation in organisations:
            projects = projects | selectors.projects_of(organisation)
        apply_form = ApplyForm(organisations=organisations, projects=projects.distinct()[:200])
    return render(
        request,
        "funding/call_detail.html",
        {
            "call": call,
            "rules": _rules_context(call),
            "checks": checks,
            "apply_form": apply_form,
            "can_manage": user.has_perm("funding.manage_call", call),
            "envelope_left": selectors.envelope_left(call) if user.has_perm("funding.manage_call", call) else None,
            "is_open": is_open,
        },
    )


@records.guarded
def call_edit(request, pk: int):
    call = records.viewable_or_404(request, "funding.view_call", _call(pk))
    records.check(request, "funding.change_call", call)
    funders = [call.funder]
    initial = {
        **{name: getattr(call, name) for name in services.CALL_FIELDS if name != "is_demo"},
        "funder": call.funder_id,
        "eligible_countries": ", ".join(call.eligible_countries),
        "eligible_sectors": ", ".join(call.eligible_sectors),
        "criteria": criteria_text(call),
    }
    form = CallForm(request.POST or None, funders=funders, initial=initial, criteria=call.criteria.all())
    saved = records.form_saved(
        request,
        form,
        lambda: services.call_update(
            call=call, user=request.user, criteria=form.cleaned_data["criteria"], **_call_fields(form.cleaned_data)
        ),
        done=_("The call is saved."),
        then=lambda call: call,
    )
    return saved or render(
        request, "funding/call_form.html", {"form": form, "call": call}, status=400 if form.errors else 200
    )


@records.guarded
@require_POST
def call_publish(request, pk: int):
    call = records.viewable_or_404(request, "funding.view_call", _call(pk))
    records.check(request, "funding.change_call", call)
    publish = request.POST.get("publish") != "0"
    return records.act(
        request,
        call,
        lambda: services.call_publish(call=call, user=request.user, publish=publish),
        done=_("The call is published.") if publish else _("The call is back to draft."),
    )


@records.guarded
@require_safe
def call_manage(request, pk: int):
    call = records.viewable_or_404(request, "funding.view_call", _call(pk))
    records.check(request, "funding.manage_call", call)
    today = timezone.localdate()
    return render(
        request,
        "funding/call_manage.html",
        {
            "call": call,
            "ranking": selectors.ranking(call),
            "concepts": selectors.concept_notes(call) if call.is_two_stage else [],
            "drafts": call.applications.filter(status=ApplicationStatus.DRAFT).count(),
            "envelope_left": selectors.envelope_left(call),
            "late": list(
                selectors.late_reports(funder_ids=[call.funder_id], today=today).filter(application__call=call)
            ),
            "to_release": Tranche.objects.filter(application__call=call, released_at=None)
            .select_related("application__organisation", "report")
            .order_by("application_id", "position"),
        },
    )


@records.guarded
@require_safe
def call_export(request, pk: int, fmt: str):
    call = records.viewable_or_404(request, "funding.view_call", _call(pk))
    records.check(request, "funding.manage_call", call)
    if fmt not in EXPORT_FORMATS:
        raise Http404
    return exports.response(call, fmt)


@records.guarded
@require_POST
def call_apply(request, pk: int):
    call = records.viewable_or_404(request, "funding.view_call", _call(pk))
    records.check(request, "funding.apply", call)
    organisations = _editable_organisations(request.user)
    projects = Project.objects.none()
    for organisation in organisations:
        projects = projects | selectors.projects_of(organisation)
    form = ApplyForm(request.POST, organisations=organisations, projects=projects.distinct())

    def start():
        data = form.cleaned_data
        project = Project.objects.filter(pk=data["project"]).first() if data["project"] else None
        return services.application_create(
            call=call,
            organisation=next(org for org in organisations if org.pk == data["organisation"]),
            user=request.user,
            project=project,
            new_title={(get_language() or "fr")[:2]: data["new_title"]} if project is None else None,
        )

    return records.act(
        request,
        call,
        start,
        form=form,
        done=_("The application is started from the project: check the funding plan, then submit."),
        then=lambda application: application,
    )


# Applications --------------------------------------------------------------------------------------


def _plan_context(application: Application, plan: eligibility.Plan) -> dict:
    project = selectors.project_facts(application.project)
    ldc = eligibility.least_developed_rate(project)
    return {
        "plan": plan,
        "plan_checks": eligibility.check_plan(application.call, plan, least_developed=ldc),
        "least_developed": ldc,
        "rate": eligibility.percent(plan.requested, plan.total),
        "own_rate": eligibility.percent(plan.own_share, plan.total),
        "in_kind_rate": eligibility.percent(plan.own_in_kind, plan.own_share),
        "currency": application.call.currency,
    }


@records.guarded
@require_safe
def application_detail(request, pk: int):
    application = _application(pk)
    records.check(request, "funding.view_application", application)
    user = request.user
    is_funder = user.has_perm("funding.decide", application)
    context = {
        "application": application,
        "call": application.call,
        "can_change": user.has_perm("funding.change_application", application) and application.is_editable,
        "can_confirm": user.has_perm("funding.confirm_partner", application) and not application.partner_confirmed_at,
        "can_withdraw": user.has_perm("funding.withdraw_application", application)
        and application.status in services.WITHDRAWABLE,
        "can_reopen": user.has_perm("funding.reopen_application", application)
        and application.status in (ApplicationStatus.REJECTED, ApplicationStatus.NOT_SHORTLISTED),
        "is_funder": is_funder,
        "reports": application.reports.select_related("tranche").order_by("due_on"),
        # the partner's editors see the application but not its reports: those are listed without links
        "can_view_reports": user.has_perm("funding.view_report", application),
        "tranches": application.tranches.select_related("report").order_by("position"),
        "today": timezone.localdate(),
        "history": _history(application),
    }
    if application.is_editable:
        context["eligibility"] = selectors.application_eligibility(application)
        partners = selectors.partner_candidates(application.project, application.organisation)
        context["plan_form"] = PlanForm(
            partners=partners,
            initial={
                "revision": application.revision,
                "requested": application.requested,
                "own_cash": application.own_cash,
                "own_in_kind": application.own_in_kind,
                "other_funding": application.other_funding,
                "partner": application.partner_id,
            },
        )
        context.update(_plan_context(application, selectors.plan_of(application)))
    else:
        context["snapshot"] = application.snapshot or {}
    if context["can_change"] and application.at_concept_stage:
        context["concept_form"] = ConceptForm(
            initial={"revision": application.revision, "concept_note": application.concept_note}
        )
    if application.status == ApplicationStatus.CONCEPT and user.has_perm("funding.shortlist", application):
        context["shortlist_form"] = ShortlistForm(initial={"revision": application.revision})
    if is_funder:
        context["reviews"] = application.reviews.select_related("reviewer").order_by("id")
        context["assign_form"] = AssignForm()
        context["decision_form"] = DecisionForm(
            initial={"revision": application.revision, "amount": application.requested}
        )
        context["envelope_left"] = selectors.envelope_left(application.call)
        context["criteria"] = selectors.criteria_of(application.call)
    return render(request, "funding/application_detail.html", context)


@records.guarded
@require_POST
def application_plan(request, pk: int):
    """Save the funding plan; with ``check`` (htmx, as the figures are typed) only show the figures."""
    application = _application(pk)
    records.check(request, "funding.change_application", application)
    partners = selectors.partner_candidates(application.project, application.organisation)
    form = PlanForm(request.POST, partners=partners)
    if request.POST.get("check"):
        plan = selectors.plan_of(application)
        if form.is_valid():
            plan = services.plan_from(form.cleaned_data, application)
        return render(
            request,
            "funding/plan_figures.html",
            {"application": application, **_plan_context(application, plan), "form_errors": form.errors},
            status=200,
        )
    return records.act(
        request,
        application,
        lambda: services.application_set_plan(
            application=application,
            user=request.user,
            revision=form.cleaned_data["revision"],
            partner=next((p for p in partners if p.pk == form.cleaned_data["partner"]), None),
            **{k: form.cleaned_data[k] for k in ("requested", "own_cash", "own_in_kind", "other_funding")},
        ),
        form=form,
        done=_("The funding plan is saved."),
    )


@records.guarded
@require_POST
def application_submit(request, pk: int):
    application = _application(pk)
    records.check(request, "funding.change_application", application)
    form = RevisionForm(request.POST)
    return records.act(
        request,
        application,
        lambda: services.application_submit(
            application=application,
            user=request.user,
            revision=form.cleaned_data["revision"] if form.is_valid() else None,
        ),
        done=_("The application is submitted: the funder reviews the copy frozen now."),
    )


@records.guarded
@require_POST
def application_concept(request, pk: int):
    """Save the concept note of a two-stage call's application; with ``submit``, submit it (the first stage)."""
    application = _application(pk)
    records.check(request, "funding.write_concept", application)
    form = ConceptForm(request.POST)
    submit = request.POST.get("submit") == "1"

    def save():
        # Saved first, so that the text survives a submission the rules refuse.
        saved = services.application_set_concept(
            application=application,
            user=request.user,
            revision=form.cleaned_data["revision"],
            concept_note=form.cleaned_data["concept_note"],
        )
        if submit:
            services.application_submit_concept(application=saved, user=request.user)

    return records.act(
        request,
        application,
        save,
        form=form,
        done=_("The concept note is submitted: the funder will tell you whether to submit a full application.")
        if submit
        else _("The concept note is saved."),
    )


@records.guarded
@require_POST
def application_shortlist(request, pk: int):
    application = _application(pk)
    records.check(request, "funding.shortlist", application)
    form = ShortlistForm(request.POST)
    return records.act(
        request,
        application,
        lambda: services.application_shortlist(
            application=application,
            user=request.user,
            revision=form.cleaned_data["revision"],
            shortlist=form.cleaned_data["decision"] == "shortlist",
            note=form.cleaned_data["note"],
        ),
        form=form,
        done=_("The answer is recorded and the letter sent to the applicant."),
    )


def _after_confirmation(*, action: str, permission: str, service, done):
    """The view of a step its author cannot undo: the first POST shows what it does and asks to confirm;
    the second (``confirm=1``, with the revision the page read) runs ``service``."""

    @records.guarded
    @require_POST
    def view(request, pk: int):
        application = _application(pk)
        records.check(request, permission, application)
        form = RevisionForm(request.POST)
        if request.POST.get("confirm") != "1":
            return render(
                request,
                "funding/application_confirm.html",
                {"application": application, "call": application.call, "action": action},
            )
        return records.act(
            request,
            application,
            lambda: service(application=application, user=request.user, revision=form.cleaned_data["revision"]),
            form=form,
            done=done,
        )

    view.__name__ = f"application_{action}"
    return view


application_withdraw = _after_confirmation(
    action="withdraw",
    permission="funding.withdraw_application",
    service=services.application_withdraw,
    done=gettext_lazy("The application is withdrawn: edit it and submit it again while the call is open."),
)
application_reopen = _after_confirmation(
    action="reopen",
    permission="funding.reopen_application",
    service=services.application_reopen,
    done=gettext_lazy("The application is reopened and the applicant told by e-mail."),
)


@records.guarded
@require_POST
def application_confirm(request, pk: int):
    application = _application(pk)
    records.check(request, "funding.confirm_partner", application)
    return records.act(
        request,
        application,
        lambda: services.application_confirm_partner(application=application, user=request.user),
        done=_("Your participation is confirmed."),
    )


@records.guarded
@require_POST
def application_assign(request, pk: int):
    application = _application(pk)
    records.check(request, "funding.decide", application)
    form = AssignForm(request.POST)
    return records.act(
        request,
        application,
        lambda: services.review_assign(
            application=application,
            reviewer=services.user_by_name_or_email(form.cleaned_data["reviewer"]),
            user=request.user,
        ),
        form=form,
        invalid=_("Give the reviewer's user name or e-mail address."),
        done=_("The reviewer is asked by e-mail to declare any conflict of interest."),
    )


@records.guarded
@require_POST
def application_decide(request, pk: int):
    application = _application(pk)
    records.check(request, "funding.decide", application)
    form = DecisionForm(request.POST)
    return records.act(
        request,
        application,
        lambda: services.application_decide(
            application=application,
            user=request.user,
            decision=form.cleaned_data["decision"],
            amount=form.cleaned_data["amount"],
            note=form.cleaned_data["note"],
            revision=form.cleaned_data["revision"],
        ),
        form=form,
        done=_("The decision is recorded and the letter sent to the applicant."),
    )


# Reviews ---------------------------------------------------------------------------------------------


def _review(pk: int) -> Review:
    return get_object_or_404(
        Review.objects.select_related(
            "application__call__funder", "application__organisation", "application__project", "application__partner"
        ),
        pk=pk,
    )


@records.guarded
def review_detail(request, pk: int):
    """The reviewer's page: the declaration of interests first; then the frozen file and the grid."""
    review = _review(pk)
    records.check(request, "funding.declare_review", review)
    declare_form = None
    if review.status == ReviewStatus.ASSIGNED:
        declare_form = DeclareForm(request.POST or None)
        if request.method == "POST" and declare_form.is_valid():
            no_conflict = declare_form.cleaned_data["answer"] == "no_conflict"
            try:
                services.review_declare(review=review, user=request.user, no_conflict=no_conflict)
            except ValidationError as error:
                messages.error(request, records.refusal_text(error))
            if not no_conflict:
                messages.success(request, _("You have declined this review; the funder will ask someone else."))
                return redirect("funding:dashboard")
            return redirect(review)
    elif request.method == "POST":
        return redirect(review)
    criteria = selectors.criteria_of(review.application.call)
    score_form = None
    if review.status in (ReviewStatus.ACCEPTED, ReviewStatus.DONE):
        initial = {"revision": review.revision, "comment": review.comment}
        for key, entry in review.scores.items():
            initial[f"score_{key}"] = str(entry["score"])
            initial[f"comment_{key}"] = entry["comment"]
        score_form = ScoreForm(criteria=criteria, initial=initial)
    return render(
        request,
        "funding/review_detail.html",
        {
            "review": review,
            "application": review.application,
            "declare_form": declare_form,
            "score_form": score_form,
            "snapshot": review.application.snapshot or {} if score_form else {},
        },
        status=400 if declare_form is not None and declare_form.errors else 200,
    )


@records.guarded
@require_POST
def review_scores(request, pk: int):
    review = _review(pk)
    records.check(request, "funding.score_review", review)
    form = ScoreForm(request.POST, criteria=selectors.criteria_of(review.application.call))
    return records.act(
        request,
        review,
        lambda: services.review_score(
            review=review,
            user=request.user,
            revision=form.cleaned_data["revision"],
            scores=form.scores(),
            comment=form.cleaned_data["comment"],
            final=request.POST.get("final") == "1",
        ),
        form=form,
        done=_("Your scores are saved."),
    )


# Reports and tranches ---------------------------------------------------------------------------------


@records.guarded
def report_detail(request, pk: int):
    report = get_object_or_404(
        Report.objects.select_related("application__call__funder", "application__organisation", "application__project"),
        pk=pk,
    )
    records.check(request, "funding.view_report", report)
    can_submit = request.user.has_perm("funding.submit_report", report) and report.status in (
        ReportStatus.DUE,
        ReportStatus.RETURNED,
    )
    form = None
    if can_submit:
        form = ReportForm(
            request.POST or None,
            initial={"narrative": report.narrative, "spent": report.spent, "financial_note": report.financial_note},
        )
        saved = records.form_saved(
            request,
            form,
            lambda: services.report_submit(report=report, user=request.user, **form.cleaned_data),
            done=_("The report is submitted to the funder."),
            then=report,
        )
        if saved:
            return saved
    elif request.method == "POST":
        records.check(request, "funding.submit_report", report)
        messages.error(request, _("This report is already submitted."))
        return redirect(report)
    values = IndicatorValue.objects.filter(
        indicator__result__project_id=report.application.project_id,
        period_start__lte=report.period_end,
        period_end__gte=report.period_start,
    ).select_related("indicator", "territory")
    return render(
        request,
        "funding/report_detail.html",
        {
            "report": report,
            "application": report.application,
            "form": form,
            "values": values,
            "answer_form": ReportAnswerForm() if request.user.has_perm("funding.approve_report", report) else None,
        },
        status=400 if form is not None and form.errors else 200,
    )


@records.guarded
@require_POST
def report_answer(request, pk: int):
    report = get_object_or_404(Report.objects.select_related("application__call__funder"), pk=pk)
    records.check(request, "funding.approve_report", report)
    form = ReportAnswerForm(request.POST)
    return records.act(
        request,
        report,
        lambda: services.report_answer(
            report=report, user=request.user, approve=form.cleaned_data["approve"], comment=form.cleaned_data["comment"]
        ),
        form=form,
        invalid=_("Approve the report or return it."),
        done=_("Your answer is recorded and sent to the applicant."),
    )


@records.guarded
@require_POST
def tranche_release(request, pk: int):
    tranche = get_object_or_404(Tranche.objects.select_related("application__call__funder"), pk=pk)
    records.check(request, "funding.release_tranche", tranche)
    return records.act(
        request,
        tranche.application,
        lambda: services.tranche_release(tranche=tranche, user=request.user),
        done=_("The tranche is released for payment."),
    )


# Dashboard -------------------------------------------------------------------------------------------


@login_required
@require_safe
def dashboard(request):
    user = request.user
    today = timezone.localdate()
    own = selectors.editable_organisation_ids(user)
    members = set(roles_of(user))
    return render(
        request,
        "funding/dashboard.html",
        {
            "applications": list(selectors.applications_of(user)[:200]),
            "reviews": list(selectors.reviews_of(user)[:200]),
            "managed": list(selectors.calls_managed_by(user)[:100]),
            "late_applicant": list(selectors.late_reports(applicant_ids=members, today=today)[:200]),
            "late_funder": list(selectors.late_reports(funder_ids=own, today=today)[:200]),
            "due": list(
                Report.objects.filter(
                    application__organisation_id__in=members,
                    status__in=[ReportStatus.DUE, ReportStatus.RETURNED],
                    due_on__gte=today,
                )
                .select_related("application__project")
                .order_by("due_on")[:50]
            ),
            "today": today,
        },
    )
