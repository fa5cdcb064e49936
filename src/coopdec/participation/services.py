"""Every write of the participation app: keyword-only arguments, under a transaction, with its rules.

Each service refuses with a ``ValidationError`` carrying a message for the person who acted (a vote
after the phase closed, a place outside both territories...), and then changes nothing.
"""

from __future__ import annotations

import secrets
from decimal import Decimal
from math import asin, cos, radians, sin, sqrt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from coopdec.actors.models import LOCAL_GOVERNMENT_KINDS, Organisation, OrganisationKind
from coopdec.actors.selectors import is_coordinator, organisation_ids_of
from coopdec.common.i18n import clean_i18n
from coopdec.common.mail import mail_enqueue
from coopdec.common.throttle import TooManyAttempts, client_address, rate_allow, rate_forgive
from coopdec.common.validators import clean_line, has_forbidden, validate_line
from coopdec.cooperation import services as cooperation_services
from coopdec.cooperation.models import Project
from coopdec.territories.models import Country, Locality
from coopdec.vocabularies.models import Axis

from . import selectors
from .models import (
    Ballot,
    Comment,
    DisplayName,
    Participant,
    ParticipantKind,
    Phase,
    Proposal,
    ProposalStatus,
    Report,
    Review,
    Space,
    Support,
)

# -- rate limits --------------------------------------------------------------------------------

# Per account strict, per address generous: a town hall, a school or a cybercafé shares one address.
# Each can be changed in the settings (``PARTICIPATION_RATES = {"proposal": ("5/day", "200/day")}``).
RATES = {
    "signup": ("3/hour", "60/hour"),  # per e-mail address asked, per network address
    "proposal": ("5/day", "300/day"),
    "comment": ("30/hour", "600/hour"),
    "support": ("120/hour", "2000/hour"),
    "report": ("20/hour", "300/hour"),
}


def rate_check(action: str, *, request, account: str) -> None:
    """Count one ``action`` of ``account`` from ``request``'s address; ``TooManyAttempts`` over a limit
    (nothing counted then)."""
    per_account, per_address = {**RATES, **getattr(settings, "PARTICIPATION_RATES", {})}[action]
    wait, by_address = rate_allow(client=f"part-{action}:ip:{client_address(request)}", rate=per_address)
    if wait is not None:
        raise TooManyAttempts(wait)
    wait, _by_account = rate_allow(client=f"part-{action}:account:{account.casefold()}", rate=per_account)
    if wait is not None:
        rate_forgive(by_address)
        raise TooManyAttempts(wait)


# -- spaces -------------------------------------------------------------------------------------

SPACE_FIELDS = {
    "title",
    "description",
    "proposals_from",
    "support_from",
    "review_from",
    "vote_from",
    "results_from",
    "budget",
    "currency",
    "is_demo",
}


def _set_space_fields(space: Space, fields: dict) -> None:
    unknown = set(fields) - SPACE_FIELDS
    if unknown:
        raise TypeError(f"unknown space fields: {sorted(unknown)}")
    for name, value in fields.items():
        if name in {"title", "description"}:
            value = clean_i18n(value)
        elif name == "currency":
            value = cooperation_services.validate_currency(value or "EUR")
        setattr(space, name, value)
    if not space.title:
        raise ValidationError({"title": _("Give the space a title, in at least one language.")})
    dates = [space.proposals_from, space.support_from, space.review_from, space.vote_from, space.results_from]
    if any(day is None for day in dates):
        raise ValidationError(_("Give the first day of each phase."))
    if dates != sorted(dates):
        raise ValidationError(
            _("The phases follow each other: proposals, support, review, vote, results. Put their dates in that order.")
        )
    space.full_clean(exclude=["partnership", "organisation", "created_by"], validate_constraints=False)


@transaction.atomic
def space_create(*, user=None, partnership=None, organisation=None, **fields) -> Space:
    """Open a participation space on a partnership or on an organisation's whole cooperation."""
    if (partnership is None) == (organisation is None):
        raise ValidationError(_("A space belongs to a partnership or to an organisation: choose one."))
    space = Space(
        partnership=partnership,
        organisation=organisation,
        created_by=user if user is not None and user.is_authenticated else None,
    )
    _set_space_fields(space, fields)
    space.save()
    return space


@transaction.atomic
def space_update(*, space: Space, user=None, **fields) -> Space:
    space = Space.objects.select_for_update().get(pk=space.pk)
    _set_space_fields(space, fields)
    space.save()
    return space


def _require_phase(space: Space, phases: set[str], message: str, *, today=None) -> None:
    if space.phase_on(today or timezone.localdate()) not in phases:
        raise ValidationError(message)


# -- participants -------------------------------------------------------------------------------

SIGNUP_SALT = "coopdec.participation.signup"
SIGNUP_VALIDITY = 3 * 24 * 3600  # seconds: a sign-up link works for three days
PROFILE_FIELDS = ("first_name", "last_name", "display", "town", "country", "kind", "language")


def _profile(data: dict) -> dict:
    """The profile fields of ``data``, checked (the forms check them too; the API and tests may not)."""
    profile = {name: data.get(name) for name in PROFILE_FIELDS}
    for name in ("first_name", "last_name", "town"):
        profile[name] = clean_line(profile[name] or "", 120 if name == "town" else 100)
    if not profile["first_name"] or not profile["town"]:
        raise ValidationError(_("Give your first name and your town."))
    if profile["display"] not in DisplayName.values:
        raise ValidationError(_("Choose how your name is shown."))
    if profile["kind"] not in ParticipantKind.values:
        profile["kind"] = ParticipantKind.RESIDENT
    country = profile.pop("country") or data.get("country_id")
    code = country.code if isinstance(country, Country) else str(country or "")
    if not Country.objects.filter(code=code).exists():
        raise ValidationError(_("Choose your country."))
    profile["country_id"] = code
    if profile["language"] not in settings.CONTENT_LANGUAGES:
        profile["language"] = settings.LANGUAGE_CODE
    return profile


def _email_taken(email: str) -> bool:
    return get_user_model().objects.filter(email__iexact=email).exists()


def signup_request(*, email: str, **data) -> None:
    """Send the confirmation link to ``email`` (the profile choices travel in the signed link; no
    account exists before the address is confirmed). An address that already has an account gets a
    mail saying so instead: the page says the same in both cases, so nobody learns who has an account."""
    email = email.strip()
    profile = _profile(data)
    profile["email"] = email
    with override(profile["language"]):
        if _email_taken(email):
            subject = _("You already have a coopdec account")
            body = render_to_string(
                "participation/mail/signup_exists.txt", {"signin": _site_link(reverse("login")), "email": email}
            )
        else:
            signed = signing.dumps(profile, salt=SIGNUP_SALT, compress=True)
            subject = _("Confirm your address to take part")
            body = render_to_string(
                "participation/mail/signup_confirm.txt",
                {"link": _site_link(reverse("participation:signup_confirm", args=[signed])), "days": 3},
            )
    mail_enqueue(subject=subject, body=body, recipients=[email])


def _site_link(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def signup_from_signed(value: str) -> dict:
    try:
        return signing.loads(value, salt=SIGNUP_SALT, max_age=SIGNUP_VALIDITY)
    except signing.SignatureExpired:
        raise ValidationError(_("This link has expired: sign up again, it takes a minute.")) from None
    except signing.BadSignature:
        raise ValidationError(_("This link is not valid. Check that you copied it whole.")) from None


def _free_username(email: str) -> str:
    User = get_user_model()  # noqa: N806
    base = email.casefold()[:140]
    name = base
    while User.objects.filter(username=name).exists():
        name = f"{base}-{secrets.token_hex(2)}"
    return name


@transaction.atomic
def signup_confirm(*, signed: str, password: str):
    """Create the account and its participant profile from a confirmed sign-up link; return the user.

    One account per address: if an account took the address since, nothing is created."""
    data = signup_from_signed(signed)
    email = data["email"]
    if _email_taken(email):
        raise ValidationError(_("An account already uses this address: sign in with it."))
    User = get_user_model()  # noqa: N806
    try:
        with transaction.atomic():
            user = User.objects.create(
                username=_free_username(email),
                email=email,
                password=make_password(password),
                first_name=data["first_name"][:150],
                last_name=(data["last_name"] or "")[:150],
            )
    except IntegrityError:
        raise ValidationError(_("An account already uses this address: sign in with it.")) from None
    Participant.objects.create(user=user, **_profile(data))
    return user


@transaction.atomic
def participant_create(*, user, **data) -> Participant:
    """A participant profile for an account that exists (an editor who also takes part as a resident)."""
    if Participant.objects.filter(user=user).exists():
        raise ValidationError(_("You already take part."))
    return Participant.objects.create(user=user, **_profile(data))


@transaction.atomic
def participant_update(*, participant: Participant, **data) -> Participant:
    for name, value in _profile({"language": participant.language, **data}).items():
        setattr(participant, name, value)
    participant.save()
    return participant


@transaction.atomic
def participant_delete(*, user) -> bool:
    """Delete what a person wrote and the person's participation: comments, supports, reports and the
    profile go; proposals stay without their author (others supported and discussed them) and votes
    stay without their voter (a result must not change after the count). An account that is nothing
    else (no membership of an organisation, not a coordinator, not staff) is deleted with it; return
    whether it was."""
    Comment.objects.filter(author=user).delete()
    Support.objects.filter(user=user).delete()
    Report.objects.filter(reporter=user).delete()
    Proposal.objects.filter(author=user).update(author=None, on_behalf_of=None)
    Ballot.objects.filter(voter=user).update(voter=None)
    Participant.objects.filter(user=user).delete()
    if organisation_ids_of(user) or is_coordinator(user) or user.is_staff or user.is_superuser:
        return False
    user.delete()
    return True


# -- where a proposal may be --------------------------------------------------------------------

# How far from a party's own place (its coordinates, else its locality's) a proposal may be, by kind
# of party; parties of other kinds (associations, agencies) bound it by their country only.
RADIUS_KM: dict[str, int] = {
    OrganisationKind.MUNICIPALITY: 30,
    OrganisationKind.INTERMUNICIPAL: 60,
    OrganisationKind.COUNTY: 150,
    OrganisationKind.REGION: 400,
}
# The nearest gazetteer place within this many degrees decides the point's country.
NEAREST_BOX = 0.6


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    dlat, dlon = radians(lat2 - lat1), radians(lon2 - lon1)
    a = sin(dlat / 2) ** 2 + cos(radians(lat1)) * cos(radians(lat2)) * sin(dlon / 2) ** 2
    return 6371.0 * 2 * asin(sqrt(a))


def country_at(latitude: float, longitude: float) -> str | None:
    """The country of the gazetteer's nearest place to the point (within ``NEAREST_BOX`` degrees),
    None at sea or in the desert. Without country borders on the server, this is how a point is
    placed in a country: the nearest town across a border belongs to the other country."""
    nearby = Locality.objects.filter(
        latitude__range=(latitude - NEAREST_BOX, latitude + NEAREST_BOX),
        longitude__range=(longitude - NEAREST_BOX, longitude + NEAREST_BOX),
    ).values_list("latitude", "longitude", "country_id")
    best = min(nearby, key=lambda row: distance_km(latitude, longitude, row[0], row[1]), default=None)
    return best[2] if best else None


def _place_of(organisation: Organisation) -> tuple[float, float] | None:
    if organisation.latitude is not None and organisation.longitude is not None:
        return organisation.latitude, organisation.longitude
    locality = organisation.locality
    if locality is not None:
        return locality.latitude, locality.longitude
    return None


def place_check(space: Space, latitude: float, longitude: float) -> str:
    """The country of a point within one of the space's territories; ``ValidationError`` otherwise."""
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise ValidationError({"latitude": _("This place has no valid coordinates.")})
    country = country_at(latitude, longitude)
    for party in selectors.territory_parties(space):
        if country != party.country_id:
            continue
        radius = RADIUS_KM.get(party.kind) if party.kind in LOCAL_GOVERNMENT_KINDS else None
        place = _place_of(party)
        if radius is None or place is None or distance_km(latitude, longitude, *place) <= radius:
            return country
    names = ", ".join(party.display_name for party in selectors.territory_parties(space))
    raise ValidationError(
        {
            "latitude": _("This place is outside the territories of this space (%(names)s): choose a place there.")
            % {"names": names}
        }
    )


# -- proposals ----------------------------------------------------------------------------------


def _participant(user, space: Space) -> Participant:
    participant = Participant.objects.filter(user=user).select_related("country").first()
    if participant is None:
        raise ValidationError(_("Sign up to take part: it takes a minute."))
    countries = {party.country_id for party in selectors.territory_parties(space)}
    if participant.country_id not in countries:
        raise ValidationError(
            _("This space is for the people and associations of its territories (%(countries)s).")
            % {"countries": ", ".join(sorted(countries))}
        )
    return participant


def _axes(codes) -> list[Axis]:
    codes = list(dict.fromkeys(codes or []))
    found = list(Axis.objects.filter(code__in=codes))
    if len(found) != len(codes):
        raise ValidationError({"axes": _("Unknown theme.")})
    return found


@transaction.atomic
def proposal_submit(
    *,
    space: Space,
    user,
    title: str,
    body: str,
    language: str,
    axes=(),
    latitude: float | None = None,
    longitude: float | None = None,
    place_name: str = "",
    cost: Decimal | None = None,
    on_behalf_of: Organisation | None = None,
    is_demo: bool = False,
    today=None,
) -> Proposal:
    _require_phase(
        space, {Phase.PROPOSALS}, _("The time for proposals is over in this space: nothing was sent."), today=today
    )
    _participant(user, space)
    if language not in settings.CONTENT_LANGUAGES:
        raise ValidationError({"language": _("Choose the language you write in.")})
    if on_behalf_of is not None and on_behalf_of.pk not in organisation_ids_of(user):
        raise ValidationError({"on_behalf_of": _("You can only propose on behalf of an organisation you belong to.")})
    if space.has_budget and cost is None:
        raise ValidationError({"cost": _("Give an estimated cost: the public will share out a budget.")})
    if space.has_budget and cost is not None and space.budget is not None and cost > space.budget:
        raise ValidationError({"cost": _("The estimated cost is more than the whole budget of this space.")})
    place_country = None
    if (latitude is None) != (longitude is None):
        raise ValidationError({"latitude": _("Choose the place on the map, or leave both coordinates empty.")})
    if latitude is not None and longitude is not None:
        place_country = place_check(space, latitude, longitude)
    proposal = Proposal(
        space=space,
        author=user,
        on_behalf_of=on_behalf_of,
        title={language: (title or "").strip()},
        body={language: (body or "").replace("\r\n", "\n").strip()},
        language=language,
        latitude=latitude,
        longitude=longitude,
        place_name=(place_name or "").strip(),
        place_country_id=place_country,
        cost=cost,
        is_demo=is_demo,
    )
    if not proposal.title[language] or not proposal.body[language]:
        raise ValidationError(_("Give your proposal a title and describe it."))
    proposal.full_clean(exclude=["space", "author", "on_behalf_of", "merged_into", "project", "place_country"])
    proposal.save()
    proposal.axes.set(_axes(axes))
    return proposal


OPEN_FOR_DEBATE: set[str] = {Phase.PROPOSALS, Phase.SUPPORT, Phase.REVIEW, Phase.VOTE}


@transaction.atomic
def comment_add(*, proposal: Proposal, user, text: str, language: str, today=None) -> Comment:
    _require_phase(
        proposal.space, OPEN_FOR_DEBATE, _("Comments are closed in this space: nothing was sent."), today=today
    )
    _participant(user, proposal.space)
    if proposal.is_hidden:
        raise ValidationError(_("This proposal was hidden by the moderators."))
    comment = Comment(
        proposal=proposal, author=user, text=(text or "").replace("\r\n", "\n").strip(), language=language
    )
    if not comment.text:
        raise ValidationError({"text": _("Write your comment.")})
    if language not in settings.CONTENT_LANGUAGES:
        comment.language = settings.LANGUAGE_CODE
    if has_forbidden(comment.text, multiline=True):
        raise ValidationError({"text": _("Remove the control or text-direction characters from this text.")})
    comment.full_clean(exclude=["proposal", "author"])
    comment.save()
    return comment


@transaction.atomic
def support_set(*, proposal: Proposal, user, support: bool, today=None) -> bool:
    """Support a proposal, or withdraw one's support; return whether the person supports it now.
    One support per person and proposal (a constraint: a double click counts once)."""
    _require_phase(
        proposal.space,
        {Phase.PROPOSALS, Phase.SUPPORT},
        _("The time for supporting proposals is over in this space: nothing changed."),
        today=today,
    )
    _participant(user, proposal.space)
    if proposal.is_hidden:
        raise ValidationError(_("This proposal was hidden by the moderators."))
    if not support:
        Support.objects.filter(proposal=proposal, user=user).delete()
        return False
    try:
        with transaction.atomic():
            Support.objects.get_or_create(proposal=proposal, user=user)
    except IntegrityError:
        pass  # the same person's other request got there first: one support either way
    return True


# -- the parties' review and answers ------------------------------------------------------------


@transaction.atomic
def proposal_review(
    *, proposal: Proposal, organisation: Organisation, user, feasible: bool, note: str = "", today=None
):
    """One deciding party's feasibility review (before the vote: the ballot is fixed once it opens)."""
    _require_phase(
        proposal.space,
        {Phase.SUPPORT, Phase.REVIEW},
        _("Feasibility is reviewed during the support and review phases: nothing changed."),
        today=today,
    )
    if organisation.pk not in {party.pk for party in selectors.deciding_parties(proposal.space)}:
        raise ValidationError(_("Only the parties of this space review its proposals."))
    note = (note or "").strip()
    validate_line(note)
    if not feasible and not note:
        raise ValidationError({"note": _("Say why it is not feasible: the author and the public will read it.")})
    review, _created = Review.objects.update_or_create(
        proposal=proposal, organisation=organisation, defaults={"feasible": feasible, "note": note, "reviewed_by": user}
    )
    return review


@transaction.atomic
def proposal_answer(*, proposal: Proposal, user, status: str, answer: str = "", merged_into: Proposal | None = None):
    """The parties' official answer: accepted, not feasible (with the reason), merged into another."""
    if status not in {ProposalStatus.ACCEPTED, ProposalStatus.NOT_FEASIBLE, ProposalStatus.MERGED}:
        raise ValidationError({"status": _("Choose an answer.")})
    answer = (answer or "").replace("\r\n", "\n").strip()
    if status == ProposalStatus.NOT_FEASIBLE and not answer:
        raise ValidationError({"answer": _("Say why the proposal is not feasible.")})
    if status == ProposalStatus.MERGED:
        if merged_into is None or merged_into.space_id != proposal.space_id or merged_into.pk == proposal.pk:
            raise ValidationError({"merged_into": _("Choose the proposal of this space it is merged into.")})
        if merged_into.is_hidden:
            raise ValidationError({"merged_into": _("Choose the proposal of this space it is merged into.")})
    else:
        merged_into = None
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    proposal.status = status
    proposal.answer = answer
    proposal.merged_into = merged_into
    proposal.answered_by = user if user is not None and user.is_authenticated else None
    proposal.answered_at = timezone.now()
    proposal.full_clean(exclude=["space", "author", "on_behalf_of", "merged_into", "project", "place_country"])
    proposal.save()
    return proposal


@transaction.atomic
def proposal_to_project(*, proposal: Proposal, user, project: Project | None = None) -> Project:
    """Turn an accepted proposal into a project of the space's partnership (or organisation), through
    cooperation's services (a draft the parties complete), or link it to an existing one of theirs."""
    proposal = Proposal.objects.select_for_update().select_related("space").get(pk=proposal.pk)
    if proposal.status != ProposalStatus.ACCEPTED:
        raise ValidationError(_("Only an accepted proposal becomes a project: answer it first."))
    if proposal.is_hidden:
        raise ValidationError(_("This proposal was hidden by the moderators."))
    space = proposal.space
    if project is not None:
        if project.pk not in set(selectors.space_projects(space).values_list("pk", flat=True)):
            raise ValidationError({"project": _("Choose a project of this space's partnership or organisation.")})
    else:
        locations = []
        if proposal.latitude is not None and proposal.longitude is not None:
            locations.append(
                {
                    "name": proposal.place_name[:255],
                    "latitude": proposal.latitude,
                    "longitude": proposal.longitude,
                    "country": proposal.place_country_id,
                }
            )
        owner: dict[str, object] = (
            {"partnership": space.partnership} if space.partnership_id else {"lead_organisation": space.organisation}
        )
        project = cooperation_services.project_create(
            user=user,
            title=proposal.title,
            summary=proposal.body,
            axes=[axis.code for axis in proposal.axes.all()],
            locations=locations,
            currency=space.currency,
            language=proposal.language,
            is_demo=proposal.is_demo,
            **owner,
        )
    proposal.project = project
    proposal.save(update_fields=["project"])
    return project


# -- the vote -----------------------------------------------------------------------------------


@transaction.atomic
def ballot_cast(*, space: Space, user, proposal_ids, today=None) -> Ballot:
    """Vote, or change one's vote while the vote is open: proposals of the ballot whose costs add up to
    at most the envelope. One ballot per person and space (a unique constraint): a change replaces the
    choice of the person's ballot under a lock on its row, so two requests sent at the same moment
    leave one ballot holding exactly one of the two choices (never both, never two ballots), and the
    counts, read from the ballots, stay exact."""
    _require_phase(
        space, {Phase.VOTE}, _("The vote is not open in this space: your vote was not counted."), today=today
    )
    if not space.has_budget:
        raise ValidationError(_("This space has no participatory budget to vote on."))
    _participant(user, space)
    ids = {int(pk) for pk in proposal_ids}
    if not ids:
        raise ValidationError(_("Choose at least one proposal."))
    chosen = list(selectors.ballot_proposals(space).filter(pk__in=ids))
    if len(chosen) != len(ids):
        raise ValidationError(_("Choose among the proposals put to the vote."))
    total = sum((proposal.cost or Decimal(0) for proposal in chosen), Decimal(0))
    if total > (space.budget or 0):
        raise ValidationError(
            _("Your choice costs %(total)s %(currency)s, more than the budget of %(budget)s %(currency)s: remove one.")
            % {"total": f"{total:,.0f}", "budget": f"{space.budget:,.0f}", "currency": space.currency}
        )
    ballot = _own_ballot(space, user)
    if ballot is None:
        try:
            with transaction.atomic():
                ballot = Ballot.objects.create(space=space, voter=user, total=total)
        except IntegrityError:
            ballot = _own_ballot(space, user)  # the same person's other request voted first: change that vote
            if ballot is None:  # and withdrew it since: vote again
                ballot = Ballot.objects.create(space=space, voter=user, total=total)
    ballot.total = total
    ballot.save(update_fields=["total", "changed_at"])
    ballot.proposals.set(chosen)
    return ballot


def _own_ballot(space: Space, user) -> Ballot | None:
    """The person's ballot in the space, its row locked until the transaction ends (changes queue up)."""
    return Ballot.objects.select_for_update().filter(space=space, voter=user).first()


@transaction.atomic
def ballot_withdraw(*, space: Space, user, today=None) -> bool:
    """Withdraw one's vote while the vote is open (one may vote again); return whether there was one."""
    _require_phase(space, {Phase.VOTE}, _("The vote is closed in this space: your vote stays as it was."), today=today)
    ballot = _own_ballot(space, user)
    if ballot is None:
        return False
    ballot.delete()
    return True


# -- moderation ---------------------------------------------------------------------------------


@transaction.atomic
def report_create(*, proposal: Proposal, user, reason: str, comment: Comment | None = None) -> Report:
    reason = clean_line(reason, 500)
    if not reason:
        raise ValidationError({"reason": _("Say what is wrong: the moderators read it.")})
    if comment is not None and comment.proposal_id != proposal.pk:
        raise ValidationError(_("This comment is not on this proposal."))
    existing = Report.objects.filter(proposal=proposal, comment=comment, reporter=user, closed_at__isnull=True).first()
    if existing is not None:
        return existing  # reported already: once is enough
    return Report.objects.create(proposal=proposal, comment=comment, reporter=user, reason=reason)


@transaction.atomic
def moderate(*, item: Proposal | Comment, user, hide: bool, reason: str = "") -> None:
    """Hide ``item`` with a reason, or keep it; either way close its open reports."""
    reason = clean_line(reason, 500)
    if hide:
        if not reason:
            raise ValidationError({"reason": _("Give the reason for hiding it: its author will read it.")})
        item.is_hidden = True
        item.hidden_reason = reason
        item.hidden_by = user
        item.hidden_at = timezone.now()
        item.save(update_fields=["is_hidden", "hidden_reason", "hidden_by", "hidden_at"])
    reports = Report.objects.filter(closed_at__isnull=True)
    if isinstance(item, Comment):
        reports = reports.filter(comment=item)
    else:
        reports = reports.filter(proposal=item, comment__isnull=True)
    reports.update(closed_at=timezone.now())
