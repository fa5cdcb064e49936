"""Organisation pages and forms, members, invitations, dashboards and the pickers' search endpoints.

Thin views: access goes through ``rules.py`` (``records.check``), writes through ``services.py``.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from coopdec.common import records
from coopdec.common.throttle import TooManyAttempts, throttle_attempt
from coopdec.common.validators import NAME_MAX
from coopdec.cooperation import selectors as cooperation_selectors

from . import selectors, services
from .forms import (
    AccessRequestAnswerForm,
    AccessRequestForm,
    ContactForm,
    InvitationForm,
    MembershipRoleForm,
    OrganisationForm,
    RemindersForm,
    SignUpForm,
    org_label,
    place_label,
)
from .models import AccessRequest, Contact, Invitation, Membership, Organisation


def _organisation(request, pk: int) -> Organisation:
    organisation = get_object_or_404(Organisation.objects.select_related("country", "locality", "subdivision"), pk=pk)
    return records.viewable_or_404(request, "actors.view_organisation", organisation)


@require_safe
def organisation_detail(request, pk: int):
    organisation = _organisation(request, pk)
    user = request.user
    context = {
        "organisation": organisation,
        "record": organisation,
        "partnerships": cooperation_selectors.partnerships_of(organisation, user=user)[:100],
        "projects": cooperation_selectors.projects_of(organisation, user=user)[:100],
        "contacts": organisation.contacts.all() if user.has_perm("actors.view_contacts") else None,
        "can_edit": user.has_perm("actors.change_organisation", organisation),
        "can_manage": user.has_perm("actors.manage_members", organisation),
        # each action link behind the permission of the page it opens (a coordinator edits the record,
        # but neither invites its members nor creates its projects)
        "can_invite": user.has_perm("actors.invite_members", organisation),
        "can_add_partnership": user.has_perm("cooperation.add_partnership"),
        "can_add_project": user.has_perm("cooperation.add_project"),
        "can_match": user.has_perm("matching.view_recommendations", organisation),
        "can_delete": user.has_perm("actors.delete_organisation", organisation),
        "is_member": user.has_perm("actors.view_dashboard", organisation),
        "is_stale": selectors.is_stale(organisation),
        "iati_files": user.has_perm("interop.view_iati_files", organisation),
    }
    return render(request, "actors/organisation_detail.html", context)


@require_safe
def organisation_geojson(request, pk: int):
    """The organisation and its visible partners as GeoJSON points (for the small map of its page)."""
    organisation = _organisation(request, pk)
    partners = (
        selectors.organisations_visible_to(request.user)
        .filter(party_links__partnership__in=cooperation_selectors.partnerships_of(organisation, user=request.user))
        .exclude(pk=organisation.pk)
        .exclude(latitude=None)
        .distinct()[:500]
    )
    features = []
    for item, role in [(organisation, "self"), *((partner, "partner") for partner in partners)]:
        if item.latitude is None or item.longitude is None:
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [round(item.longitude, 5), round(item.latitude, 5)]},
                "properties": {
                    "id": item.pk,
                    "name": item.name,
                    "role": role,
                    "country": item.country_id,
                    "url": item.get_absolute_url(),
                },
            }
        )
    return JsonResponse({"type": "FeatureCollection", "features": features})


@login_required
def organisation_create(request):
    records.check(request, "actors.add_organisation")
    form = OrganisationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_create(user=request.user, **form.service_fields())
        except ValidationError as error:
            records.form_errors(form, error)
        else:
            messages.success(request, _("The organisation is registered as a draft; publish it when it is ready."))
            return redirect(organisation)
    return render(request, "actors/organisation_form.html", {"form": form})


@records.guarded
def organisation_update(request, pk: int):
    organisation = _organisation(request, pk)
    records.check(request, "actors.change_organisation", organisation)
    form = OrganisationForm(
        request.POST or None, request.FILES or None, initial=OrganisationForm.initial_for(organisation)
    )
    saved, version = records.edit(
        request,
        form,
        organisation,
        lambda version: services.organisation_update(
            organisation=organisation, user=request.user, version=version, **form.service_fields()
        ),
    )
    if saved:
        messages.success(request, _("Saved."))
        return redirect(organisation)
    return render(
        request,
        "actors/organisation_form.html",
        {
            "form": form,
            "organisation": organisation,
            "version": version,
            "contact_form": ContactForm(auto_id="contact_%s"),
        },
    )


ORGANISATION_VIEWS = records.RecordViews(
    app="actors",
    model="organisation",
    get=_organisation,
    delete_service=lambda record, user: services.organisation_delete(organisation=record, user=user),
    success_url=lambda record: reverse("actors:mine"),
    title=lambda record: record.name,
).views()


@records.guarded
def organisation_dashboard(request, pk: int):
    """Its members see the organisation's records unchanged for over 12 months."""
    organisation = _organisation(request, pk)
    records.check(request, "actors.view_dashboard", organisation)
    context = {
        "organisation": organisation,
        "stale_organisation": selectors.is_stale(organisation),
        "partnerships": cooperation_selectors.stale_partnerships(organisation_ids=[organisation.pk])[:200],
        "projects": cooperation_selectors.stale_projects(organisation_ids=[organisation.pk])[:200],
        "agreements": cooperation_selectors.agreements_due(organisation_ids=[organisation.pk])[:100],
        "access_requests": selectors.access_requests_to_answer(request.user, organisation=organisation)[:100],
    }
    return render(request, "actors/dashboard.html", context)


@records.guarded
def coordinator_dashboard(request):
    """Records to check: every country (with a country filter) for platform coordinators, their
    countries for country coordinators."""
    records.check(request, "actors.view_coordinator_dashboard")
    choices, country, countries = cooperation_selectors.review_scope(request.user, request.GET.get("country", ""))
    organisations = Organisation.objects.filter(selectors.stale_filter())
    if countries is not None:
        organisations = organisations.filter(country_id__in=countries)
    partnerships = cooperation_selectors.stale_partnerships(countries=countries)
    projects = cooperation_selectors.stale_projects(countries=countries)
    context = {
        "organisations": organisations.select_related("country").order_by("updated_at")[:200],
        "organisation_count": organisations.count(),
        "partnerships": partnerships[:200],
        "partnership_count": partnerships.count(),
        "projects": projects[:200],
        "project_count": projects.count(),
        "access_requests": selectors.access_requests_to_answer(request.user)[:200],
        "countries": choices,
        "country": country,
    }
    return render(request, "actors/coordinator_dashboard.html", context)


@login_required
@require_safe
def my_organisations(request):
    # interop depends on actors, not the reverse: imported here
    from coopdec.interop.spreadsheet.selectors import imports_of

    organisations = selectors.organisations_of(request.user).select_related("country")
    roles = selectors.roles_of(request.user)
    return render(
        request,
        "actors/mine.html",
        {
            "rows": [(organisation, roles.get(organisation.pk)) for organisation in organisations],
            "can_coordinate": request.user.has_perm("actors.view_coordinator_dashboard"),
            "access_requests": selectors.access_requests_to_answer(request.user)[:200],
            "imports": imports_of(request.user),
        },
    )


@login_required
@records.form_methods
def reminders(request):
    """The signed-in person's e-mail reminders (results to report and approve): on or off."""
    records.check(request, "actors.change_own_reminders")
    data = request.POST if request.method == "POST" else None  # an unticked box posts nothing
    form = RemindersForm(data, initial={"results_reminders": request.user.results_reminders})
    if request.method == "POST" and form.is_valid():
        services.user_reminders_set(user=request.user, results_reminders=form.cleaned_data["results_reminders"])
        messages.success(request, _("Your choices are saved."))
        return redirect("actors:reminders")
    return render(request, "actors/reminders.html", {"form": form, "days": settings.RESULTS_REMINDER_DAYS})


# Contacts


@require_POST
@records.guarded
def contact_create(request, pk: int):
    organisation = _organisation(request, pk)
    records.check(request, "actors.change_organisation", organisation)
    form = ContactForm(request.POST)
    if form.is_valid():
        try:
            services.contact_create(organisation=organisation, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Contact added."))
    else:
        messages.error(
            request,
            _("The contact was not added: %(errors)s")
            % {"errors": " ".join(str(e) for errors in form.errors.values() for e in errors)},
        )
    return redirect(reverse("actors:organisation_update", args=[organisation.pk]) + "#contacts")


@require_POST
@records.guarded
def contact_delete(request, pk: int, contact_id: int):
    organisation = _organisation(request, pk)
    records.check(request, "actors.change_organisation", organisation)
    contact = get_object_or_404(Contact, pk=contact_id, organisation=organisation)
    services.contact_delete(contact=contact, user=request.user)
    messages.success(request, _("Contact removed."))
    return redirect(reverse("actors:organisation_update", args=[organisation.pk]) + "#contacts")


# Members and invitations


@records.guarded
def members(request, pk: int):
    """Editors see the members and invite editors; administrators also invite administrators,
    change roles, remove members and withdraw invitations."""
    organisation = _organisation(request, pk)
    records.check(request, "actors.invite_members", organisation)
    can_manage = request.user.has_perm("actors.manage_members", organisation)
    form = InvitationForm(request.POST or None, can_invite_admins=can_manage)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            # Each invitation is a mail to any address: limited per inviting user and per address.
            throttle_attempt(action="invitation", request=request, account=f"user:{request.user.pk}")
            invitation = services.invitation_create(
                organisation=organisation, invited_by=request.user, **form.cleaned_data
            )
        except TooManyAttempts as error:
            form.add_error(None, error.message)
            status = 429
        except ValidationError as error:
            records.form_errors(form, error)
        else:
            days = services.INVITATION_VALIDITY.days
            messages.success(
                request,
                ngettext(
                    "Invitation sent to %(email)s; the link is valid for %(days)s day.",
                    "Invitation sent to %(email)s; the link is valid for %(days)s days.",
                    days,
                )
                % {"email": invitation.email, "days": days},
            )
            return redirect("actors:members", pk=organisation.pk)
    return render(
        request,
        "actors/members.html",
        {
            "organisation": organisation,
            "form": form,
            "memberships": selectors.members_of(organisation),
            "invitations": organisation.invitations.filter(accepted_at=None).order_by("-created_at"),
            "role_form": MembershipRoleForm(),
            "can_manage": can_manage,
        },
        status=status,
    )


@require_POST
@records.guarded
def membership_change(request, pk: int, membership_id: int):
    organisation = _organisation(request, pk)
    records.check(request, "actors.manage_members", organisation)
    membership = get_object_or_404(Membership, pk=membership_id, organisation=organisation)
    try:
        if request.POST.get("remove"):
            services.membership_remove(membership=membership, user=request.user)
            messages.success(request, _("%(user)s is no longer a member.") % {"user": membership.user.get_username()})
        else:
            form = MembershipRoleForm(request.POST)
            if form.is_valid():
                services.membership_set_role(membership=membership, role=form.cleaned_data["role"], user=request.user)
                messages.success(request, _("Role changed."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("actors:members", pk=organisation.pk)


@require_POST
@records.guarded
def invitation_withdraw(request, pk: int, invitation_id: int):
    organisation = _organisation(request, pk)
    records.check(request, "actors.manage_members", organisation)
    services.invitation_withdraw(invitation=get_object_or_404(Invitation, pk=invitation_id, organisation=organisation))
    messages.success(request, _("Invitation withdrawn."))
    return redirect("actors:members", pk=organisation.pk)


def invitation_accept(request, signed: str):
    """The invited person signs in (or signs up here) and joins the organisation."""
    try:
        invitation = services.invitation_from_signed(signed)
    except ValidationError as error:
        return render(request, "actors/invitation_invalid.html", {"message": " ".join(error.messages)}, status=410)
    signup = None
    if request.user.is_authenticated:
        if not services.invitation_is_for(invitation, request.user):
            # An invitation is for one address: offer to sign out and come back with the invited one.
            return render(request, "actors/invitation_wrong_account.html", {"invitation": invitation}, status=403)
        if request.method == "POST":
            services.invitation_accept(invitation=invitation, user=request.user)
            messages.success(
                request,
                _("Welcome: you are now a member of %(organisation)s.")
                % {"organisation": invitation.organisation.name},
            )
            return redirect(invitation.organisation)
    else:
        signup = SignUpForm(request.POST or None, invited_email=invitation.email)
        if request.method == "POST" and signup.is_valid():
            user = signup.save()
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            services.invitation_accept(invitation=invitation, user=user)
            messages.success(
                request,
                _("Welcome: you are now a member of %(organisation)s.")
                % {"organisation": invitation.organisation.name},
            )
            return redirect(invitation.organisation)
    return render(request, "actors/invitation_accept.html", {"invitation": invitation, "signup": signup})


# Search endpoints of the pickers


def _picker_query(request) -> str:
    """The text typed in a picker, cut at the longest name (a longer one matches nothing anyway and
    would strain the search: SQLite refuses LIKE patterns past 50,000 characters)."""
    text = next((value for key, value in request.GET.items() if key == "q" or key.endswith("_q")), "")
    return text[:NAME_MAX].strip()


def _picker_response(request, results):
    if request.GET.get("format") == "json":
        return JsonResponse({"results": [{"id": pk, "label": label} for pk, label in results]})
    field = request.GET.get("field", "")
    input_type = "checkbox" if request.GET.get("type") == "checkbox" else "radio"
    return render(
        request,
        "actors/picker_results.html",
        {"results": results, "field": field if field.isidentifier() else "", "input_type": input_type},
    )


@require_safe
def place_search(request):
    """Gazetteer search as you type: ``?q=sao pa`` → São Paulo (BR) first; ``format=json`` for JSON."""
    localities = selectors.search_localities(_picker_query(request), country=request.GET.get("country") or None)
    if request.GET.get("format") == "json":
        return JsonResponse(
            {
                "results": [
                    {
                        "id": loc.pk,
                        "label": place_label(loc),
                        "name": loc.name,
                        "country": loc.country_id,
                        "population": loc.population,
                        "latitude": loc.latitude,
                        "longitude": loc.longitude,
                    }
                    for loc in localities
                ]
            }
        )
    return _picker_response(request, [(loc.pk, place_label(loc)) for loc in localities])


@require_safe
def organisation_search(request):
    """``scope=join``: what one may ask to join (the access-request picker), proposed partners included."""
    scope = (
        selectors.organisations_to_join if request.GET.get("scope") == "join" else selectors.organisations_visible_to
    )
    organisations = selectors.search_organisations(_picker_query(request), queryset=scope(request.user))
    return _picker_response(request, [(org.pk, org_label(org)) for org in organisations])


# Access requests


def access_request(request):
    """Anyone (signed in or not) asks to become an editor of their organisation; the page says who answers."""
    queryset = selectors.organisations_to_join(request.user).select_related("country")
    initial = {}
    if request.user.is_authenticated:
        initial = {"name": request.user.get_full_name(), "email": request.user.email}
    asked = request.GET.get("organisation", "")
    if asked.isdigit() and len(asked) <= 18:  # an id a database integer can hold; else none asked
        initial["organisation"] = asked
    form = AccessRequestForm(request.POST or None, initial=initial, queryset=queryset)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            sent = services.access_request_create(
                organisation=data["organisation"],
                name=data["name"],
                email=data["email"],
                function=data["function"],
                user=request.user,
                client_address=request.META.get("REMOTE_ADDR"),
            )
        except ValidationError as error:
            records.form_errors(form, error)
        else:
            return render(request, "actors/access_request_sent.html", {"access_request": sent})
    organisation = form.cleaned_data.get("organisation") if form.is_bound and hasattr(form, "cleaned_data") else None
    if organisation is None and initial.get("organisation"):
        organisation = queryset.filter(pk=initial["organisation"]).first()
    return render(request, "actors/access_request_form.html", {"form": form, **_answerers_context(organisation)})


def _answerers_context(organisation) -> dict:
    if organisation is None:
        return {"chosen": None}
    who, answerers = selectors.access_request_answerers(organisation)
    return {"chosen": organisation, "answered_by": who, "answerer_count": len(answerers)}


def access_request_confirm(request, signed: str):
    """The link mailed to the official address: a button confirms it (a GET changes nothing: link scanners)."""
    try:
        pending = services.access_request_from_signed(signed)
    except ValidationError as error:
        return render(request, "actors/invitation_invalid.html", {"message": " ".join(error.messages)}, status=410)
    if request.method == "POST":
        confirmed = services.access_request_confirm(access_request=pending)
        return render(
            request,
            "actors/access_request_confirmed.html",
            {"access_request": confirmed, **_answerers_context(confirmed.organisation)},
        )
    return render(request, "actors/access_request_confirm.html", {"access_request": pending})


@records.guarded
def access_request_answer(request, pk: int):
    """Those who answer read the request, then approve it or refuse it with a reason."""
    pending = get_object_or_404(AccessRequest.objects.select_related("organisation", "organisation__country"), pk=pk)
    records.check(request, "actors.answer_access_request", pending)
    form = AccessRequestAnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if request.POST.get("approve"):
                services.access_request_approve(access_request=pending, user=request.user)
                messages.success(
                    request,
                    _("%(name)s is now an editor of %(organisation)s; they were sent an e-mail.")
                    % {"name": pending.name, "organisation": pending.organisation.name},
                )
            else:
                services.access_request_refuse(
                    access_request=pending, user=request.user, reason=form.cleaned_data["reason"]
                )
                messages.success(
                    request, _("The request was refused; %(name)s was sent your reason.") % {"name": pending.name}
                )
        except ValidationError as error:
            records.form_errors(form, error)
        else:
            return redirect("actors:access_request_answer", pk=pending.pk)
    return render(
        request,
        "actors/access_request_answer.html",
        {
            "access_request": pending,
            "form": form,
            "history": pending.history.select_related("history_user").order_by("-history_date"),
        },
    )
