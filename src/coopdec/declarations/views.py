"""Aid declaration pages. Thin: access through ``rules.py``, writes through ``services.py``, reads
through ``selectors.py``. Every change of a declaration carries the ``revision`` the page showed, so
a change made by someone else in between is refused with the service's message, the input kept."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from coopdec.actors.models import Organisation, OrganisationKind
from coopdec.actors.selectors import coordinated_country_codes, is_coordinator
from coopdec.common import records
from coopdec.territories.models import Country, Subdivision
from coopdec.vocabularies.selectors import code_label, codelist_choices

from . import checks, exports, selectors, services, spreadsheet
from .forms import (
    CampaignDatesForm,
    CampaignForm,
    ExtendForm,
    LineForm,
    ReopenForm,
    RevisionForm,
    marker_field,
)
from .models import POLICY_MARKERS, Campaign, Declaration, DeclarationLine, DeclarationStatus


def _status_labels() -> dict:
    return {**{value: label for value, label in DeclarationStatus.choices}, selectors.NOT_STARTED: _("Not started")}


def _declaration(pk: int) -> Declaration:
    return get_object_or_404(
        Declaration.objects.select_related("campaign__country", "organisation", "submitted_by", "reopened_by"), pk=pk
    )


# Home


@login_required
@require_safe
def home(request):
    user = request.user
    today = timezone.localdate()
    campaigns = selectors.open_campaigns_for(user, today=today)
    existing = {
        (d.campaign_id, d.organisation_id): d
        for d in Declaration.objects.filter(
            campaign__in=[campaign for campaign, _orgs in campaigns],
            organisation__in={org.pk for _campaign, orgs in campaigns for org in orgs},
        )
    }
    rows = []
    for campaign, organisations in campaigns:
        for organisation in organisations:
            declaration = existing.get((campaign.pk, organisation.pk))
            rows.append(
                {
                    "campaign": campaign,
                    "organisation": organisation,
                    "declaration": declaration,
                    "can_start": declaration is None
                    and user.has_perm(
                        "declarations.change_declaration", Declaration(campaign=campaign, organisation=organisation)
                    ),
                }
            )
    return render(
        request,
        "declarations/home.html",
        {
            "rows": rows,
            "managed": selectors.campaigns_managed_by(user) if _coordinates(user) else [],
            "can_add_campaign": user.has_perm("declarations.add_campaign"),
            "status_labels": _status_labels(),
        },
    )


def _coordinates(user) -> bool:
    return is_coordinator(user) or bool(coordinated_country_codes(user))


@records.guarded
@require_POST
def start(request, pk: int):
    campaign = get_object_or_404(Campaign.objects.select_related("country"), pk=pk)
    organisation = get_object_or_404(Organisation, pk=request.POST.get("organisation") or 0)
    records.check(request, "declarations.change_declaration", Declaration(campaign=campaign, organisation=organisation))
    try:
        declaration = services.declaration_start(campaign=campaign, organisation=organisation, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("declarations:home")
    messages.success(request, _("The declaration is started, pre-filled from the register: check each line."))
    return redirect(declaration)


# Campaigns


def _countries_for(user):
    if is_coordinator(user):
        return Country.objects.order_by("code")
    return Country.objects.filter(code__in=coordinated_country_codes(user)).order_by("code")


@records.guarded
def campaign_add(request):
    records.check(request, "declarations.add_campaign")
    today = timezone.localdate()
    form = CampaignForm(
        request.POST or None,
        countries=_countries_for(request.user),
        initial={"year": today.year - 1, "opens_on": today},
    )
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            records.form_errors(form, error)
        else:
            messages.success(request, _("The campaign is open: the local governments of the country can declare."))
            return redirect(campaign)
    return render(request, "declarations/campaign_form.html", {"form": form})


def _regions(campaign: Campaign):
    """The subdivisions (and their parents) of the organisations expected to declare."""
    codes = {code for code in selectors.declarers(campaign).values_list("subdivision", flat=True) if code}
    codes |= {code for code in Subdivision.objects.filter(pk__in=codes).values_list("parent", flat=True) if code}
    return Subdivision.objects.filter(pk__in=codes).order_by("name")


@records.guarded
def campaign_detail(request, pk: int):
    campaign = get_object_or_404(Campaign.objects.select_related("country"), pk=pk)
    records.check(request, "declarations.manage_campaign", campaign)
    form = CampaignDatesForm(
        request.POST or None, initial={"opens_on": campaign.opens_on, "closes_on": campaign.closes_on}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_update(campaign=campaign, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            records.form_errors(form, error)
        else:
            messages.success(request, _("The campaign's dates are changed."))
            return redirect(campaign)
    regions = _regions(campaign)
    present = set(selectors.declarers(campaign).values_list("kind", flat=True))
    kinds = [(value, label) for value, label in OrganisationKind.choices if value in present]
    labels = _status_labels()
    filters = {name: request.GET.get(name, "") for name in ("region", "kind", "status")}
    if filters["region"] not in {region.pk for region in regions}:
        filters["region"] = ""
    if filters["kind"] not in dict(kinds):
        filters["kind"] = ""
    if filters["status"] not in labels:
        filters["status"] = ""
    progress = selectors.campaign_progress(campaign, **filters)
    page = Paginator(progress.rows, DASHBOARD_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "declarations/campaign_detail.html",
        {
            "campaign": campaign,
            "form": form,
            "progress": progress,
            "page": page,
            "regions": regions,
            "kinds": kinds,
            "filters": filters,
            "status_labels": labels,
            "query": urlencode({k: v for k, v in filters.items() if v}),
            "counts": [(status, labels[status], progress.counts[status]) for status in progress.counts],
            "totals": selectors.national_totals(campaign),
            "trend": selectors.trend(campaign.country_id),
        },
    )


# Declarations


def _declaration_page(request, declaration: Declaration, *, status: int = 200, **forms):
    user = request.user
    revision = {"revision": declaration.revision}
    lines = list(declaration.lines.select_related("project"))
    _label_lines(lines)
    issues = checks.check(declaration)
    for name, form in (("reopen_form", ReopenForm(initial=revision)), ("extend_form", ExtendForm(initial=revision))):
        forms.setdefault(name, form)
    return render(
        request,
        "declarations/declaration_detail.html",
        {
            "declaration": declaration,
            "campaign": declaration.campaign,
            "lines": lines,
            "errors": [issue for issue in issues if issue.level == checks.ERROR],
            "warnings": [issue for issue in issues if issue.level == checks.WARNING],
            "total": sum((line.net_amount for line in lines), start=0),
            "submitted_by": _name(declaration.submitted_by),
            "reopened_by": _name(declaration.reopened_by),
            "can_edit": not declaration.is_locked and user.has_perm("declarations.change_declaration", declaration),
            "can_submit": not declaration.is_locked and user.has_perm("declarations.submit_declaration", declaration),
            "can_reopen": user.has_perm("declarations.reopen_declaration", declaration),
            "can_manage": user.has_perm("declarations.manage_campaign", declaration.campaign),
            **forms,
        },
        status=status,
    )


def _name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else "—"


def _label_lines(lines) -> None:
    """Give each line the names of its codes, for the table."""
    fields = [marker_field(name) for name in POLICY_MARKERS]
    for line in lines:
        line.recipient_label = selectors.recipient_label(line.recipient_type, line.recipient_code)
        line.sector_label = code_label("Sector", line.sector)
        line.channel_label = code_label("CRSChannelCode", line.channel)
        line.marker_list = [
            (field.verbose_name, getattr(line, field.name)) for field in fields if getattr(line, field.name) is not None
        ]


DASHBOARD_PAGE_SIZE = 100
DECLARATION_FORMATS = {"csv", "xlsx"}
CAMPAIGN_FORMATS = {"csv", "xlsx", "crs", "crs-xlsx"}


@records.guarded
@require_safe
def declaration_export(request, pk: int, fmt: str):
    """One declaration's lines as CSV or XLSX (the same columns import back)."""
    declaration = _declaration(pk)
    records.check(request, "declarations.view_declaration", declaration)
    if fmt not in DECLARATION_FORMATS:
        raise Http404
    return exports.declaration_response(declaration, fmt)


@records.guarded
@require_safe
def campaign_export(request, pk: int, fmt: str):
    """A campaign's submitted declarations (``?all=1``: every declaration) as CSV, XLSX or the CRS file."""
    campaign = get_object_or_404(Campaign.objects.select_related("country"), pk=pk)
    records.check(request, "declarations.manage_campaign", campaign)
    if fmt not in CAMPAIGN_FORMATS:
        raise Http404
    return exports.campaign_response(campaign, fmt, everything=request.GET.get("all") == "1")


@records.guarded
def declaration_import(request, pk: int):
    """Replace the lines with those of a CSV or XLSX file (an edited export): all or nothing."""
    declaration = _declaration(pk)
    records.check(request, "declarations.change_declaration", declaration)
    problems: list[str] = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            problems = [_("Choose a CSV or XLSX file.")]
        else:
            try:
                count = spreadsheet.import_lines(
                    declaration=declaration,
                    user=request.user,
                    upload=upload,
                    revision=request.POST.get("revision") or None,
                )
            except ValidationError as error:
                problems = error.messages
            else:
                messages.success(request, _("%(count)s lines imported.") % {"count": count})
                return redirect(declaration)
    return render(
        request,
        "declarations/declaration_import.html",
        {
            "declaration": declaration,
            "campaign": declaration.campaign,
            "problems": problems,
        },
        status=400 if problems else 200,
    )


@records.guarded
@require_safe
def declaration_detail(request, pk: int):
    declaration = _declaration(pk)
    records.check(request, "declarations.view_declaration", declaration)
    return _declaration_page(request, declaration)


def _apply(request, declaration: Declaration, form, action, success: str, form_name: str, permission: str):
    """Run ``action(revision, data)`` when ``form`` is valid; on refusal show the page again with the form as sent."""
    records.check(request, permission, declaration)
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except ValidationError as error:
            records.form_errors(form, error)
        else:
            messages.success(request, success)
            return redirect(declaration)
    return _declaration_page(request, _declaration(declaration.pk), status=400, **{form_name: form})


def _simple_action(request, declaration: Declaration, permission: str, action, success: str):
    """A button with nothing typed in: a refusal is a message above the declaration."""
    records.check(request, permission, declaration)
    form = RevisionForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("The page was incomplete: reload it and try again."))
        result = action(declaration, form.cleaned_data["revision"])
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, success % {"count": result} if isinstance(result, int) else success)
    return redirect(declaration)


@records.guarded
@require_POST
def declaration_refresh(request, pk: int):
    return _simple_action(
        request,
        _declaration(pk),
        "declarations.change_declaration",
        lambda declaration, revision: services.declaration_refresh(
            declaration=declaration, user=request.user, revision=revision
        ),
        _("The register's lines were proposed again (%(count)s); lines entered by hand or imported are kept."),
    )


@records.guarded
@require_POST
def declaration_nil(request, pk: int):
    is_nil = request.POST.get("is_nil") == "1"
    return _simple_action(
        request,
        _declaration(pk),
        "declarations.change_declaration",
        lambda declaration, revision: services.declaration_set_nil(
            declaration=declaration, user=request.user, is_nil=is_nil, revision=revision
        ),
        _("This is now a nil declaration: no aid paid out of own funds.")
        if is_nil
        else _("This is no longer a nil declaration."),
    )


@records.guarded
@require_POST
def declaration_submit(request, pk: int):
    return _simple_action(
        request,
        _declaration(pk),
        "declarations.submit_declaration",
        lambda declaration, revision: services.declaration_submit(
            declaration=declaration, user=request.user, revision=revision
        ),
        _("Thank you: the declaration is submitted. It can no longer change unless the coordinator reopens it."),
    )


@records.guarded
@require_POST
def declaration_reopen(request, pk: int):
    declaration = _declaration(pk)
    return _apply(
        request,
        declaration,
        ReopenForm(request.POST),
        lambda data: services.declaration_reopen(declaration=declaration, user=request.user, reason=data["reason"]),
        _("The declaration is reopened; its editors see your reason."),
        "reopen_form",
        "declarations.reopen_declaration",
    )


@records.guarded
@require_POST
def declaration_extend(request, pk: int):
    declaration = _declaration(pk)
    return _apply(
        request,
        declaration,
        ExtendForm(request.POST),
        lambda data: services.declaration_extend(declaration=declaration, user=request.user, until=data["until"]),
        _("The deadline of this declaration is extended."),
        "extend_form",
        "declarations.reopen_declaration",
    )


# Lines


def _line_page(request, declaration: Declaration, form, line: DeclarationLine | None = None, status: int = 200):
    return render(
        request,
        "declarations/line_form.html",
        {
            "declaration": declaration,
            "campaign": declaration.campaign,
            "form": form,
            "line": line,
            "recipients": codelist_choices("Country") + codelist_choices("Region"),
            "sectors": codelist_choices("Sector"),
            "channels": codelist_choices("CRSChannelCode"),
        },
        status=status,
    )


@records.guarded
def line_add(request, pk: int):
    declaration = _declaration(pk)
    records.check(request, "declarations.change_declaration", declaration)
    form = LineForm(
        request.POST or None,
        initial={
            "revision": declaration.revision,
            "original_currency": declaration.campaign.currency,
            **services.LINE_DEFAULTS,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.line_add(
                declaration=declaration,
                user=request.user,
                revision=form.cleaned_data["revision"],
                **form.service_fields(),
            )
        except ValidationError as error:
            records.form_errors(form, error)
        else:
            messages.success(request, _("The line is added."))
            return redirect(declaration)
    return _line_page(request, declaration, form, status=400 if form.errors else 200)


def _line(declaration: Declaration, line_id: int) -> DeclarationLine:
    return get_object_or_404(DeclarationLine, pk=line_id, declaration=declaration)


@records.guarded
def line_change(request, pk: int, line_id: int):
    declaration = _declaration(pk)
    records.check(request, "declarations.change_declaration", declaration)
    line = _line(declaration, line_id)
    form = LineForm(request.POST or None, initial={"revision": declaration.revision, **LineForm.initial_of(line)})
    if request.method == "POST" and form.is_valid():
        try:
            services.line_update(
                line=line, user=request.user, revision=form.cleaned_data["revision"], **form.service_fields()
            )
        except ValidationError as error:
            records.form_errors(form, error)
        else:
            messages.success(request, _("The line is saved."))
            return redirect(declaration)
    return _line_page(request, declaration, form, line, status=400 if form.errors else 200)


@records.guarded
@require_POST
def line_remove(request, pk: int, line_id: int):
    declaration = _declaration(pk)
    records.check(request, "declarations.change_declaration", declaration)
    line = _line(declaration, line_id)
    return _simple_action(
        request,
        declaration,
        "declarations.change_declaration",
        lambda declaration, revision: services.line_remove(line=line, user=request.user, revision=revision),
        _("The line is removed; it remains in the declaration's history."),
    )


@records.guarded
@require_POST
def line_cofinancing(request, pk: int, line_id: int):
    declaration = _declaration(pk)
    records.check(request, "declarations.change_declaration", declaration)
    line = _line(declaration, line_id)
    deduct = request.POST.get("deduct") == "1"
    return _simple_action(
        request,
        declaration,
        "declarations.change_declaration",
        lambda declaration, revision: services.line_update(
            line=line, user=request.user, revision=revision, cofinancing_confirmed=deduct
        ),
        _("The co-financing is deducted from the line.") if deduct else _("The co-financing is not deducted."),
    )


# Public totals


@require_safe
def totals(request):
    records.check(request, "declarations.view_campaign")
    campaigns = Campaign.objects.select_related("country").order_by("-year", "country__code")
    return render(request, "declarations/totals.html", {"campaigns": campaigns})


@require_safe
def campaign_totals(request, pk: int):
    campaign = get_object_or_404(Campaign.objects.select_related("country"), pk=pk)
    records.check(request, "declarations.view_campaign", campaign)
    return render(
        request,
        "declarations/campaign_totals.html",
        {
            "campaign": campaign,
            "totals": selectors.national_totals(campaign),
            "trend": selectors.trend(campaign.country_id),
        },
    )
