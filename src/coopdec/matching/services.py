"""Writes for matchmaking: offers and requests, partnership proposals and their answers, notifications.

Every function checks the caller's rights (``coopdec.matching.rules``) and the data, raises
``PermissionDenied`` or ``ValidationError`` with an actionable message, and writes nothing then.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coopdec.actors.models import (
    EDITING_ROLES,
    LOCAL_GOVERNMENT_KINDS,
    CountryCoordinator,
    Organisation,
)
from coopdec.common.i18n import clean_i18n
from coopdec.common.mail import mail_enqueue
from coopdec.common.validators import clean_text, validate_text
from coopdec.cooperation.models import PartnershipKind, PartnershipStatus
from coopdec.cooperation.services import partnership_create
from coopdec.territories.models import Continent, Country
from coopdec.vocabularies.models import Axis
from coopdec.vocabularies.selectors import code_exists

from .models import (
    Notification,
    NotificationKind,
    Offer,
    OfferKind,
    PartnerRequest,
    Proposal,
    ProposalDelivery,
    ProposalStatus,
)
from .selectors import open_proposal_between, partner_ids

# Anti-spam: proposals one user may send in 24 hours, and per organisation.
PROPOSALS_PER_USER_PER_DAY = 10
PROPOSALS_PER_ORGANISATION_PER_DAY = 20
MESSAGE_MIN_LENGTH = 20
MESSAGE_MAX_LENGTH = 4000

# -- offers and requests ---------------------------------------------------------------------------


def _check_manage(user, organisation: Organisation) -> None:
    if user is None or not user.has_perm("matching.manage_listings", organisation):
        raise PermissionDenied(
            _("Only the editors of %(name)s can publish its offers and requests.") % {"name": organisation.name}
        )


def _axes(codes) -> list[Axis]:
    codes = list(dict.fromkeys(codes or []))
    found = {axis.code: axis for axis in Axis.objects.filter(code__in=codes)}
    unknown = [code for code in codes if code not in found]
    if unknown:
        raise ValidationError({"axes": _("Unknown cooperation axis: %(codes)s.") % {"codes": ", ".join(unknown)}})
    return [found[code] for code in codes]


def _sectors(codes) -> list[str]:
    codes = [str(code).strip() for code in dict.fromkeys(codes or []) if str(code).strip()]
    unknown = [code for code in codes if not code_exists("Sector", code)]
    if unknown:
        raise ValidationError(
            {
                "sectors": _("Not a DAC 5-digit sector code: %(codes)s; pick from the list.")
                % {"codes": ", ".join(unknown)}
            }
        )
    return codes


def _validity(valid_from, valid_until) -> None:
    if valid_from and valid_until and valid_until < valid_from:
        raise ValidationError(
            {
                "valid_until": _("The end of validity (%(end)s) is before its start (%(start)s).")
                % {"end": valid_until.isoformat(), "start": valid_from.isoformat()}
            }
        )


def _common_fields(listing, *, title, description, valid_from, valid_until) -> None:
    title = clean_i18n(title)
    if not title:
        raise ValidationError({"title": _("Give a title in at least one language.")})
    listing.title = title
    listing.description = clean_i18n(description)
    listing.valid_from = valid_from or timezone.localdate()
    listing.valid_until = valid_until
    _validity(listing.valid_from, listing.valid_until)


def _check_fields(listing: Offer | PartnerRequest) -> None:
    """The model's own checks before saving: titles on one line, texts bounded per language, neither
    with control or text-direction characters (``coopdec.common.validators``)."""
    listing.full_clean(exclude=["organisation", "created_by"], validate_constraints=False)


@transaction.atomic
def offer_save(
    *,
    user,
    organisation: Organisation,
    title,
    kinds,
    description=None,
    axes=(),
    sectors=(),
    valid_from=None,
    valid_until=None,
    offer: Offer | None = None,
) -> Offer:
    """Create (``offer`` None) or update an offer of ``organisation``."""
    _check_manage(user, organisation)
    if offer is not None and offer.organisation_id != organisation.pk:
        raise PermissionDenied(_("This offer belongs to another organisation."))
    kinds = list(dict.fromkeys(kinds or []))
    if not kinds:
        raise ValidationError(
            {"kinds": _("Say what you offer: expertise, staff exchanges, hosting delegations or co-funding.")}
        )
    unknown = [kind for kind in kinds if kind not in OfferKind.values]
    if unknown:
        raise ValidationError({"kinds": _("Unknown kind of offer: %(kinds)s.") % {"kinds": ", ".join(unknown)}})
    axis_list, sector_list = _axes(axes), _sectors(sectors)
    offer = offer or Offer(organisation=organisation, created_by=user if user.is_authenticated else None)
    _common_fields(offer, title=title, description=description, valid_from=valid_from, valid_until=valid_until)
    offer.kinds = kinds
    offer.sectors = sector_list
    _check_fields(offer)
    offer.save()
    offer.axes.set(axis_list)
    return offer


@transaction.atomic
def request_save(
    *,
    user,
    organisation: Organisation,
    title,
    description=None,
    axes=(),
    sectors=(),
    countries=(),
    continents=(),
    organisation_kinds=(),
    population_min=None,
    population_max=None,
    languages=(),
    valid_from=None,
    valid_until=None,
    request: PartnerRequest | None = None,
) -> PartnerRequest:
    """Create (``request`` None) or update a partner request of ``organisation``."""
    _check_manage(user, organisation)
    if request is not None and request.organisation_id != organisation.pk:
        raise PermissionDenied(_("This request belongs to another organisation."))
    countries = [code.upper() for code in dict.fromkeys(countries or [])]
    known = set(Country.objects.filter(code__in=countries).values_list("code", flat=True))
    if set(countries) - known:
        raise ValidationError(
            {"countries": _("Unknown country code: %(codes)s.") % {"codes": ", ".join(sorted(set(countries) - known))}}
        )
    continents = list(dict.fromkeys(continents or []))
    if set(continents) - set(Continent.values):
        raise ValidationError(
            {
                "continents": _("Unknown continent code: %(codes)s.")
                % {"codes": ", ".join(sorted(set(continents) - set(Continent.values)))}
            }
        )
    kinds = list(dict.fromkeys(organisation_kinds or []))
    if set(kinds) - set(LOCAL_GOVERNMENT_KINDS):
        raise ValidationError({"organisation_kinds": _("Pick kinds of local or regional government.")})
    if population_min is not None and population_max is not None and population_max < population_min:
        raise ValidationError({"population_max": _("The largest population is smaller than the smallest.")})
    languages = [code.strip().lower() for code in dict.fromkeys(languages or []) if code.strip()]
    if any(len(code) != 2 or not code.isalpha() for code in languages):
        raise ValidationError({"languages": _("Give working languages as two-letter codes (fr, en, es, pt...).")})
    axis_list, sector_list = _axes(axes), _sectors(sectors)
    request = request or PartnerRequest(organisation=organisation, created_by=user if user.is_authenticated else None)
    _common_fields(
        request,
        title=title,
        description=description,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    request.sectors = sector_list
    request.countries = countries
    request.continents = continents
    request.organisation_kinds = kinds
    request.population_min = population_min
    request.population_max = population_max
    request.languages = languages
    _check_fields(request)
    request.save()
    request.axes.set(axis_list)
    return request


@transaction.atomic
def listing_delete(*, user, listing: Offer | PartnerRequest) -> None:
    _check_manage(user, listing.organisation)
    listing.delete()


# -- proposals ----------------------------------------------------------------------------------------


def _editors(organisation: Organisation):
    return [
        membership.user
        for membership in organisation.memberships.select_related("user").filter(
            role__in=EDITING_ROLES, user__is_active=True
        )
    ]


def _notify(*, users, kind: str, proposal: Proposal, subject: str, template: str) -> None:
    """In-app notices now; e-mails by a background task once the transaction is committed."""
    Notification.objects.bulk_create([Notification(user=user, kind=kind, proposal=proposal) for user in users])
    link = settings.SITE_URL.rstrip("/") + reverse("matching:proposal_detail", args=[proposal.pk])
    for user in users:
        if not user.email:
            continue
        body = render_to_string(template, {"proposal": proposal, "user": user, "link": link})
        mail_enqueue(subject=subject, body=body, recipients=[user.email])


def _check_rate(user, sender: Organisation, now) -> None:
    since = now - timedelta(days=1)
    if Proposal.objects.filter(sent_by=user, sent_at__gte=since).count() >= PROPOSALS_PER_USER_PER_DAY:
        raise ValidationError(
            ngettext(
                "You have sent %(count)s proposal in the last 24 hours, the most allowed; try again tomorrow.",
                "You have sent %(count)s proposals in the last 24 hours, the most allowed; try again tomorrow.",
                PROPOSALS_PER_USER_PER_DAY,
            )
            % {"count": PROPOSALS_PER_USER_PER_DAY}
        )
    if Proposal.objects.filter(sender=sender, sent_at__gte=since).count() >= PROPOSALS_PER_ORGANISATION_PER_DAY:
        raise ValidationError(
            _("%(name)s has sent %(count)s proposals in the last 24 hours, the most allowed; try again tomorrow.")
            % {"name": sender.name, "count": PROPOSALS_PER_ORGANISATION_PER_DAY}
        )


def _check_text(field: str, value: str) -> None:
    """The proposal's ``field`` validated as the model does: no control or text-direction characters."""
    try:
        validate_text(value)
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from None


@transaction.atomic
def proposal_send(
    *,
    user,
    sender: Organisation,
    recipient: Organisation,
    message: str,
    request: PartnerRequest | None = None,
) -> Proposal:
    """An editor of ``sender`` proposes a partnership to ``recipient``; its editors are notified."""
    if user is None or not user.is_authenticated:
        raise PermissionDenied(_("Sign in to send a partnership proposal."))
    if not user.has_perm("matching.send_proposal", sender):
        raise PermissionDenied(
            _("Only the editors of %(name)s can send proposals on its behalf.") % {"name": sender.name}
        )
    if sender.pk == recipient.pk:
        raise ValidationError(_("An organisation cannot propose a partnership to itself."))
    if not recipient.is_published:
        raise ValidationError(
            _("%(name)s is not published: proposals go to published organisations only.") % {"name": recipient.name}
        )
    if request is not None and request.organisation_id not in {sender.pk, recipient.pk}:
        raise ValidationError(_("This request belongs to neither organisation."))
    message = (message or "").strip()
    if len(message) < MESSAGE_MIN_LENGTH:
        raise ValidationError(
            {
                "message": _("Write a message of at least %(count)s characters: say who you are and what you propose.")
                % {"count": MESSAGE_MIN_LENGTH}
            }
        )
    if len(message) > MESSAGE_MAX_LENGTH:
        raise ValidationError(
            {"message": _("The message is too long (%(count)s characters at most).") % {"count": MESSAGE_MAX_LENGTH}}
        )
    _check_text("message", message)
    if recipient.pk in partner_ids(sender):
        raise ValidationError(
            _("%(sender)s and %(recipient)s are already partners.")
            % {"sender": sender.name, "recipient": recipient.name}
        )
    existing = open_proposal_between(sender, recipient)
    if existing is not None:
        raise ValidationError(
            _(
                "A proposal between %(sender)s and %(recipient)s is already awaiting an answer (sent on %(date)s); "
                "wait for it to be answered."
            )
            % {
                "sender": existing.sender.name,
                "recipient": existing.recipient.name,
                "date": existing.sent_at.date().isoformat(),
            }
        )
    _check_rate(user, sender, timezone.now())
    try:
        with transaction.atomic():
            proposal = Proposal.objects.create(
                sender=sender, recipient=recipient, message=message, request=request, sent_by=user
            )
    except IntegrityError:  # a concurrent identical proposal won the race
        raise ValidationError(_("A proposal between these organisations is already awaiting an answer.")) from None
    _deliver(proposal)
    return proposal


def _country_coordinators(organisation: Organisation) -> list:
    return [
        link.user
        for link in CountryCoordinator.objects.select_related("user")
        .filter(country_id=organisation.country_id, user__is_active=True)
        .order_by("user_id")
    ]


def _deliver(proposal: Proposal) -> None:
    """To the recipient's editors; when it has none, to the coordinators of its country (who can put the
    sender in touch), and in any case kept for whoever joins the organisation first (``delivery``)."""
    editors = _editors(proposal.recipient)
    subject = _("Partnership proposal from %(name)s") % {"name": proposal.sender.name}
    if editors:
        _notify(
            users=editors,
            kind=NotificationKind.PROPOSAL_RECEIVED,
            proposal=proposal,
            subject=subject,
            template="matching/email/proposal_received.txt",
        )
        return
    coordinators = _country_coordinators(proposal.recipient)
    if coordinators:
        _notify(
            users=coordinators,
            kind=NotificationKind.PROPOSAL_RECEIVED,
            proposal=proposal,
            subject=subject,
            template="matching/email/proposal_routed.txt",
        )
    proposal.delivery = ProposalDelivery.COORDINATORS if coordinators else ProposalDelivery.HELD
    proposal.save(update_fields=["delivery"])


@transaction.atomic
def proposals_deliver_held(*, organisation: Organisation, user) -> int:
    """``user`` has just joined ``organisation``: the open proposals that found no editor reach them now
    (and count as delivered to the editors). Returns how many."""
    waiting = list(
        Proposal.objects.select_for_update()
        .filter(recipient=organisation, status=ProposalStatus.OPEN)
        .exclude(delivery=ProposalDelivery.EDITORS)
        .select_related("sender", "recipient")
    )
    for proposal in waiting:
        _notify(
            users=[user],
            kind=NotificationKind.PROPOSAL_RECEIVED,
            proposal=proposal,
            subject=_("Partnership proposal from %(name)s") % {"name": proposal.sender.name},
            template="matching/email/proposal_received.txt",
        )
        proposal.delivery = ProposalDelivery.EDITORS
        proposal.save(update_fields=["delivery"])
    return len(waiting)


@transaction.atomic
def proposal_answer(*, user, proposal: Proposal, accept: bool, answer: str = "") -> Proposal:
    """The recipient's editor accepts (a partnership in preparation is created) or declines."""
    if user is None or not user.has_perm("matching.answer_proposal", proposal):
        raise PermissionDenied(
            _("Only the editors of %(name)s can answer this proposal.") % {"name": proposal.recipient.name}
        )
    proposal = Proposal.objects.select_for_update().select_related("sender", "recipient").get(pk=proposal.pk)
    if proposal.status != ProposalStatus.OPEN:
        raise ValidationError(
            _("This proposal was already answered (%(status)s).") % {"status": proposal.get_status_display()}
        )
    answer = (answer or "").strip()
    if len(answer) > MESSAGE_MAX_LENGTH:
        raise ValidationError(
            {"answer": _("The answer is too long (%(count)s characters at most).") % {"count": MESSAGE_MAX_LENGTH}}
        )
    _check_text("answer", answer)
    proposal.answer = answer
    proposal.answered_by = user
    proposal.answered_at = timezone.now()
    if accept:
        both_local = (
            proposal.sender.kind in LOCAL_GOVERNMENT_KINDS and proposal.recipient.kind in LOCAL_GOVERNMENT_KINDS
        )
        proposal.partnership = partnership_create(
            user=user,
            parties=[proposal.recipient, proposal.sender],
            kind=PartnershipKind.TWINNING if both_local else PartnershipKind.AGREEMENT,
            status=PartnershipStatus.PREPARATION,
            # a proposal sent before its text was validated may hold characters the description refuses
            description={settings.LANGUAGE_CODE: clean_text(proposal.message)},
        )
        proposal.status = ProposalStatus.ACCEPTED
        kind, subject = (
            NotificationKind.PROPOSAL_ACCEPTED,
            _("%(name)s accepted your partnership proposal"),
        )
    else:
        proposal.status = ProposalStatus.DECLINED
        kind, subject = (
            NotificationKind.PROPOSAL_DECLINED,
            _("%(name)s declined your partnership proposal"),
        )
    proposal.save()
    _notify(
        users=_editors(proposal.sender),
        kind=kind,
        proposal=proposal,
        subject=subject % {"name": proposal.recipient.name},
        template="matching/email/proposal_answered.txt",
    )
    return proposal


def notifications_mark_read(*, user, notification_ids=None) -> int:
    """Mark the user's notifications (all, or those listed) as read; returns how many changed."""
    queryset = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_ids is not None:
        queryset = queryset.filter(pk__in=notification_ids)
    return queryset.update(read_at=timezone.now())


def listings_reindex_due(*, today=None, days: int = 2) -> int:
    """Bring the atlas up to date with the calendar: reindex the organisations whose offers or
    requests became valid, or stopped being valid, in the last ``days`` days (the "offers" and
    "seeks" facets count listings valid when the organisation was last indexed; a save reindexes
    at once, but a date passing writes nothing). Run daily (``coopdec matching_refresh``); a
    ``days`` above 1 covers a missed run. Returns the number of organisations reindexed."""
    from coopdec.atlas.index import reindex

    today = today or timezone.localdate()
    since = today - timedelta(days=days - 1)
    organisation_ids: set[int] = set()
    for model in (Offer, PartnerRequest):
        organisation_ids.update(
            model.objects.filter(valid_from__range=(since, today)).values_list("organisation_id", flat=True)
        )
        organisation_ids.update(
            model.objects.filter(valid_until__range=(since - timedelta(days=1), today - timedelta(days=1))).values_list(
                "organisation_id", flat=True
            )
        )
    if organisation_ids:
        reindex(organisations=organisation_ids, expand=False)
    return len(organisation_ids)
