"""Remind the local governments of a campaign that have not submitted their declaration (run from cron:
``coopdec aid_declaration remind --campaign ID``).

Each editor and administrator of an organisation that has not started, is in draft or was reopened
gets one e-mail in the organisation's working language (the first of French, English, Spanish and
Portuguese it lists; otherwise the site's language), with a link to the declaration and its
closing date. Sent by the mail task (``coopdec.common.mail``) through Django's mail (printed on the
console when no ``EMAIL_HOST`` is set).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from coopdec.actors.models import EDITING_ROLES, Membership, Organisation
from coopdec.actors.selectors import working_language
from coopdec.common.mail import mail_enqueue

from .models import Campaign, Declaration, DeclarationStatus
from .selectors import declarers


@dataclass(frozen=True)
class Reminder:
    organisation: Organisation
    email: str
    language: str
    subject: str
    body: str


def language_of(organisation: Organisation) -> str:
    return working_language([organisation]) or settings.LANGUAGE_CODE


def _message(campaign: Campaign, organisation: Organisation, declaration: Declaration | None) -> tuple[str, str]:
    site = settings.SITE_URL.rstrip("/")
    link = site + (declaration.get_absolute_url() if declaration else reverse("declarations:home"))
    closes_on = declaration.closes_on if declaration else campaign.closes_on
    values = {
        "organisation": organisation.name,
        "year": campaign.year,
        "country": campaign.country.name,
        "date": date_format(closes_on),
        "link": link,
    }
    subject = _("Aid declaration %(year)s: %(organisation)s has not submitted yet") % values
    body = (
        _(
            "Hello,\n\n%(organisation)s has not yet submitted its declaration of the development assistance it paid "
            "in %(year)s (%(country)s). The campaign closes on %(date)s.\n\nPrepare and submit it here:\n%(link)s\n\n"
            "If no development assistance was paid out of own funds in %(year)s, submit a nil declaration.\n"
        )
        % values
    )
    return subject, body


def reminders(campaign: Campaign) -> list[Reminder]:
    """The e-mails to send: one per editor of every organisation of the campaign that has not submitted."""
    declarations = {
        d.organisation_id: d for d in Declaration.objects.filter(campaign=campaign).select_related("campaign")
    }
    late = [
        organisation
        for organisation in declarers(campaign).order_by("name", "id")
        if getattr(declarations.get(organisation.pk), "status", None) != DeclarationStatus.SUBMITTED
    ]
    emails: dict[int, list[str]] = {}
    for organisation_id, email in (
        Membership.objects.filter(
            organisation__in=[o.pk for o in late],
            role__in=EDITING_ROLES,
            user__is_active=True,
        )
        .exclude(user__email="")
        .order_by("user__email")
        .values_list("organisation_id", "user__email")
    ):
        emails.setdefault(organisation_id, []).append(email)
    result: list[Reminder] = []
    for organisation in late:
        language = language_of(organisation)
        with translation.override(language):
            subject, body = _message(campaign, organisation, declarations.get(organisation.pk))
        result.extend(
            Reminder(organisation, email, language, subject, body) for email in emails.get(organisation.pk, [])
        )
    return result


def send_reminders(campaign: Campaign, *, dry_run: bool = False) -> list[Reminder]:
    """Queue the reminders for the mail task (unless ``dry_run``) and return them."""
    items = reminders(campaign)
    if not dry_run:
        for item in items:
            mail_enqueue(subject=item.subject, body=item.body, recipients=[item.email])
    return items
