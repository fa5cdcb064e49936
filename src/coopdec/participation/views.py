"""Participation pages. Thin: access through ``rules.py``, writes through ``services.py``, reads through
``selectors.py``. A refused action (a closed phase, a place outside the territories, a second vote,
a rate limit) is told to the person in a message, and nothing changes."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from coopdec.actors.models import Organisation
from coopdec.actors.selectors import is_coordinator, organisations_of
from coopdec.common import records
from coopdec.common.i18n import localize
from coopdec.common.throttle import TooManyAttempts
from coopdec.cooperation.models import Partnership
from coopdec.cooperation.selectors import partnerships_visible_to
from coopdec.vocabularies.models import Axis

from . import selectors, services
from .forms import (
    AnswerForm,
    CommentForm,
    ModerationForm,
    PasswordForm,
    ProfileForm,
    ProjectLinkForm,
    ProposalForm,
    ReasonForm,
    ReviewForm,
    SignUpForm,
    SpaceForm,
)
from .models import Comment, Participant, Phase, Proposal, ProposalStatus, Space

# -- helpers ------------------------------------------------------------------------------------

PAGE_SIZE = 30  # proposals per page of a space: light pages on slow connections
MAP_LIMIT = 2000  # the newest proposals on the map


def _space(request, pk: int) -> Space:
    space = get_object_or_404(Space.objects.select_related("partnership", "organisation"), pk=pk)
    return records.viewable_or_404(request, "participation.view_space", space)


def _proposal(request, pk: int) -> Proposal:
    proposal = get_object_or_404(
        Proposal.objects.select_related("space__partnership", "space__organisation", "author__participant"), pk=pk
    )
    return records.viewable_or_404(request, "participation.view_proposal", proposal)


def _participant(user) -> Participant | None:
    if not user.is_authenticated:
        return None
    return Participant.objects.filter(user=user).first()


def _join_first(request, space: Space | None = None):
    messages.info(request, _("To take part, tell us first how your name is shown: it takes a minute."))
    url = reverse("participation:join")
    return redirect(f"{url}?next={space.get_absolute_url()}" if space else url)


def _language() -> str:
    return (get_language() or "fr")[:2]


# -- public pages -------------------------------------------------------------------------------


@require_safe
def home(request):
    user = request.user
    spaces = list(selectors.spaces_visible_to(user).order_by("-proposals_from", "-id")[:100])
    today = timezone.localdate()
    rows = [{"space": space, "phase": space.phase_on(today)} for space in spaces]
    openable = []
    if user.is_authenticated:
        openable = [
            p
            for p in partnerships_visible_to(user).order_by("-id")[:200]
            if user.has_perm("participation.add_space", p) and not is_coordinator(user)
        ][:20]
    return render(
        request,
        "participation/home.html",
        {
            "rows": rows,
            "phases": dict(Phase.choices),
            "openable": openable,
            "organisations": [o for o in organisations_of(user) if user.has_perm("participation.add_space", o)]
            if user.is_authenticated
            else [],
            "participant": _participant(user),
        },
    )


@require_safe
def privacy(request):
    return render(request, "participation/privacy.html")


# -- sign-up and account ------------------------------------------------------------------------


def _safe_next(request) -> str:
    target = request.GET.get("next") or request.POST.get("next") or ""
    return target if target.startswith("/participation/") and "//" not in target else ""


@records.form_methods
def join(request):
    """Sign up (anonymous: confirmation by e-mail), or add a participant profile to one's account."""
    user = request.user
    following = _safe_next(request)
    if user.is_authenticated:
        if _participant(user) is not None:
            return redirect(following or reverse("participation:account"))
        form = ProfileForm(request.POST or None, initial={"first_name": user.first_name, "last_name": user.last_name})
        saved = records.form_saved(
            request,
            form,
            lambda: services.participant_create(user=user, **form.profile()),
            done=_("You can take part now."),
            then=following or reverse("participation:home"),
        )
        return saved or render(request, "participation/join.html", {"form": form, "next": following, "signed_in": True})
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.profile()
        email = data.pop("email")
        data.pop("privacy", None)
        try:
            services.rate_check("signup", request=request, account=email)
            services.signup_request(email=email, **data)
        except TooManyAttempts as error:
            form.add_error(None, error.message)
        except ValidationError as error:
            records.form_errors(form, error)
        else:
            return render(request, "participation/join_sent.html", {"email": email})
    return render(request, "participation/join.html", {"form": form, "next": following, "signed_in": False})


@records.form_methods
def signup_confirm(request, signed: str):
    """The link of the confirmation mail: choose a password, and the account exists."""
    try:
        data = services.signup_from_signed(signed)
    except ValidationError as error:
        return render(request, "participation/join_invalid.html", {"errors": error.messages}, status=400)
    if request.user.is_authenticated:
        messages.info(request, _("You are signed in already."))
        return redirect("participation:account")
    form = PasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.signup_confirm(signed=signed, password=form.cleaned_data["password1"])
        except ValidationError as error:
            return render(request, "participation/join_invalid.html", {"errors": error.messages}, status=400)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome! Your address is confirmed; you can take part now."))
        return redirect("participation:home")
    return render(request, "participation/join_confirm.html", {"form": form, "email": data.get("email", "")})


@login_required
@records.form_methods
def account(request):
    participant = _participant(request.user)
    if participant is None:
        return _join_first(request)
    form = ProfileForm(
        request.POST or None,
        initial={
            "first_name": participant.first_name,
            "last_name": participant.last_name,
            "display": participant.display,
            "town": participant.town,
            "country": participant.country_id,
            "kind": participant.kind,
        },
    )
    saved = records.form_saved(
        request,
        form,
        lambda: services.participant_update(participant=participant, **form.cleaned_data),
        done=_("Your choices are saved."),
        then=reverse("participation:account"),
    )
    return saved or render(request, "participation/account.html", {"form": form, "participant": participant})


@login_required
@records.form_methods
def account_delete(request):
    if request.method == "POST":
        deleted = services.participant_delete(user=request.user)
        if deleted:
            logout(request)
            messages.success(request, _("Your account is deleted, with your comments and supports."))
        else:
            messages.success(
                request,
                _("Your participation is deleted. Your account stays, for your organisation's work."),
            )
        return redirect("participation:home")
    return render(request, "participation/account_delete.html", {"participant": _participant(request.user)})


# -- spaces -------------------------------------------------------------------------------------


def _space_fields(form) -> dict:
    data = dict(form.cleaned_data)
    data["currency"] = (data.get("currency") or "EUR").upper()
    return data


@records.guarded
@records.form_methods
def space_add(request, kind: str, pk: int):
    record: Partnership | Organisation
    owner: dict[str, object]
    if kind == "partnership":
        record = get_object_or_404(Partnership, pk=pk)
        record = records.viewable_or_404(request, "cooperation.view_partnership", record)
        owner = {"partnership": record}
    elif kind == "organisation":
        record = get_object_or_404(Organisation, pk=pk)
        record = records.viewable_or_404(request, "actors.view_organisation", record)
        owner = {"organisation": record}
    else:
        raise Http404
    records.check(request, "participation.add_space", record)
    today = timezone.localdate()
    initial = {
        "proposals_from": today,
        "support_from": today + timedelta(days=30),
        "review_from": today + timedelta(days=45),
        "vote_from": today + timedelta(days=60),
        "results_from": today + timedelta(days=75),
        "currency": "EUR",
    }
    form = SpaceForm(request.POST or None, initial=initial)
    saved = records.form_saved(
        request,
        form,
        lambda: services.space_create(user=request.user, **owner, **_space_fields(form)),
        done=_("The space is open: share its address with the residents."),
        then=lambda space: space,
    )
    return saved or render(request, "participation/space_form.html", {"form": form, "record": record})


@records.guarded
@records.form_methods
def space_edit(request, pk: int):
    space = _space(request, pk)
    records.check(request, "participation.manage_space", space)
    fields = ("proposals_from", "support_from", "review_from", "vote_from", "results_from", "budget", "currency")
    form = SpaceForm(
        request.POST or None,
        initial={"title": space.title, "description": space.description, **{f: getattr(space, f) for f in fields}},
    )
    saved = records.form_saved(
        request,
        form,
        lambda: services.space_update(space=space, user=request.user, **_space_fields(form)),
        done=_("The space is saved."),
        then=space,
    )
    return saved or render(
        request, "participation/space_form.html", {"form": form, "record": space.record, "space": space}
    )


@require_safe
def space_detail(request, pk: int):
    space = _space(request, pk)
    user = request.user
    today = timezone.localdate()
    phase = space.phase_on(today)
    axis = request.GET.get("axis", "")
    status = request.GET.get("status", "")
    axes = list(Axis.objects.filter(pk__in=selectors.axes_used(space)))
    if axis not in {a.code for a in axes}:
        axis = ""
    if status not in ProposalStatus.values:
        status = ""
    listed = selectors.proposals_listed(space, axis=axis, status=status).order_by("-created_at", "-id")
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "space": space,
        "phase": phase,
        "phase_label": Phase(phase).label,
        "calendar": space.phase_calendar(),
        "description": localize(space.description),
        "proposals": page,
        "page": page,
        "query": urlencode({k: v for k, v in {"axis": axis, "status": status}.items() if v}),
        "axes": axes,
        "filters": {"axis": axis, "status": status},
        "statuses": ProposalStatus.choices,
        "parties": [p for p in selectors.deciding_parties(space) if user.has_perm("actors.view_organisation", p)],
        "can_manage": user.has_perm("participation.manage_space", space),
        "can_moderate": user.has_perm("participation.moderate_space", space),
        "participant": _participant(user),
        "results": selectors.results(space) if phase == Phase.RESULTS and space.has_budget else None,
        "ballot_count": selectors.ballot_proposals(space).count() if phase == Phase.VOTE else 0,
    }
    return render(request, "participation/space_detail.html", context)


@require_safe
def space_geojson(request, pk: int):
    """The shown proposals with a place, and the territories' organisations, as GeoJSON (names as text)."""
    space = _space(request, pk)
    features = []
    url = reverse("participation:proposal_detail", args=[0]).replace("/0/", "/{}/")
    rows = (
        selectors.shown_proposals(space)
        .exclude(latitude=None)
        .exclude(longitude=None)
        .order_by("-id")
        .values_list("pk", "title", "latitude", "longitude", "status")[:MAP_LIMIT]
    )
    for proposal_id, title, latitude, longitude, status in rows:
        if latitude is None or longitude is None:
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [round(longitude, 5), round(latitude, 5)]},
                "properties": {
                    "role": "proposal",
                    "name": localize(title),
                    "url": url.format(proposal_id),
                    "status": status,
                },
            }
        )
    for party in selectors.territory_parties(space):
        if party.latitude is None or party.longitude is None:
            continue
        if not request.user.has_perm("actors.view_organisation", party):
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [round(party.longitude, 5), round(party.latitude, 5)]},
                "properties": {"role": "territory", "name": party.display_name, "url": party.get_absolute_url()},
            }
        )
    return JsonResponse({"type": "FeatureCollection", "features": features})


@require_safe
def space_statistics(request, pk: int):
    space = _space(request, pk)
    stats = selectors.statistics(space)
    axis_names = {a.code: str(a) for a in Axis.objects.filter(code__in=stats["by_axis"])}
    statuses = dict(ProposalStatus.choices)
    languages = dict(settings.LANGUAGES)
    return render(
        request,
        "participation/space_statistics.html",
        {
            "space": space,
            "stats": stats,
            "by_phase": [(Phase(p).label, n) for p, n in stats["by_phase"].items()],
            "by_axis": [(axis_names.get(code, code), n) for code, n in stats["by_axis"].items()],
            "by_status": [(statuses.get(s, s), n) for s, n in stats["by_status"].items()],
            "by_language": [(languages.get(code, code), n) for code, n in stats["by_language"].items()],
        },
    )


@records.guarded
@records.form_methods
def proposal_add(request, pk: int):
    space = _space(request, pk)
    records.check(request, "participation.take_part", space)
    participant = _participant(request.user)
    if participant is None:
        return _join_first(request, space)
    form = ProposalForm(
        request.POST or None,
        organisations=organisations_of(request.user).filter(publication_status="published"),
        currency=space.currency,
    )
    if space.phase_on(timezone.localdate()) != Phase.PROPOSALS:
        messages.error(request, _("The time for proposals is over in this space: nothing was sent."))
        return redirect(space)

    def submit():
        data = form.cleaned_data
        services.rate_check("proposal", request=request, account=str(request.user.pk))
        return services.proposal_submit(
            space=space,
            user=request.user,
            title=data["title"],
            body=data["body"],
            language=data["language"],
            axes=[a.code for a in data["axes"]],
            latitude=data["latitude"],
            longitude=data["longitude"],
            place_name=data["place_name"],
            cost=data["cost"],
            on_behalf_of=data.get("on_behalf_of"),
        )

    saved = records.form_saved(
        request,
        form,
        submit,
        done=_("Your proposal is published. Share it so that others support it."),
        then=lambda proposal: proposal,
    )
    return saved or render(request, "participation/proposal_form.html", {"form": form, "space": space})


@records.guarded
@records.form_methods
def vote(request, pk: int):
    space = _space(request, pk)
    records.check(request, "participation.take_part", space)
    participant = _participant(request.user)
    if participant is None:
        return _join_first(request, space)
    proposals = list(selectors.ballot_proposals(space))
    already = space.ballots.filter(voter=request.user).first()
    if request.method == "POST" and "withdraw" in request.POST:
        try:
            withdrawn = services.ballot_withdraw(space=space, user=request.user)
        except ValidationError as error:
            messages.error(request, records.refusal_text(error))
            return redirect("participation:vote", pk=space.pk)
        if withdrawn:
            messages.success(request, _("Your vote is withdrawn. You may vote again until the vote closes."))
        return redirect("participation:vote", pk=space.pk)
    if request.method == "POST":
        ids = [int(v) for v in request.POST.getlist("proposal") if v.isascii() and v.isdigit() and len(v) < 12]
        return records.act(
            request,
            reverse("participation:vote", args=[space.pk]),
            lambda: services.ballot_cast(space=space, user=request.user, proposal_ids=ids),
            done=_("Your vote is changed. Thank you!")
            if already is not None
            else _("Your vote is counted. Thank you!"),
            then=lambda _result: space,
        )
    return render(
        request,
        "participation/vote.html",
        {
            "space": space,
            "proposals": proposals,
            "already": already,
            "chosen": set(already.proposals.values_list("pk", flat=True)) if already is not None else set(),
            "open": space.phase_on(timezone.localdate()) == Phase.VOTE and space.has_budget,
        },
    )


# -- proposals ----------------------------------------------------------------------------------


@require_safe
def proposal_detail(request, pk: int):
    proposal = _proposal(request, pk)
    space = proposal.space
    user = request.user
    can_manage = user.has_perm("participation.manage_space", space)
    reviewing = selectors.reviewing_organisations(user, space) if user.is_authenticated else []
    context = {
        "proposal": proposal,
        "space": space,
        "phase": space.phase_on(timezone.localdate()),
        "title": localize(proposal.title),
        "body": localize(proposal.body),
        "comments": selectors.shown_comments(proposal),
        "support_count": proposal.supports.count(),
        "supported": user.is_authenticated and proposal.supports.filter(user=user).exists(),
        "reviews": proposal.reviews.select_related("organisation"),
        "parties": selectors.deciding_parties(space),
        "can_manage": can_manage,
        "can_moderate": user.has_perm("participation.moderate_space", space),
        "can_report": user.has_perm("participation.report", proposal),
        "participant": _participant(user),
        "path": selectors.proposal_path(proposal, user),
        "merged_into": proposal.merged_into if proposal.merged_into and not proposal.merged_into.is_hidden else None,
        "comment_form": CommentForm(),
    }
    if can_manage:
        context["answer_form"] = AnswerForm(
            initial={"status": proposal.status if proposal.status != ProposalStatus.OPEN else None},
            proposals=selectors.shown_proposals(space).exclude(pk=proposal.pk),
        )
        context["project_form"] = ProjectLinkForm(projects=selectors.space_projects(space).order_by("-id"))
    if reviewing:
        context["review_form"] = ReviewForm(organisations=Organisation.objects.filter(pk__in=[o.pk for o in reviewing]))
    return render(request, "participation/proposal_detail.html", context)


def _acting_participant(request, proposal: Proposal):
    records.check(request, "participation.take_part", proposal.space)
    if not request.user.has_perm("participation.view_proposal", proposal) or proposal.is_hidden:
        raise Http404
    return _participant(request.user)


@records.guarded
@require_POST
def support(request, pk: int):
    proposal = _proposal(request, pk)
    if _acting_participant(request, proposal) is None:
        return _join_first(request, proposal.space)
    wants = request.POST.get("support", "1") != "0"

    def set_support():
        services.rate_check("support", request=request, account=str(request.user.pk))
        return services.support_set(proposal=proposal, user=request.user, support=wants)

    return records.act(
        request,
        proposal,
        set_support,
        done=lambda now: _("You support this proposal.") if now else _("Your support is withdrawn."),
    )


@records.guarded
@require_POST
def comment(request, pk: int):
    proposal = _proposal(request, pk)
    if _acting_participant(request, proposal) is None:
        return _join_first(request, proposal.space)
    form = CommentForm(request.POST)

    def add():
        services.rate_check("comment", request=request, account=str(request.user.pk))
        services.comment_add(proposal=proposal, user=request.user, text=form.cleaned_data["text"], language=_language())

    return records.act(request, proposal, add, form=form, done=_("Your comment is published."))


@records.guarded
@require_POST
def report(request, pk: int):
    proposal = _proposal(request, pk)
    records.check(request, "participation.report", proposal)
    form = ReasonForm(request.POST)
    target = None
    comment_id = request.POST.get("comment", "")
    if comment_id:
        if not (comment_id.isascii() and comment_id.isdigit()) or len(comment_id) > 12:
            raise Http404
        target = get_object_or_404(Comment, pk=comment_id, proposal=proposal, is_hidden=False)

    def create():
        services.rate_check("report", request=request, account=str(request.user.pk))
        services.report_create(proposal=proposal, comment=target, user=request.user, reason=form.cleaned_data["reason"])

    return records.act(
        request,
        proposal,
        create,
        form=form,
        invalid=_("Say what is wrong: the moderators read it."),
        done=_("Thank you: the moderators will look at it."),
    )


@records.guarded
@require_POST
def answer(request, pk: int):
    proposal = _proposal(request, pk)
    records.check(request, "participation.manage_space", proposal.space)
    form = AnswerForm(request.POST, proposals=selectors.shown_proposals(proposal.space).exclude(pk=proposal.pk))
    return records.act(
        request,
        proposal,
        lambda: services.proposal_answer(proposal=proposal, user=request.user, **form.cleaned_data),
        form=form,
        done=_("The answer is published on the proposal."),
    )


@records.guarded
@require_POST
def review(request, pk: int):
    proposal = _proposal(request, pk)
    records.check(request, "participation.manage_space", proposal.space)
    reviewing = selectors.reviewing_organisations(request.user, proposal.space)
    form = ReviewForm(request.POST, organisations=Organisation.objects.filter(pk__in=[o.pk for o in reviewing]))
    return records.act(
        request,
        proposal,
        lambda: services.proposal_review(proposal=proposal, user=request.user, **form.cleaned_data),
        form=form,
        invalid=_("Choose the party you review for, and whether the proposal is feasible."),
        done=_("Your party's review is recorded."),
    )


@records.guarded
@require_POST
def to_project(request, pk: int):
    proposal = _proposal(request, pk)
    records.check(request, "participation.manage_space", proposal.space)
    form = ProjectLinkForm(request.POST, projects=selectors.space_projects(proposal.space))
    return records.act(
        request,
        proposal,
        lambda: services.proposal_to_project(
            proposal=proposal, user=request.user, project=form.cleaned_data["project"]
        ),
        form=form,
        invalid=_("Choose a project of this space's partnership or organisation."),
        done=lambda project: _("The proposal is now linked to the project “%(title)s”.") % {"title": project},
    )


# -- moderation ---------------------------------------------------------------------------------


@records.guarded
@require_safe
def moderation(request, pk: int):
    space = _space(request, pk)
    records.check(request, "participation.moderate_space", space)
    return render(
        request,
        "participation/moderation.html",
        {
            "space": space,
            "reports": selectors.open_reports(space),
            "hidden_proposals": space.proposals.filter(is_hidden=True).order_by("-hidden_at")[:100],
            "hidden_comments": Comment.objects.filter(proposal__space=space, is_hidden=True).order_by("-hidden_at")[
                :100
            ],
        },
    )


def _moderate(request, item, space: Space, back):
    records.check(request, "participation.moderate_space", space)
    form = ModerationForm(request.POST)
    return records.act(
        request,
        back,
        lambda: services.moderate(
            item=item,
            user=request.user,
            hide=form.cleaned_data["decision"] == "hide",
            reason=form.cleaned_data["reason"],
        ),
        form=form,
        invalid=_("Choose whether to hide it or keep it."),
        done=_("Done: the reports on it are closed."),
    )


@records.guarded
@require_POST
def moderate_proposal(request, pk: int):
    proposal = _proposal(request, pk)
    return _moderate(request, proposal, proposal.space, reverse("participation:moderation", args=[proposal.space_id]))


@records.guarded
@require_POST
def moderate_comment(request, pk: int):
    item = get_object_or_404(Comment.objects.select_related("proposal__space"), pk=pk)
    records.viewable_or_404(request, "participation.view_proposal", item.proposal)
    return _moderate(
        request, item, item.proposal.space, reverse("participation:moderation", args=[item.proposal.space_id])
    )
