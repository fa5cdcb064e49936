"""Thin views for matchmaking: lists, forms, recommendations, proposals, notifications, map points."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from coopdec.actors.models import Organisation
from coopdec.actors.selectors import organisations_of, organisations_visible_to

from . import selectors, services
from .forms import AnswerForm, ListingFilterForm, OfferForm, ProposalForm, RequestForm
from .models import Offer, PartnerRequest, Proposal, ProposalDelivery, ProposalStatus

PAGE_SIZE = 30


def _organisation(request, pk: int, permission: str) -> Organisation:
    organisation = get_object_or_404(Organisation.objects.select_related("country", "locality"), pk=pk)
    if not request.user.has_perm(permission, organisation):
        raise PermissionDenied
    return organisation


def _form_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


# -- lists ----------------------------------------------------------------------------------------


def _listing_list(request, *, offers: bool):
    form = ListingFilterForm(request.GET or None, offers=offers)
    params = form.cleaned_data if form.is_valid() else {}
    queryset = selectors.current_offers() if offers else selectors.current_requests()
    queryset = selectors.filter_listings(queryset, params)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "matching/listing_list.html",
        {
            "form": form,
            "page": page,
            "offers": offers,
            "query": query.urlencode(),
            "filtered": any(value not in (None, "", [], ()) for value in params.values()),
            # Where the visitor can publish: the organisations they edit (each one's matchmaking page).
            "publishers": [
                organisation
                for organisation in organisations_of(request.user)
                if request.user.has_perm("matching.manage_listings", organisation)
            ],
        },
    )


@require_safe
def offer_list(request):
    return _listing_list(request, offers=True)


@require_safe
def request_list(request):
    return _listing_list(request, offers=False)


def _listing_detail(request, model, pk: int):
    listing = get_object_or_404(model.objects.select_related("organisation__country").prefetch_related("axes"), pk=pk)
    if not request.user.has_perm("matching.view_listing", listing):
        raise Http404
    can_manage = request.user.has_perm("matching.manage_listings", listing.organisation)
    return render(
        request,
        "matching/listing_detail.html",
        {
            "listing": listing,
            "offers": model is Offer,
            "can_manage": can_manage,
            "can_propose": request.user.is_authenticated and not can_manage and bool(organisations_of(request.user)),
        },
    )


@require_safe
def offer_detail(request, pk: int):
    return _listing_detail(request, Offer, pk)


@require_safe
def request_detail(request, pk: int):
    return _listing_detail(request, PartnerRequest, pk)


@require_safe
def listing_points(request, kind: str):
    """Offers or requests with coordinates, for the atlas map layer (same filters as the lists)."""
    form = ListingFilterForm(request.GET or None, offers=kind == "offers")
    params = form.cleaned_data if form.is_valid() else {}
    return JsonResponse({"results": selectors.listing_points(kind, params)})


# -- an organisation's matchmaking page ------------------------------------------------------------


@login_required
@require_safe
def organisation_matching(request, pk: int):
    organisation = _organisation(request, pk, "matching.view_recommendations")
    return render(
        request,
        "matching/organisation.html",
        {
            "organisation": organisation,
            "offers": selectors.offers_of(organisation),
            "requests": selectors.requests_of(organisation),
            "recommendations": selectors.recommendations_for(organisation, k=10),
        },
    )


@login_required
@require_safe
def request_recommendations(request, pk: int):
    partner_request = get_object_or_404(PartnerRequest.objects.select_related("organisation__country"), pk=pk)
    organisation = _organisation(request, partner_request.organisation_id, "matching.view_recommendations")
    return render(
        request,
        "matching/request_recommendations.html",
        {
            "organisation": organisation,
            "listing": partner_request,
            "recommendations": selectors.recommendations_for(organisation, k=10, request=partner_request),
        },
    )


# -- offer and request forms ------------------------------------------------------------------------


def _listing_edit(request, *, model, organisation, listing=None):
    form_class = OfferForm if model is Offer else RequestForm
    initial = None
    if listing is not None:
        # Every field of the form is an attribute of the listing with the same name.
        initial = {name: getattr(listing, name) for name in form_class.base_fields if name != "axes"}
        initial["axes"] = [a.code for a in listing.axes.all()]
    form = form_class(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        saved: Offer | PartnerRequest
        try:
            if model is Offer:
                saved = services.offer_save(user=request.user, organisation=organisation, offer=listing, **data)
            else:
                saved = services.request_save(user=request.user, organisation=organisation, request=listing, **data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("matching:offer_detail" if model is Offer else "matching:request_detail", saved.pk)
    return render(
        request,
        "matching/listing_form.html",
        {
            "form": form,
            "organisation": organisation,
            "listing": listing,
            "offers": model is Offer,
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def offer_create(request, pk: int):
    return _listing_edit(request, model=Offer, organisation=_organisation(request, pk, "matching.manage_listings"))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def request_create(request, pk: int):
    return _listing_edit(
        request,
        model=PartnerRequest,
        organisation=_organisation(request, pk, "matching.manage_listings"),
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def offer_update(request, pk: int):
    listing = get_object_or_404(Offer, pk=pk)
    organisation = _organisation(request, listing.organisation_id, "matching.manage_listings")
    return _listing_edit(request, model=Offer, organisation=organisation, listing=listing)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def request_update(request, pk: int):
    listing = get_object_or_404(PartnerRequest, pk=pk)
    organisation = _organisation(request, listing.organisation_id, "matching.manage_listings")
    return _listing_edit(request, model=PartnerRequest, organisation=organisation, listing=listing)


@login_required
@require_POST
def listing_delete(request, kind: str, pk: int):
    listing = get_object_or_404(Offer, pk=pk) if kind == "offers" else get_object_or_404(PartnerRequest, pk=pk)
    organisation = _organisation(request, listing.organisation_id, "matching.manage_listings")
    services.listing_delete(user=request.user, listing=listing)
    messages.success(request, _("Deleted."))
    return redirect("matching:organisation", organisation.pk)


# -- proposals ---------------------------------------------------------------------------------------


def _say_delivery(request, proposal: Proposal) -> None:
    """Say whom the proposal reached: an organisation with no editor does not read it itself."""
    names = {"name": proposal.recipient.name, "country": proposal.recipient.country.name}
    if proposal.delivery == ProposalDelivery.EDITORS:
        messages.success(request, _("Your proposal was sent to the editors of %(name)s.") % names)
    elif proposal.delivery == ProposalDelivery.COORDINATORS:
        messages.warning(
            request,
            _(
                "%(name)s has no editor on coopdec yet: your proposal was sent to the coordinators of %(country)s, "
                "who can put you in touch, and it will reach the first person who joins %(name)s."
            )
            % names,
        )
    else:
        messages.warning(
            request,
            _(
                "%(name)s has no editor on coopdec yet and nobody coordinates %(country)s here: nobody has read your "
                "proposal yet. It is kept and will reach the first person who joins %(name)s; meanwhile, contact them "
                "directly if you can."
            )
            % names,
        )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def proposal_create(request, pk: int):
    recipient = get_object_or_404(organisations_visible_to(request.user).select_related("country"), pk=pk)
    senders = [
        org
        for org in organisations_of(request.user)
        if request.user.has_perm("matching.send_proposal", org) and org.pk != recipient.pk
    ]
    if not senders:
        raise PermissionDenied
    partner_request = None
    if request.GET.get("request", "").isdigit():
        partner_request = PartnerRequest.objects.filter(pk=request.GET["request"], organisation=recipient).first()
    form = ProposalForm(request.POST or None, senders=senders)
    if request.method == "POST" and form.is_valid():
        sender = next(org for org in senders if str(org.pk) == form.cleaned_data["sender"])
        try:
            proposal = services.proposal_send(
                user=request.user,
                sender=sender,
                recipient=recipient,
                message=form.cleaned_data["message"],
                request=partner_request,
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            _say_delivery(request, proposal)
            return redirect("matching:proposal_detail", proposal.pk)
    return render(
        request,
        "matching/proposal_form.html",
        {
            "form": form,
            "recipient": recipient,
            "listing": partner_request,
        },
    )


@login_required
@require_safe
def proposal_list(request):
    received, sent = selectors.proposals_for(request.user)
    return render(request, "matching/proposal_list.html", {"received": received[:100], "sent": sent[:100]})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def proposal_detail(request, pk: int):
    proposal = get_object_or_404(
        Proposal.objects.select_related("sender", "recipient", "sent_by", "partnership"), pk=pk
    )
    if not request.user.has_perm("matching.view_proposal", proposal):
        raise Http404
    can_answer = request.user.has_perm("matching.answer_proposal", proposal) and proposal.status == ProposalStatus.OPEN
    form = AnswerForm(request.POST or None)
    if request.method == "POST":
        if not can_answer:
            raise PermissionDenied
        if form.is_valid():
            accept = request.POST.get("decision") == "accept"
            try:
                proposal = services.proposal_answer(
                    user=request.user,
                    proposal=proposal,
                    accept=accept,
                    answer=form.cleaned_data["answer"],
                )
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Accepted: a partnership in preparation was created.")
                    if accept
                    else _("Declined; the sender is told."),
                )
                return redirect("matching:proposal_detail", proposal.pk)
    services.notifications_mark_read(
        user=request.user,
        notification_ids=proposal.notifications.filter(user=request.user).values_list("pk", flat=True),
    )
    return render(
        request,
        "matching/proposal_detail.html",
        {"proposal": proposal, "form": form, "can_answer": can_answer},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def notification_list(request):
    if request.method == "POST":
        services.notifications_mark_read(user=request.user)
        return redirect("matching:notifications")
    notifications = selectors.notifications_of(request.user)[:100]
    return render(request, "matching/notification_list.html", {"notifications": notifications})
