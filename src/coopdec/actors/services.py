"""Writes about organisations, their contacts, members, invitations and access requests.

Every function is keyword-only, runs in a transaction, validates before writing (a
``ValidationError`` with a message a person can act on, nothing written) and records who made
the change in the django-simple-history tables (``history_user``), each change of a record in
``versions.versioned_change``. Access checks are the caller's job (``rules.py``); the services
check only what makes data invalid. Freshness, publication and restore of any record:
``coopdec.common.services``.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from coopdec.common.i18n import clean_i18n
from coopdec.common.mail import mail_enqueue
from coopdec.common.models import PublicationStatus
from coopdec.common.text import fold
from coopdec.common.validators import clean_line
from coopdec.common.versions import check_version, save_with_history, versioned_change
from coopdec.territories.models import Country, Locality

from .models import (
    LOCAL_GOVERNMENT_KINDS,
    OPEN_ACCESS_REQUEST_STATUSES,
    AccessRequest,
    AccessRequestStatus,
    Contact,
    Invitation,
    Membership,
    MembershipRole,
    Organisation,
)
from .selectors import access_request_answerers, forget_roles

INVITATION_VALIDITY = timedelta(days=14)
INVITATION_SALT = "coopdec.actors.invitation"

ORGANISATION_FIELDS = {
    "name",
    "acronym",
    "kind",
    "description",
    "locality",
    "subdivision",
    "country",
    "latitude",
    "longitude",
    "population",
    "iati_identifier",
    "website",
    "languages",
    "logo",
    "publication_status",
    "is_demo",
    "source",
    "source_ref",
    "resolution_confidence",
    "resolution_reason",
}


def _apply_place(organisation: Organisation) -> None:
    """A local government takes its country, coordinates and population from its canonical place."""
    if organisation.kind not in LOCAL_GOVERNMENT_KINDS:
        return
    locality = organisation.locality  # None without a query when there is no locality
    if locality is not None:
        organisation.country_id = locality.country_id
        organisation.latitude = locality.latitude
        organisation.longitude = locality.longitude
        organisation.population = locality.population or None
    elif organisation.subdivision is not None:
        organisation.country_id = organisation.subdivision.country_id


def _validate_organisation(organisation: Organisation, *, place_changed: bool = True) -> None:
    errors = {}
    if not organisation.name.strip():
        errors["name"] = _("Give the organisation's name.")
    if organisation.kind in LOCAL_GOVERNMENT_KINDS and not (organisation.locality_id or organisation.subdivision_id):
        errors["locality"] = _(
            "A local government is tied to its place: choose its locality (municipality) or its subdivision "
            "(region, department)."
        )
    # Checked when a record takes a place (or another kind): records that share one already (before
    # this rule, or by a merge still to do) can still be edited.
    if place_changed and organisation.kind in LOCAL_GOVERNMENT_KINDS and "locality" not in errors:
        _refuse_second_identity(organisation, errors)
    if not organisation.country_id:
        errors["country"] = _("Choose the country of the organisation.")
    elif not Country.objects.filter(code=organisation.country_id).exists():
        errors["country"] = _("Unknown country code “%(code)s”.") % {"code": organisation.country_id}
    if (organisation.latitude is None) != (organisation.longitude is None):
        errors["latitude"] = _("Give both latitude and longitude, or neither.")
    if organisation.iati_identifier:
        clash = Organisation.objects.filter(iati_identifier=organisation.iati_identifier).exclude(pk=organisation.pk)
        if clash.exists():
            errors["iati_identifier"] = _("Another organisation already has the IATI identifier %(identifier)s.") % {
                "identifier": organisation.iati_identifier
            }
    if errors:
        raise ValidationError(errors)
    organisation.full_clean(exclude=["name_folded", "created_by"], validate_unique=False, validate_constraints=False)


def local_government_at(*, kind: str, locality_id=None, subdivision_id=None, excluding=None) -> Organisation | None:
    """The register's local government of this kind for this place (a locality, or a subdivision alone)."""
    if locality_id:
        holders = Organisation.objects.filter(kind=kind, locality_id=locality_id)
    elif subdivision_id:
        holders = Organisation.objects.filter(kind=kind, subdivision_id=subdivision_id, locality__isnull=True)
    else:
        return None
    if excluding is not None:
        holders = holders.exclude(pk=excluding)
    return holders.order_by("pk").first()


def _refuse_second_identity(organisation: Organisation, errors: dict) -> None:
    """One record per local government: a place holds one municipality, one region... (imports find it)."""
    holder = local_government_at(
        kind=organisation.kind,
        locality_id=organisation.locality_id,
        subdivision_id=organisation.subdivision_id,
        excluding=organisation.pk,
    )
    if holder is None:
        return
    field = "locality" if organisation.locality_id else "subdivision"
    if holder.publication_status == PublicationStatus.PUBLISHED:
        errors[field] = _(
            "This place already has its record in coopdec: “%(name)s” (%(kind)s). A local government is "
            "registered once: ask its administrators, or a coordinator, to invite you to it."
        ) % {"name": holder.name, "kind": holder.get_kind_display()}
    else:  # a draft is not shown to everyone: say there is one, not whose
        errors[field] = _(
            "This place already has its record in coopdec, not yet published. A local government is "
            "registered once: ask a coordinator to invite you to it."
        )


def _set_fields(organisation: Organisation, fields: dict) -> None:
    unknown = set(fields) - ORGANISATION_FIELDS
    if unknown:
        raise TypeError(f"unknown organisation fields: {sorted(unknown)}")
    for name, value in fields.items():
        if name == "description":
            value = clean_i18n(value)
        elif name == "languages":
            value = sorted({code.strip().lower() for code in (value or []) if code and code.strip()})
        elif name in {"name", "acronym", "iati_identifier"}:
            value = (value or "").strip()
        elif name == "country" and isinstance(value, str):
            name, value = "country_id", value.upper()
        elif name == "locality" and isinstance(value, int):
            name, value = "locality_id", value
        elif name == "subdivision" and isinstance(value, str):
            name, value = "subdivision_id", value
        setattr(organisation, name, value)


@transaction.atomic
def organisation_create(
    *, user=None, name: str, kind: str, make_admin: bool = True, proposed: bool = False, **fields
) -> Organisation:
    """Create an organisation; its creator becomes its first administrator (not of a ``proposed`` one)."""
    author = user if user is not None and user.is_authenticated else None
    organisation = Organisation(kind=kind, created_by=author)
    if proposed:
        organisation.proposed_by, organisation.proposed_at, make_admin = author, timezone.now(), False
    _set_fields(organisation, {"name": name, **fields})
    _apply_place(organisation)
    _validate_organisation(organisation)
    with versioned_change(organisation, user=user) as change:
        change.save()
    if make_admin and user is not None and user.is_authenticated:
        Membership.objects.create(user=user, organisation=organisation, role=MembershipRole.ADMIN)
        forget_roles(user)
    return organisation


@transaction.atomic
def organisation_propose(*, user, name: str, kind: str, country=None, locality=None) -> Organisation:
    """A partner not yet registered, proposed by ``user`` (from a partnership form): a draft marked as
    proposed, administered by nobody (the proposer gets no membership), for the coordinators to review
    and for its own people to claim (an access request). Refused when the register already holds it."""
    if not (name or "").strip():
        raise ValidationError({"name": _("Give the name of the partner to propose.")})
    fields: dict = {"locality": locality} if locality is not None else {}
    if country is not None:
        fields["country"] = country
    same = Organisation.objects.filter(name_folded=fold(name.strip()), kind=kind)
    if country is not None or locality is not None:
        same = same.filter(country_id=locality.country_id if locality is not None else getattr(country, "pk", country))
    if same.exists():
        raise ValidationError(
            {
                "name": _("%(name)s is already registered: type its name in the partner search and choose it.")
                % {"name": name.strip()}
            }
        )
    return organisation_create(user=user, name=name, kind=kind, proposed=True, **fields)


@transaction.atomic
def organisation_update(*, organisation: Organisation, user=None, version: str | None = None, **fields) -> Organisation:
    """``version``: the organisation's version the caller read (``check_version``)."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    check_version(organisation, version, fields=fields)
    identity = (organisation.kind, organisation.locality_id, organisation.subdivision_id)
    _set_fields(organisation, fields)
    _apply_place(organisation)
    _validate_organisation(
        organisation,
        place_changed=identity != (organisation.kind, organisation.locality_id, organisation.subdivision_id),
    )
    with versioned_change(organisation, user=user) as change:
        change.save()
    return organisation


@transaction.atomic
def organisation_delete(*, organisation: Organisation, user=None) -> None:
    """Delete an organisation; refused while it leads projects or contributes to budgets."""
    if organisation.led_projects.exists() or organisation.contributions.exists():
        raise ValidationError(
            _(
                "This organisation leads projects or contributes to project budgets: delete those projects or "
                "contributions first, or keep the organisation and mark it as a draft."
            )
        )
    _check_no_partnership_left_alone(organisation)
    if user is not None and user.is_authenticated:
        organisation._history_user = user
    organisation.delete()


def _check_no_partnership_left_alone(organisation: Organisation) -> None:
    """A partnership keeps at least two parties: deleting one of only two would leave it with one."""
    # The party links are reached through the relation: actors does not import cooperation's models.
    pairs = (
        organisation.party_links.annotate(parties=Count("partnership__party_links"))
        .filter(parties__lte=2)
        .values_list("partnership_id", flat=True)
        .order_by("partnership_id")
    )
    ids = list(pairs[:6])
    if ids:
        raise ValidationError(
            _(
                "This organisation is one of the two parties of %(count)s partnership(s) (#%(ids)s): a partnership "
                "keeps "
                "at least two parties. Add another partner to them or delete them first, or merge this organisation "
                "into the right record."
            )
            % {"count": pairs.count(), "ids": ", #".join(str(pk) for pk in ids[:5])}
        )


# Contacts


@transaction.atomic
def contact_create(
    *, organisation: Organisation, user=None, name: str, kind: str, function: str = "", email: str = "", phone: str = ""
) -> Contact:
    """A contact is part of the organisation's record: the organisation gets a version that keeps it."""
    contact = Contact(
        organisation=organisation,
        name=name.strip(),
        kind=kind,
        function=function.strip(),
        email=email.strip(),
        phone=phone.strip(),
    )
    contact.full_clean()
    with versioned_change(organisation, user=user, reason="contact added"):
        save_with_history(contact, user=user)
    return contact


@transaction.atomic
def contact_delete(*, contact: Contact, user=None) -> None:
    with versioned_change(contact.organisation, user=user, reason="contact removed"):
        if user is not None and user.is_authenticated:
            contact._history_user = user
        contact.delete()


# Members and invitations


def _admins_left(organisation: Organisation, *, excluding: Membership) -> int:
    return organisation.memberships.filter(role=MembershipRole.ADMIN).exclude(pk=excluding.pk).count()


@transaction.atomic
def membership_set_role(*, membership: Membership, role: str, user=None) -> Membership:
    if role not in MembershipRole.values:
        raise ValidationError({"role": _("Unknown role.")})
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.role == MembershipRole.ADMIN and role != MembershipRole.ADMIN:
        if not _admins_left(membership.organisation, excluding=membership):
            raise ValidationError(_("An organisation keeps at least one administrator: name another one first."))
    membership.role = role
    membership.save(update_fields=["role"])
    forget_roles(membership.user)
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, user=None) -> None:
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.role == MembershipRole.ADMIN and not _admins_left(membership.organisation, excluding=membership):
        raise ValidationError(_("An organisation keeps at least one administrator: name another one first."))
    membership.delete()
    forget_roles(membership.user)


def invitation_link(invitation: Invitation) -> str:
    signed = signing.TimestampSigner(salt=INVITATION_SALT).sign(invitation.token)
    return settings.SITE_URL.rstrip("/") + reverse("actors:invitation_accept", args=[signed])


def invitation_from_signed(value: str, *, now=None) -> Invitation:
    """The pending invitation behind a link; ``ValidationError`` if tampered with, expired or used."""
    try:
        token = signing.TimestampSigner(salt=INVITATION_SALT).unsign(value, max_age=INVITATION_VALIDITY)
    except signing.SignatureExpired:
        raise ValidationError(_("This invitation has expired. Ask the organisation for a new one.")) from None
    except signing.BadSignature:
        raise ValidationError(_("This invitation link is not valid. Check that you copied it whole.")) from None
    invitation = Invitation.objects.select_related("organisation").filter(token=token).first()
    if invitation is None:
        raise ValidationError(_("This invitation was withdrawn. Ask the organisation for a new one."))
    if invitation.accepted_at:
        raise ValidationError(_("This invitation has already been used."))
    if invitation.expires_at <= (now or timezone.now()):
        raise ValidationError(_("This invitation has expired. Ask the organisation for a new one."))
    return invitation


@transaction.atomic
def invitation_create(
    *, organisation: Organisation, email: str, role: str = MembershipRole.EDITOR, invited_by=None, send: bool = True
) -> Invitation:
    email = (email or "").strip()
    if role not in MembershipRole.values:
        raise ValidationError({"role": _("Unknown role.")})
    invitation = Invitation(
        organisation=organisation,
        email=email,
        role=role,
        token=secrets.token_urlsafe(32),
        invited_by=invited_by if invited_by is not None and invited_by.is_authenticated else None,
        expires_at=timezone.now() + INVITATION_VALIDITY,
    )
    invitation.full_clean(exclude=["token", "invited_by", "accepted_by"])
    if organisation.memberships.filter(user__email__iexact=email).exists():
        raise ValidationError({"email": _("%(email)s is already a member of this organisation.") % {"email": email}})
    invitation.save()
    if send:
        # The subject names the organisation on one line, whatever its name holds.
        context = {"invitation": invitation, "link": invitation_link(invitation), "days": INVITATION_VALIDITY.days}
        mail_enqueue(  # sent by a background task once the invitation is committed
            subject=_("Invitation to keep %(organisation)s's cooperation up to date")
            % {"organisation": clean_line(organisation.name, 100)},
            body=render_to_string("actors/invitation_email.txt", context),
            recipients=[email],
        )
    return invitation


def invitation_is_for(invitation: Invitation, user) -> bool:
    """Whether ``user``'s e-mail address is the invited one (case-insensitive, spaces ignored)."""
    email = (getattr(user, "email", "") or "").strip()
    return bool(email) and email.casefold() == invitation.email.strip().casefold()


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user) -> Membership:
    """``user`` joins the organisation; an invitation is for one address, compared case-insensitively."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at:
        raise ValidationError(_("This invitation has already been used."))
    if invitation.expires_at <= timezone.now():
        raise ValidationError(_("This invitation has expired. Ask the organisation for a new one."))
    if not invitation_is_for(invitation, user):
        raise ValidationError(
            _(
                "This invitation was sent to %(email)s, not to the address of the account you are signed in with. "
                "Sign out, then sign in (or create an account) with %(email)s."
            )
            % {"email": invitation.email}
        )
    membership, created = Membership.objects.get_or_create(
        user=user, organisation=invitation.organisation, defaults={"role": invitation.role}
    )
    if not created and invitation.role == MembershipRole.ADMIN and membership.role != MembershipRole.ADMIN:
        membership.role = MembershipRole.ADMIN
        membership.save(update_fields=["role"])
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    forget_roles(user)
    return membership


@transaction.atomic
def invitation_withdraw(*, invitation: Invitation) -> None:
    invitation.delete()


def place_fields_from_locality(locality: Locality) -> dict:
    """The fields a local government takes from its locality (for previews and imports)."""
    return {
        "country_id": locality.country_id,
        "latitude": locality.latitude,
        "longitude": locality.longitude,
        "population": locality.population or None,
    }


# Access requests: a person asks to become an editor of their organisation


ACCESS_REQUEST_SALT = "coopdec.actors.access_request"
ACCESS_REQUEST_CONFIRM_VALIDITY = timedelta(days=3)
ACCESS_REQUESTS_PER_EMAIL = 3  # a day, whatever the organisation
ACCESS_REQUESTS_PER_CLIENT = 10  # an hour, from one network address


def _site_link(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _mail(*, subject: str, template: str, context: dict, recipients: list[str]) -> None:
    """Queue the mail (``mail_enqueue``): sent once the transaction is committed, nothing about a rolled-back write."""
    recipients = [address for address in recipients if address]
    if recipients:
        mail_enqueue(subject=subject, body=render_to_string(template, context), recipients=recipients)


def access_request_confirm_link(access_request: AccessRequest) -> str:
    signed = signing.TimestampSigner(salt=ACCESS_REQUEST_SALT).sign(str(access_request.pk))
    return _site_link(reverse("actors:access_request_confirm", args=[signed]))


def access_request_from_signed(value: str) -> AccessRequest:
    """The unconfirmed request behind a confirmation link; ``ValidationError`` if tampered with, expired or used."""
    try:
        pk = signing.TimestampSigner(salt=ACCESS_REQUEST_SALT).unsign(value, max_age=ACCESS_REQUEST_CONFIRM_VALIDITY)
    except signing.SignatureExpired:
        raise ValidationError(_("This confirmation link has expired. Send your request again.")) from None
    except signing.BadSignature:
        raise ValidationError(_("This confirmation link is not valid. Check that you copied it whole.")) from None
    access_request = AccessRequest.objects.select_related("organisation", "organisation__country").filter(pk=pk).first()
    if access_request is None:
        raise ValidationError(_("This request no longer exists. Send your request again."))
    if access_request.status != AccessRequestStatus.UNCONFIRMED:
        raise ValidationError(
            _("This address was already confirmed: your request is in the hands of those who answer it.")
        )
    return access_request


def _check_access_request(*, organisation: Organisation, email: str, client_address: str | None, now) -> None:
    existing = AccessRequest.objects.filter(
        organisation=organisation, email__iexact=email, status__in=OPEN_ACCESS_REQUEST_STATUSES
    ).first()
    if existing is not None:
        if existing.status == AccessRequestStatus.UNCONFIRMED:
            raise ValidationError(
                {
                    "email": _(
                        "A request from %(email)s to join %(organisation)s is already waiting for its address to be "
                        "confirmed: "
                        "open the link we sent to %(email)s on %(date)s (look in the spam folder too)."
                    )
                    % {
                        "email": email,
                        "organisation": organisation.name,
                        "date": existing.created_at.date().isoformat(),
                    }
                }
            )
        raise ValidationError(
            {
                "email": _(
                    "A request from %(email)s to join %(organisation)s is already awaiting an answer (sent on "
                    "%(date)s): "
                    "you will receive the answer by e-mail."
                )
                % {"email": email, "organisation": organisation.name, "date": existing.created_at.date().isoformat()}
            }
        )
    if organisation.memberships.filter(user__email__iexact=email).exists():
        raise ValidationError(
            {
                "email": _(
                    "%(email)s is already a member of %(organisation)s: sign in with it (or reset its password)."
                )
                % {"email": email, "organisation": organisation.name}
            }
        )
    recent = AccessRequest.objects.filter(created_at__gte=now - timedelta(days=1))
    if recent.filter(email__iexact=email).count() >= ACCESS_REQUESTS_PER_EMAIL:
        raise ValidationError(
            _(
                "%(count)s requests were sent from %(email)s in the last 24 hours: wait for their answers, or try "
                "again "
                "tomorrow."
            )
            % {"count": ACCESS_REQUESTS_PER_EMAIL, "email": email}
        )
    if (
        client_address
        and recent.filter(client_address=client_address, created_at__gte=now - timedelta(hours=1)).count()
        >= ACCESS_REQUESTS_PER_CLIENT
    ):
        raise ValidationError(_("Too many requests were sent from your network in the last hour: try again later."))


@transaction.atomic
def access_request_create(
    *,
    organisation: Organisation,
    name: str,
    email: str,
    function: str,
    user=None,
    client_address: str | None = None,
    send: bool = True,
) -> AccessRequest:
    """Record the request and mail a confirmation link to ``email``: nothing is granted before it is
    confirmed and then approved."""
    name, function, email = (name or "").strip(), (function or "").strip(), (email or "").strip()
    errors = {}
    if not name:
        errors["name"] = _("Give your name.")
    if not function:
        errors["function"] = _(
            "Give your role or function at the organisation (for example: head of international relations)."
        )
    if errors:
        raise ValidationError(errors)
    access_request = AccessRequest(
        organisation=organisation,
        name=name,
        email=email,
        function=function,
        client_address=client_address or None,
        user=user if user is not None and user.is_authenticated else None,
    )
    access_request.full_clean(exclude=["user", "answered_by", "organisation"], validate_constraints=False)
    _check_access_request(organisation=organisation, email=email, client_address=client_address, now=timezone.now())
    with versioned_change(access_request, user=user) as change:
        change.save()
    if send:
        _mail(
            subject=_("Confirm your request to join %(organisation)s") % {"organisation": organisation.name},
            template="actors/access_request_confirm_email.txt",
            context={
                "access_request": access_request,
                "link": access_request_confirm_link(access_request),
                "days": ACCESS_REQUEST_CONFIRM_VALIDITY.days,
            },
            recipients=[email],
        )
    return access_request


@transaction.atomic
def access_request_confirm(*, access_request: AccessRequest) -> AccessRequest:
    """The address is the requester's: the request goes to those who answer it (mailed)."""
    access_request = AccessRequest.objects.select_for_update().get(pk=access_request.pk)
    if access_request.status != AccessRequestStatus.UNCONFIRMED:
        raise ValidationError(
            _("This address was already confirmed: your request is in the hands of those who answer it.")
        )
    access_request.status = AccessRequestStatus.PENDING
    access_request.confirmed_at = timezone.now()
    with versioned_change(access_request, user=None, reason="address confirmed") as change:
        change.save()
    _who, answerers = access_request_answerers(access_request.organisation)
    _mail(
        subject=_("%(name)s asks to edit the records of %(organisation)s")
        % {"name": access_request.name, "organisation": access_request.organisation.name},
        template="actors/access_request_received_email.txt",
        context={
            "access_request": access_request,
            "link": _site_link(reverse("actors:access_request_answer", args=[access_request.pk])),
        },
        recipients=[user.email for user in answerers],
    )
    return access_request


def _locked_pending(access_request: AccessRequest) -> AccessRequest:
    access_request = AccessRequest.objects.select_for_update().select_related("organisation").get(pk=access_request.pk)
    if access_request.status != AccessRequestStatus.PENDING:
        raise ValidationError(
            _("This request is no longer awaiting an answer (%(status)s).")
            % {"status": access_request.get_status_display()}
        )
    return access_request


def _account_for(access_request: AccessRequest):
    """The account that joins: the one that asked, else the one with the address, else a new one."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    if access_request.user is not None and access_request.user.is_active:
        return access_request.user, False
    existing = users.filter(email__iexact=access_request.email, is_active=True).order_by("pk").first()
    if existing is not None:
        return existing, False
    username = access_request.email.lower()[:150]
    if users.filter(username__iexact=username).exists():
        username = f"{username[:140]}-{access_request.pk}"
    first, _space, last = access_request.name.partition(" ")
    account = users.create(username=username, email=access_request.email, first_name=first[:150], last_name=last[:150])
    account.set_unusable_password()
    account.save(update_fields=["password"])
    return account, True


def password_set_link(user) -> str:
    """A link to choose a password (Django's password-reset token: used once, invalid after a sign-in)."""
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    return _site_link(
        reverse(
            "password_reset_confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
    )


@transaction.atomic
def access_request_approve(*, access_request: AccessRequest, user) -> Membership:
    """The requester becomes an editor (an account is created if needed) and is mailed how to sign in."""
    access_request = _locked_pending(access_request)
    account, created = _account_for(access_request)
    membership, _new = Membership.objects.get_or_create(
        user=account, organisation=access_request.organisation, defaults={"role": MembershipRole.EDITOR}
    )
    forget_roles(account)
    access_request.status = AccessRequestStatus.APPROVED
    access_request.answered_at = timezone.now()
    access_request.answered_by = user
    access_request.user = account
    with versioned_change(access_request, user=user, reason="approved") as change:
        change.save()
    link = password_set_link(account) if created or not account.has_usable_password() else _site_link(reverse("login"))
    _mail(
        subject=_("You can now edit the records of %(organisation)s")
        % {"organisation": access_request.organisation.name},
        template="actors/access_request_approved_email.txt",
        context={
            "access_request": access_request,
            "account": account,
            "link": link,
            "set_password": created or not account.has_usable_password(),
        },
        recipients=[access_request.email],
    )
    return membership


@transaction.atomic
def access_request_refuse(*, access_request: AccessRequest, user, reason: str) -> AccessRequest:
    """Refused with a reason, mailed to the requester; nothing is granted."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the request is refused: the requester receives it.")})
    access_request = _locked_pending(access_request)
    access_request.status = AccessRequestStatus.REFUSED
    access_request.answered_at = timezone.now()
    access_request.answered_by = user
    access_request.reason = reason
    with versioned_change(access_request, user=user, reason="refused") as change:
        change.save()
    _mail(
        subject=_("Your request to join %(organisation)s was refused")
        % {"organisation": access_request.organisation.name},
        template="actors/access_request_refused_email.txt",
        context={"access_request": access_request},
        recipients=[access_request.email],
    )
    return access_request


def user_reminders_set(*, user, results_reminders: bool) -> None:
    """Turn a person's e-mail reminders of results monitoring on or off (``cooperation/reminders.py``)."""
    if user.results_reminders != bool(results_reminders):
        user.results_reminders = bool(results_reminders)
        user.save(update_fields=["results_reminders"])
