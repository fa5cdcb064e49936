"""Partnership and project pages and forms. Thin: access through ``rules.py``, writes through ``services.py``."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from coopdec.actors.models import EDITING_ROLES, Organisation
from coopdec.actors.selectors import is_coordinator, is_stale, organisations_visible_to, roles_of
from coopdec.common import records, versions
from coopdec.common.downloads import uploaded_file
from coopdec.common.i18n import localize
from coopdec.vocabularies.selectors import code_label, codelist

from . import selectors, services
from .forms import (
    PROPOSED_PARTNER_FIELDS,
    ContributionForm,
    DocumentForm,
    IndicatorChangeForm,
    IndicatorForm,
    ParticipantChangeForm,
    ParticipantForm,
    PartnershipForm,
    PartnershipThemesForm,
    PartyChangeForm,
    PartyForm,
    ProjectForm,
    ResultChangeForm,
    ResultForm,
)
from .models import (
    Contribution,
    Document,
    Indicator,
    IndicatorValue,
    ParticipantRole,
    Partnership,
    PartnershipParty,
    PartyRole,
    Project,
    ProjectParticipant,
    Result,
    SupportType,
)


def _partnership(request, pk: int | None) -> Partnership:  # None (a document of no partnership): 404
    partnership = get_object_or_404(selectors.with_parties(Partnership.objects.all()), pk=pk)
    return records.viewable_or_404(request, "cooperation.view_partnership", partnership)


def _project(request, pk: int) -> Project:
    project = get_object_or_404(Project.objects.select_related("partnership", "lead_organisation__country"), pk=pk)
    return records.viewable_or_404(request, "cooperation.view_project", project)


def _editable_organisations(user):
    """Organisations the user may put a record under: the ones they edit (all, for coordinators)."""
    if is_coordinator(user):
        return Organisation.objects.all()
    return Organisation.objects.filter(pk__in=[pk for pk, role in roles_of(user).items() if role in EDITING_ROLES])


def _record_urls(prefix: str, pk: int) -> dict:
    return {
        f"{action}_url": reverse(f"cooperation:{prefix}_{name}", args=[pk])
        for action, name in (
            ("edit", "update"),
            ("confirm", "confirm"),
            ("publish", "publish"),
            ("history", "history"),
            ("delete", "delete"),
        )
    }


# Partnerships


@require_safe
def partnership_detail(request, pk: int):
    partnership = _partnership(request, pk)
    user = request.user
    # A draft organisation shows to its members and coordinators only (as in the API).
    parties, unlisted = selectors.parties_shown_to(user, partnership)
    context = {
        "partnership": partnership,
        "record": partnership,
        "description": localize(partnership.description),
        "parties": parties,
        "unlisted_parties": unlisted,
        "party_count": len(parties) + unlisted,
        "projects": selectors.projects_visible_to(user).filter(partnership=partnership).order_by("-id"),
        "documents": partnership.documents.all(),
        "can_edit": user.has_perm("cooperation.change_partnership", partnership),
        "can_add_project": user.has_perm("cooperation.add_project"),  # a coordinator edits, creates no project
        "can_delete": user.has_perm("cooperation.delete_partnership", partnership),
        "can_manage": user.has_perm("cooperation.manage_parties", partnership),
        "axes": partnership.axes.all(),
        "themes_form": PartnershipThemesForm(initial={"axes": list(partnership.axes.values_list("pk", flat=True))}),
        "is_stale": is_stale(partnership),
        **_record_urls("partnership", partnership.pk),
    }
    return render(request, "cooperation/partnership_detail.html", context)


@login_required
def partnership_create(request):
    records.check(request, "cooperation.add_partnership")
    initial = {}
    party = request.GET.get("party")
    if party and party.isdigit():
        initial["parties"] = [int(party)]
    form = PartnershipForm(
        request.POST or None, initial=initial, with_parties=True, organisations=organisations_visible_to(request.user)
    )
    if request.method == "POST" and form.is_valid():
        data = {name: value for name, value in form.cleaned_data.items() if name not in PROPOSED_PARTNER_FIELDS}
        parties = list(data.pop("parties") or [])
        try:
            partnership = services.partnership_create(
                user=request.user, parties=parties, proposed_partner=form.proposed_partner(), **data
            )
        except ValidationError as error:
            records.form_errors(form, error)
        else:
            messages.success(request, _("The partnership is recorded as a draft; publish it when the partners agree."))
            return redirect(partnership)
    return render(request, "cooperation/partnership_form.html", {"form": form})


@records.guarded
def partnership_update(request, pk: int):
    partnership = _partnership(request, pk)
    records.check(request, "cooperation.change_partnership", partnership)
    initial = {name: getattr(partnership, name) for name in PartnershipForm.base_fields}
    form = PartnershipForm(request.POST or None, initial=initial)
    saved, version = records.edit(
        request,
        form,
        partnership,
        lambda version: services.partnership_update(
            partnership=partnership, user=request.user, version=version, **form.cleaned_data
        ),
    )
    if saved:
        messages.success(request, _("Saved."))
        return redirect(partnership)
    return render(
        request,
        "cooperation/partnership_form.html",
        {
            "form": form,
            "partnership": partnership,
            "version": version,
            **_parties_context(request, partnership),
            "document_form": DocumentForm(auto_id="document_%s"),
        },
    )


@require_POST
@records.guarded
def partnership_themes(request, pk: int):
    """Set a partnership's cooperation axes from the form on its page (the parties' editors)."""
    partnership = _partnership(request, pk)
    records.check(request, "cooperation.change_partnership", partnership)
    form = PartnershipThemesForm(request.POST)
    if form.is_valid():
        services.partnership_set_axes(partnership=partnership, axes=form.cleaned_data["axes"], user=request.user)
        messages.success(request, _("Themes saved: the atlas finds this partnership by them."))
    else:
        messages.error(request, _("Choose themes from the list."))
    return redirect(reverse("cooperation:partnership_detail", args=[partnership.pk]) + "#themes")


# Parties: role and joining date of each, added and removed by the parties' administrators (htmx swaps ``#parties``)


def _parties_context(request, partnership, party_form=None) -> dict:
    can_manage = request.user.has_perm("cooperation.manage_parties", partnership)
    if can_manage and party_form is None:
        party_form = PartyForm(organisations=organisations_visible_to(request.user))
    parties, unlisted = selectors.parties_shown_to(request.user, partnership)
    return {
        "partnership": partnership,
        "can_manage": can_manage,
        "party_form": party_form if can_manage else None,
        "parties": parties,
        "unlisted_parties": unlisted,
        "party_roles": PartyRole.choices,
        "fragment": bool(request.htmx),
    }


def _parties_done(request, partnership, party_form=None):
    """With htmx, the ``#parties`` section (messages included); without, back to the edit page."""
    if request.htmx:
        return render(request, "cooperation/parties_section.html", _parties_context(request, partnership, party_form))
    return redirect(reverse("cooperation:partnership_update", args=[partnership.pk]) + "#parties")


def _managed_partnership(request, pk: int) -> Partnership:
    partnership = _partnership(request, pk)
    records.check(request, "cooperation.manage_parties", partnership)
    return partnership


@require_POST
@records.guarded
def party_add(request, pk: int):
    partnership = _managed_partnership(request, pk)
    form = PartyForm(request.POST, organisations=organisations_visible_to(request.user))
    if form.is_valid():
        try:
            for organisation in form.cleaned_data["organisations"]:
                services.party_add(
                    partnership=partnership,
                    organisation=organisation,
                    role=form.cleaned_data["role"],
                    joined_on=form.cleaned_data["joined_on"],
                    user=request.user,
                )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            added = len(form.cleaned_data["organisations"])
            messages.success(
                request, ngettext("%(count)s party added.", "%(count)s parties added.", added) % {"count": added}
            )
            return _parties_done(request, partnership, None)
    elif "organisations" in form.errors:
        messages.error(request, _("Choose the organisations to add."))
    else:
        messages.error(request, " ".join(str(error) for errors in form.errors.values() for error in errors))
    return _parties_done(request, partnership, form)


@require_POST
@records.guarded
def party_change(request, pk: int, party_id: int):
    """Change a party's role or joining date."""
    partnership = _managed_partnership(request, pk)
    party = get_object_or_404(
        PartnershipParty.objects.select_related("organisation"), pk=party_id, partnership=partnership
    )
    form = PartyChangeForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError([error for errors in form.errors.values() for error in errors])
        services.party_update(party=party, user=request.user, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Saved: %(name)s.") % {"name": party.organisation.name})
    return _parties_done(request, partnership)


@require_POST
@records.guarded
def party_remove(request, pk: int, party_id: int):
    partnership = _managed_partnership(request, pk)
    party = get_object_or_404(PartnershipParty, pk=party_id, partnership=partnership)
    try:
        services.party_remove(party=party, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Party removed."))
    return _parties_done(request, partnership)


PARTNERSHIP_VIEWS = records.RecordViews(
    app="cooperation",
    model="partnership",
    get=_partnership,
    delete_service=lambda record, user: services.partnership_delete(partnership=record, user=user),
    success_url=lambda record: reverse("actors:mine"),
    title=lambda record: record.display_title,
).views()


# Projects


def _contribution_totals(contributions) -> list[tuple[str, object]]:
    totals: defaultdict[str, Decimal] = defaultdict(Decimal)
    for contribution in contributions:
        totals[contribution.currency] += contribution.amount
    return sorted(totals.items())


@require_safe
def project_detail(request, pk: int):
    project = _project(request, pk)
    user = request.user
    visible = organisations_visible_to(user)
    contributions = [
        contribution
        for contribution in project.contributions.select_related("organisation")
        if contribution.organisation_id is None or user.has_perm("actors.view_organisation", contribution.organisation)
    ]
    results = list(
        project.results.prefetch_related("indicators__values__territory", "indicators__values__disaggregations")
    )
    locations = list(project.locations.select_related("country"))
    context = {
        "project": project,
        "record": project,
        "summary": localize(project.summary),
        "description": localize(project.description),
        "beneficiary_groups": localize(project.beneficiary_groups),
        "support_labels": [SupportType(value).label for value in project.support_types if value in SupportType.values],
        "parties": visible.filter(pk__in=selectors.party_ids(project)).select_related("country"),
        "sectors": [
            (sector, code_label("Sector" if sector.vocabulary == "1" else "SectorCategory", sector.code))
            for sector in project.sectors.all()
        ],
        "sdgs": [
            (sdg.target, code_label("UNSDG-Targets" if "." in sdg.target else "UNSDG-Goals", sdg.target))
            for sdg in project.sdgs.all()
        ],
        "axes": project.axes.all(),
        "locations": locations,
        "place_names": {location.ref: str(location) for location in locations if location.ref},
        "contributions": contributions,
        "totals": _contribution_totals(contributions),
        "budgets": project.budgets.all(),
        "results": results,
        "documents": project.documents.all(),
        "participants": project.participants.filter(organisation__in=visible)
        .select_related("organisation")
        .order_by("role", "organisation__name"),
        "can_edit": user.has_perm("cooperation.change_project", project),
        "can_delete": user.has_perm("cooperation.delete_project", project),
        "can_manage_participants": user.has_perm("cooperation.manage_participants", project),
        "is_stale": is_stale(project),
        **_record_urls("project", project.pk),
    }
    return render(request, "cooperation/project_detail.html", context)


def _datalists() -> dict:
    return {
        "dac_sectors": [(code, item.name) for code, item in codelist("Sector").items() if not item.withdrawn],
        "currencies": [(code, item.name) for code, item in codelist("Currency").items() if not item.withdrawn],
    }


@login_required
def project_create(request):
    records.check(request, "cooperation.add_project")
    partnership = lead = None
    source = request.POST if request.method == "POST" else request.GET
    if (source.get("partnership") or "").isdigit():
        partnership = _partnership(request, int(source["partnership"]))
        records.check(request, "cooperation.change_partnership", partnership)
    elif (source.get("lead") or "").isdigit():
        lead = get_object_or_404(_editable_organisations(request.user), pk=int(source["lead"]))
    else:
        # No starting point: let the user choose one of their organisations or partnerships.
        organisations = _editable_organisations(request.user).order_by("name")[:200]
        partnerships = selectors.with_parties(
            Partnership.objects.filter(party_links__organisation__in=_editable_organisations(request.user))
            .distinct()
            .order_by("-id")
        )[:200]
        return render(
            request, "cooperation/project_start.html", {"organisations": organisations, "partnerships": partnerships}
        )
    form = ProjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(
                user=request.user, partnership=partnership, lead_organisation=lead, **form.service_fields()
            )
        except ValidationError as error:
            records.form_errors(form, error)
        else:
            messages.success(request, _("The project is recorded as a draft; add its budget and results below."))
            return redirect("cooperation:project_update", pk=project.pk)
    return render(
        request,
        "cooperation/project_form.html",
        {"form": form, "partnership": partnership, "lead": lead, **_datalists()},
    )


def _project_subforms(project, user, data=None, files=None, which: str = "") -> dict:
    # The parties the editor may see: a draft party's name is for its own members.
    parties = organisations_visible_to(user).filter(pk__in=selectors.party_ids(project))
    results = project.results.all()

    def bound(name) -> dict:
        # Each form on the page gets its own element ids ("result_title_0"), so that every label
        # names its own input (the project form keeps Django's "id_...").
        data_files = (data, files) if which == name else (None, None)
        return {"data": data_files[0], "files": data_files[1], "auto_id": f"{name}_%s"}

    return {
        "contribution_form": ContributionForm(
            **bound("contribution"), parties=parties, initial={"currency": project.currency}
        ),
        "result_form": ResultForm(**bound("result")),
        "indicator_form": IndicatorForm(**bound("indicator"), results=results),
        "document_form": DocumentForm(**bound("document")),
    }


@records.guarded
def project_update(request, pk: int):
    project = _project(request, pk)
    records.check(request, "cooperation.change_project", project)
    form = ProjectForm(request.POST or None, initial=ProjectForm.initial_for(project))
    saved, version = records.edit(
        request,
        form,
        project,
        lambda version: services.project_update(
            project=project, user=request.user, version=version, **form.service_fields()
        ),
    )
    if saved:
        messages.success(request, _("Saved."))
        return redirect(project)
    return render(
        request,
        "cooperation/project_form.html",
        {
            "form": form,
            "project": project,
            "version": version,
            "partnership": project.partnership,
            "lead": project.lead_organisation,
            "contributions": project.contributions.select_related("organisation"),
            "results": project.results.prefetch_related("indicators__values__territory"),
            "documents": project.documents.all(),
            **_project_subforms(project, request.user),
            **_datalists(),
            "can_manage_participants": request.user.has_perm("cooperation.manage_participants", project),
        },
    )


@require_POST
@records.guarded
def project_add(request, pk: int, what: str):
    """Add a contribution, a result, an indicator or a document to a project.

    Indicator values are entered in the results editor (``cooperation/monitoring.py``), where they
    wait for the approver: there is no path here that would write one already approved.
    """
    project = _project(request, pk)
    records.check(request, "cooperation.change_project", project)
    forms = _project_subforms(project, request.user, request.POST, request.FILES, which=what)
    form = forms.get(f"{what}_form")
    if form is None:
        raise Http404
    if form.is_valid():
        data = form.cleaned_data
        try:
            if what == "contribution":
                services.contribution_add(project=project, user=request.user, **data)
            elif what == "result":
                services.result_create(project=project, user=request.user, **data)
            elif what == "indicator":
                services.indicator_create(user=request.user, **data)
            else:
                services.document_add(project=project, user=request.user, **data)
        except ValidationError as error:
            records.form_errors(form, error)
        else:
            messages.success(request, _("Added."))
            return redirect(reverse("cooperation:project_update", args=[project.pk]) + f"#{what}")
    response = render(
        request,
        "cooperation/project_form.html",
        {
            "form": ProjectForm(initial=ProjectForm.initial_for(project)),
            "project": project,
            "version": versions.version_token(project),
            "partnership": project.partnership,
            "lead": project.lead_organisation,
            "contributions": project.contributions.select_related("organisation"),
            "documents": project.documents.all(),
            "results": project.results.prefetch_related("indicators__values__territory"),
            **forms,
            **_datalists(),
        },
        status=400,
    )
    return response


# Expected results, indicators and values: changed or removed by the parties' editors (a restore brings them back)


def _project_part(request, pk: int, queryset, part_id: int, owner: str):
    project = _project(request, pk)
    records.check(request, "cooperation.change_project", project)
    return project, get_object_or_404(queryset, pk=part_id, **{owner: project})


def _results_url(project) -> str:
    return reverse("cooperation:project_update", args=[project.pk]) + "#result"


def _part_page(request, project, form, save, *, heading: str, remove_url: str, remove_label: str):
    """Edit a result or an indicator (``save(cleaned_data)`` through its service); the page offers its removal."""
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as error:
            records.form_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(_results_url(project))
    return render(
        request,
        "cooperation/project_part_form.html",
        {
            "project": project,
            "form": form,
            "heading": heading,
            "remove_url": remove_url,
            "remove_label": remove_label,
            "cancel_url": _results_url(project),
        },
    )


@records.guarded
def result_update(request, pk: int, result_id: int):
    project, result = _project_part(request, pk, Result.objects.all(), result_id, "project")
    form = ResultChangeForm(
        request.POST or None, initial={"type": result.type, "title": result.title, "description": result.description}
    )
    return _part_page(
        request,
        project,
        form,
        lambda data: services.result_update(result=result, user=request.user, **data),
        heading=_("Expected result: %(title)s") % {"title": result},
        remove_url=reverse("cooperation:result_remove", args=[project.pk, result.pk]),
        remove_label=_("Remove this result, its indicators and their values"),
    )


@require_POST
@records.guarded
def result_remove(request, pk: int, result_id: int):
    project, result = _project_part(request, pk, Result.objects.all(), result_id, "project")
    services.result_remove(result=result, user=request.user)
    messages.success(request, _("Expected result removed; restoring an earlier version of the project brings it back."))
    return redirect(_results_url(project))


@records.guarded
def indicator_update(request, pk: int, indicator_id: int):
    project, indicator = _project_part(request, pk, Indicator.objects.all(), indicator_id, "result__project")
    form = IndicatorChangeForm(
        request.POST or None,
        initial={
            "title": indicator.title,
            "measure": indicator.measure,
            "ascending": indicator.ascending,
            "description": indicator.description,
        },
    )
    return _part_page(
        request,
        project,
        form,
        lambda data: services.indicator_update(indicator=indicator, user=request.user, **data),
        heading=_("Indicator: %(title)s") % {"title": indicator},
        remove_url=reverse("cooperation:indicator_remove", args=[project.pk, indicator.pk]),
        remove_label=_("Remove this indicator and its values"),
    )


@require_POST
@records.guarded
def indicator_remove(request, pk: int, indicator_id: int):
    project, indicator = _project_part(
        request, pk, Indicator.objects.select_related("result__project"), indicator_id, "result__project"
    )
    services.indicator_remove(indicator=indicator, user=request.user)
    messages.success(request, _("Indicator removed; restoring an earlier version of the project brings it back."))
    return redirect(_results_url(project))


@require_POST
@records.guarded
def indicator_value_remove(request, pk: int, value_id: int):
    project, value = _project_part(
        request,
        pk,
        IndicatorValue.objects.select_related("indicator__result__project"),
        value_id,
        "indicator__result__project",
    )
    services.indicator_value_remove(value=value, user=request.user)
    messages.success(request, _("Values removed."))
    return redirect(_results_url(project))


# Participating organisations (IATI participating-org), managed by the lead organisation's editors


def _participants_page(request, project, form):
    """The whole page, or with htmx only its ``#participants`` section (messages included)."""
    context = {
        "project": project,
        "form": form,
        "roles": ParticipantRole.choices,
        "fragment": bool(request.htmx),
        "participants": project.participants.select_related("organisation__country").order_by(
            "role", "organisation__name"
        ),
    }
    template = "cooperation/participants_section.html" if request.htmx else "cooperation/participants.html"
    return render(request, template, context)


def _participants_done(request, project):
    if request.htmx:
        return _participants_page(
            request, project, ParticipantForm(organisations=organisations_visible_to(request.user))
        )
    return redirect("cooperation:participants", pk=project.pk)


@records.guarded
def participants(request, pk: int):
    """List the project's participating organisations; add one (organisation picker, role, activity id)."""
    project = _project(request, pk)
    records.check(request, "cooperation.manage_participants", project)
    form = ParticipantForm(request.POST or None, organisations=organisations_visible_to(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            participant = services.participant_add(project=project, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            records.form_errors(form, error)
        else:
            messages.success(
                request,
                _("%(name)s is listed as %(role)s.")
                % {"name": participant.organisation.name, "role": participant.get_role_display()},
            )
            return _participants_done(request, project)
    return _participants_page(request, project, form)


def _managed_participant(request, pk: int, participant_id: int):
    project = _project(request, pk)
    records.check(request, "cooperation.manage_participants", project)
    return project, get_object_or_404(
        ProjectParticipant.objects.select_related("organisation"), pk=participant_id, project=project
    )


@require_POST
@records.guarded
def participant_change(request, pk: int, participant_id: int):
    project, participant = _managed_participant(request, pk, participant_id)
    form = ParticipantChangeForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError([error for errors in form.errors.values() for error in errors])
        services.participant_update(participant=participant, user=request.user, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Saved."))
    return _participants_done(request, project)


@require_POST
@records.guarded
def participant_remove(request, pk: int, participant_id: int):
    project, participant = _managed_participant(request, pk, participant_id)
    services.participant_remove(participant=participant, user=request.user)
    messages.success(
        request,
        _("%(name)s is no longer listed as %(role)s.")
        % {"name": participant.organisation.name, "role": participant.get_role_display()},
    )
    return _participants_done(request, project)


@require_POST
@records.guarded
def contribution_remove(request, pk: int, contribution_id: int):
    project = _project(request, pk)
    records.check(request, "cooperation.change_project", project)
    services.contribution_remove(
        contribution=get_object_or_404(Contribution, pk=contribution_id, project=project), user=request.user
    )
    messages.success(request, _("Contribution removed."))
    return redirect(reverse("cooperation:project_update", args=[project.pk]) + "#contribution")


@require_POST
@records.guarded
def document_remove(request, document_id: int):
    document = get_object_or_404(Document, pk=document_id)
    record = (
        _project(request, document.project_id)
        if document.project_id
        else _partnership(request, document.partnership_id)
    )
    records.check(request, f"cooperation.change_{record._meta.model_name}", record)
    services.document_remove(document=document, user=request.user)
    messages.success(request, _("Document removed."))
    return redirect(record)


@require_safe
def document_file(request, document_id: int):
    """An uploaded document, served only to those who may see its project or partnership."""
    document = get_object_or_404(Document, pk=document_id)
    if document.project_id:
        _project(request, document.project_id)
    else:
        _partnership(request, document.partnership_id)
    return uploaded_file(document.file)


@require_POST
@records.guarded
def partnership_document_add(request, pk: int):
    partnership = _partnership(request, pk)
    records.check(request, "cooperation.change_partnership", partnership)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.document_add(partnership=partnership, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Document added."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(reverse("cooperation:partnership_update", args=[partnership.pk]) + "#documents")


PROJECT_VIEWS = records.RecordViews(
    app="cooperation",
    model="project",
    get=_project,
    delete_service=lambda record, user: services.project_delete(project=record, user=user),
    success_url=lambda record: (
        record.partnership.get_absolute_url() if record.partnership_id else reverse("actors:mine")
    ),
    title=lambda record: record.display_title,
).views()


@records.guarded
@require_safe
def review_queue(request):
    """Drafts waiting for publication, newest first: a country coordinator's countries, or every
    country (with a country filter) for platform coordinators."""
    records.check(request, "cooperation.view_review_queue")
    choices, country, countries = selectors.review_scope(request.user, request.GET.get("country", ""))
    return render(
        request,
        "cooperation/review_queue.html",
        {
            **selectors.review_queue(countries=countries),
            "countries": choices,
            "country": country,
            "limit": selectors.REVIEW_QUEUE_LIMIT,
        },
    )
