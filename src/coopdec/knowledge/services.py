"""Writes of good practices and knowledge pages: every rule on data lives here (web forms and the
API come through these functions), each under a transaction, each change recorded in the history.

Practices:

- ``practice_create`` / ``practice_update``: a draft written by editors of its author organisations
  (one at least; a coordinator may write for anyone). Its projects must involve one of the authors
  (lead, party or participant); its contact must be a contact of one of the authors, or a member;
  codes are checked against the reference data; a summary is at most ``SUMMARY_WORDS`` words.
- ``practice_submit`` (authors ask for a review: the coordinators of the authors' countries, or the
  platform's, get a mail), ``practice_publish`` and ``practice_return`` (a coordinator publishes it or
  sends it back with a note: the author who asked gets a mail), ``practice_unpublish``,
  ``practice_confirm`` ("still accurate"), ``practice_restore`` (a version of the history),
  ``practice_delete``.
- ``practice_document_add`` / ``practice_document_remove``: files checked like the projects'.

Pages: ``page_update`` and ``page_restore``.

After each change of a practice the atlas document is rebuilt (``coopdec.atlas.index.reindex``):
drafts have none.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from coopdec.actors.models import EDITING_ROLES, Contact, Membership, Organisation, User
from coopdec.actors.selectors import coordinated_country_codes, is_coordinator, roles_of
from coopdec.atlas import index as atlas_index
from coopdec.common.i18n import clean_i18n, localize
from coopdec.common.mail import mail_enqueue
from coopdec.common.models import PublicationStatus
from coopdec.cooperation.models import PartnershipParty, Project, ProjectParticipant
from coopdec.cooperation.services import validate_sdgs, validate_upload
from coopdec.territories.models import Country
from coopdec.vocabularies.models import Axis
from coopdec.vocabularies.selectors import code_exists

from .models import SECTIONS, SUMMARY_WORDS, Page, Practice, PracticeDocument

PRACTICE_TYPE = "practice"  # its record type in the atlas
TEXT_FIELDS = ("title", "summary", *(name for name, _label in SECTIONS))
MAX_PROJECTS = 50
MAX_AUTHORS = 20
MAX_CODES = 60  # axes, sectors, SDGs or countries of one practice
_WORD = re.compile(r"\w+")


def _user_or_none(user):
    return user if user is not None and user.is_authenticated else None


def _save(record, *, user, reason: str) -> None:
    record._history_user = _user_or_none(user)
    record._change_reason = reason
    record.full_clean()
    record.save()


def _latest_version_id(record) -> int:
    return record.history.order_by("-history_id").values_list("history_id", flat=True).first() or 0


def _one_version(record, since: int, *, created: bool = False) -> None:
    """Keep one version for one change: simple-history writes a version for the record's save and
    one for each relation changed (its ``m2m_changed`` handler); the last holds them all, the ones
    written before it in this change go."""
    versions = record.history.filter(history_id__gt=since).order_by("-history_id")
    last = versions.first()
    if last is None:
        return
    versions.exclude(history_id=last.history_id).delete()
    if created and last.history_type != "+":
        record.history.filter(history_id=last.history_id).update(history_type="+")


def reindex(practice_ids: Iterable[int]) -> None:
    """Rebuild the atlas documents of these practices (after the transaction commits)."""
    ids = list(practice_ids)
    transaction.on_commit(lambda: atlas_index.reindex(others={PRACTICE_TYPE: ids}, expand=False))


# -- checks -------------------------------------------------------------------------------------


def edits_one_of(user, organisation_ids: Iterable[int]) -> bool:
    roles = roles_of(user)
    return any(roles.get(pk) in EDITING_ROLES for pk in organisation_ids)


def _check_summary(summary: dict) -> None:
    if not summary:
        raise ValidationError({"summary": _("Write the summary in at least one language.")})
    for language, text in summary.items():
        words = len(_WORD.findall(text))
        if words > SUMMARY_WORDS:
            raise ValidationError(
                {
                    "summary": _(
                        "The summary in “%(language)s” has %(words)s words; keep it to about 250 (at most "
                        "%(max)s) and put the details in the sections below."
                    )
                    % {"language": language, "words": words, "max": SUMMARY_WORDS}
                }
            )


def validate_codes(*, axes=(), sectors=(), sdgs=(), countries=()) -> dict[str, list[str]]:
    """The codes cleaned (stripped, duplicates dropped, in the given order); unknown ones refused."""
    errors: dict[str, list[str]] = {}
    for name, values in (("axes", axes), ("sectors", sectors), ("sdgs", sdgs), ("countries", countries)):
        if len(values or ()) > MAX_CODES:
            errors[name] = [_("At most %(max)s values.") % {"max": MAX_CODES}]
    if errors:
        raise ValidationError(errors)
    axes = list(dict.fromkeys(str(a).strip() for a in axes or () if str(a).strip()))
    known_axes = set(Axis.objects.filter(code__in=axes).values_list("code", flat=True))
    for code in axes:
        if code not in known_axes:
            errors.setdefault("axes", []).append(_("“%(code)s” is not a cooperation axis.") % {"code": code[:40]})
    sectors = list(dict.fromkeys(str(s).strip() for s in sectors or () if str(s).strip()))
    for code in sectors:
        if not (len(code) == 5 and code_exists("Sector", code)):
            errors.setdefault("sectors", []).append(
                _("“%(code)s” is not a DAC 5-digit sector code; pick one from the list.") % {"code": code[:40]}
            )
    countries = list(dict.fromkeys(str(c).strip().upper() for c in countries or () if str(c).strip()))
    known_countries = set(Country.objects.filter(code__in=countries).values_list("code", flat=True))
    for code in countries:
        if code not in known_countries:
            errors.setdefault("countries", []).append(
                _("“%(code)s” is not a country code (ISO 3166, for example FR or SN).") % {"code": code[:40]}
            )
    try:
        goals = validate_sdgs(sdgs)
    except ValidationError as error:
        errors.update({key: list(value) for key, value in error.message_dict.items()})
        goals = []
    if errors:
        raise ValidationError(errors)
    goals = list(dict.fromkeys(goal.split(".")[0] for goal in goals))
    return {"axes": axes, "sectors": sectors, "sdgs": goals, "countries": countries}


def _authors(organisations, user, current: Iterable[Organisation] = ()) -> list[Organisation]:
    """The authors, checked: whoever changes them must edit one of them (unchanged authors pass, so
    that a reviewer corrects the text of a practice of their country)."""
    organisations = list(dict.fromkeys(organisations or ()))
    unchanged = {o.pk for o in organisations} == {o.pk for o in current}
    if not organisations:
        raise ValidationError({"organisations": _("Name at least one organisation that wrote this practice.")})
    if len(organisations) > MAX_AUTHORS:
        raise ValidationError({"organisations": _("At most %(max)s authors.") % {"max": MAX_AUTHORS}})
    if (
        user is not None
        and not unchanged
        and not is_coordinator(user)
        and not edits_one_of(user, [o.pk for o in organisations])
    ):
        raise ValidationError(
            {
                "organisations": _(
                    "You can only write a practice for an organisation you edit: make it one of the authors."
                )
            }
        )
    return organisations


def projects_of(organisations: Iterable[Organisation]):
    """The projects an author took part in: as lead, as a party of the partnership, or as a participant."""
    ids = [o.pk for o in organisations]
    partnerships = PartnershipParty.objects.filter(organisation_id__in=ids).values("partnership_id")
    participated = ProjectParticipant.objects.filter(organisation_id__in=ids).values("project_id")
    return Project.objects.filter(
        Q(lead_organisation_id__in=ids) | Q(partnership_id__in=partnerships) | Q(id__in=participated)
    )


def _projects(projects, authors: list[Organisation]) -> list[Project]:
    projects = list(dict.fromkeys(projects or ()))
    if len(projects) > MAX_PROJECTS:
        raise ValidationError({"projects": _("At most %(max)s projects.") % {"max": MAX_PROJECTS}})
    allowed = set(projects_of(authors).filter(pk__in=[p.pk for p in projects]).values_list("pk", flat=True))
    outside = [p for p in projects if p.pk not in allowed]
    if outside:
        raise ValidationError(
            {
                "projects": _("“%(project)s” involves none of the authors; link only projects they took part in.")
                % {"project": localize(outside[0].title)[:100]}
            }
        )
    return projects


def _contact(contact, contact_user, authors: list[Organisation]) -> None:
    author_ids = {o.pk for o in authors}
    if contact is not None and contact.organisation_id not in author_ids:
        raise ValidationError({"contact": _("The contact must be a contact of one of the authors.")})
    if (
        contact_user is not None
        and not Membership.objects.filter(user=contact_user, organisation_id__in=author_ids).exists()
    ):
        raise ValidationError({"contact_user": _("The contact person must be a member of one of the authors.")})


def _apply(practice: Practice, fields: dict[str, Any]) -> None:
    for name in TEXT_FIELDS:
        if name in fields:
            setattr(practice, name, clean_i18n(fields[name]))
    for name in ("is_demo", "source", "source_ref"):
        if name in fields:
            setattr(practice, name, fields[name])


# -- practices ----------------------------------------------------------------------------------


@transaction.atomic
def practice_create(
    *,
    user,
    organisations,
    title,
    summary,
    projects=(),
    axes=(),
    sectors=(),
    sdgs=(),
    countries=(),
    contact: Contact | None = None,
    contact_user: User | None = None,
    **fields,
) -> Practice:
    """A draft practice. ``fields``: the sections (``situation``... ``transferability``), ``is_demo``,
    ``source``, ``source_ref``."""
    authors = _authors(organisations, user)
    linked = _projects(projects, authors)
    _contact(contact, contact_user, authors)
    codes = validate_codes(axes=axes, sectors=sectors, sdgs=sdgs, countries=countries)
    practice = Practice(created_by=_user_or_none(user), contact=contact, contact_user=contact_user, **codes)
    _apply(practice, {"title": title, "summary": summary, **fields})
    _check_summary(practice.summary)
    if not practice.countries:
        practice.countries = sorted({o.country_id for o in authors})
    _save(practice, user=user, reason="created")
    practice.organisations.set(authors)
    practice.projects.set(linked)
    _one_version(practice, 0, created=True)
    return practice


@transaction.atomic
def practice_update(
    *,
    practice: Practice,
    user,
    organisations=None,
    projects=None,
    axes=None,
    sectors=None,
    sdgs=None,
    countries=None,
    **fields,
) -> Practice:
    """Change what is given (``None``: unchanged). ``contact`` and ``contact_user`` may be given as
    None to remove them."""
    practice = Practice.objects.select_for_update().get(pk=practice.pk)
    current = list(practice.organisations.all())
    authors = _authors(organisations, user, current) if organisations is not None else current
    linked = _projects(projects if projects is not None else practice.projects.all(), authors)
    contact = fields.pop("contact", practice.contact)
    contact_user = fields.pop("contact_user", practice.contact_user)
    _contact(contact, contact_user, authors)
    given = {"axes": axes, "sectors": sectors, "sdgs": sdgs, "countries": countries}
    codes = validate_codes(
        **{name: value if value is not None else getattr(practice, name) for name, value in given.items()}
    )
    for name, value in codes.items():
        setattr(practice, name, value)
    practice.contact, practice.contact_user = contact, contact_user
    _apply(practice, fields)
    _check_summary(practice.summary)
    # The relations first, then one version that holds them.
    since = _latest_version_id(practice)
    practice.organisations.set(authors)
    practice.projects.set(linked)
    _save(practice, user=user, reason="changed")
    _one_version(practice, since)
    reindex([practice.pk])
    return practice


def _reviewers(practice: Practice) -> list[str]:
    """Addresses of the coordinators of the authors' countries, else of the platform's coordinators."""
    countries = set(practice.organisations.values_list("country_id", flat=True))
    users = User.objects.filter(is_active=True).exclude(email="")
    country_coordinators = users.filter(coordinated_countries__country_id__in=countries).distinct()
    addresses = list(country_coordinators.values_list("email", flat=True))
    if not addresses:
        addresses = list(users.filter(Q(is_coordinator=True) | Q(is_superuser=True)).values_list("email", flat=True))
    return sorted(set(addresses))


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


@transaction.atomic
def practice_submit(*, practice: Practice, user) -> Practice:
    """The authors ask for a review: the practice joins the coordinators' review queue."""
    if practice.is_published:
        raise ValidationError(_("This practice is already published."))
    practice.submitted_at = timezone.now()
    practice.submitted_by = _user_or_none(user)
    practice.review_note = ""
    _save(practice, user=user, reason="review requested")
    recipients = _reviewers(practice)
    if recipients:
        mail_enqueue(
            subject=_("Good practice to review: %(title)s") % {"title": localize(practice.title)[:120]},
            body=_(
                "The authors of “%(title)s” ask for its publication. Read it, then publish it or send it "
                "back with a note:\n\n%(url)s"
            )
            % {"title": localize(practice.title), "url": _absolute(reverse("knowledge:review"))},
            recipients=recipients,
        )
    return practice


@transaction.atomic
def practice_publish(*, practice: Practice, user) -> Practice:
    practice.publication_status = PublicationStatus.PUBLISHED
    practice.reviewed_at = timezone.now()
    practice.reviewed_by = _user_or_none(user)
    practice.review_note = ""
    _save(practice, user=user, reason="published")
    reindex([practice.pk])
    return practice


@transaction.atomic
def practice_return(*, practice: Practice, user, note: str) -> Practice:
    """A coordinator sends the practice back to its authors with what to complete."""
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say what the authors should complete.")})
    practice.submitted_at = None
    practice.review_note = note[:2000]
    practice.reviewed_at = timezone.now()
    practice.reviewed_by = _user_or_none(user)
    _save(practice, user=user, reason="returned")
    author = practice.submitted_by
    if author is not None and author.email:
        mail_enqueue(
            subject=_("Your good practice needs changes: %(title)s") % {"title": localize(practice.title)[:120]},
            body=_("A coordinator read “%(title)s” and asks:\n\n%(note)s\n\n%(url)s")
            % {
                "title": localize(practice.title),
                "note": practice.review_note,
                "url": _absolute(practice.get_absolute_url()),
            },
            recipients=[author.email],
        )
    return practice


@transaction.atomic
def practice_unpublish(*, practice: Practice, user) -> Practice:
    practice.publication_status = PublicationStatus.DRAFT
    practice.submitted_at = None
    _save(practice, user=user, reason="unpublished")
    reindex([practice.pk])
    return practice


@transaction.atomic
def practice_confirm(*, practice: Practice, user) -> Practice:
    """An author says the practice is still accurate (the freshness reminders stop)."""
    practice.confirmed_at = timezone.now()
    _save(practice, user=user, reason="confirmed")
    reindex([practice.pk])
    return practice


@transaction.atomic
def practice_restore(*, practice: Practice, history_id: int, user) -> Practice:
    """Bring back the text, codes, authors and projects of a version (a new version records it);
    the publication state stays as it is."""
    version = practice.history.filter(history_id=history_id).first()
    if version is None:
        raise ValidationError(_("This version does not exist."))
    for name in (*TEXT_FIELDS, "axes", "sectors", "sdgs", "countries", "contact_id", "contact_user_id"):
        setattr(practice, name, getattr(version, name))
    authors = list(Organisation.objects.filter(pk__in=version.organisations.values("organisation_id")))
    if not authors:
        authors = list(practice.organisations.all())
    existing = Project.objects.filter(pk__in=version.projects.values("project")).values_list("pk", flat=True)
    since = _latest_version_id(practice)
    practice.organisations.set(authors)
    practice.projects.set(list(existing))
    if practice.contact_id and not Contact.objects.filter(pk=practice.contact_id).exists():
        practice.contact_id = None
    _save(practice, user=user, reason=f"restored {version.history_date.isoformat()}")
    _one_version(practice, since)
    reindex([practice.pk])
    return practice


@transaction.atomic
def practice_delete(*, practice: Practice, user) -> None:
    pk = practice.pk
    practice._history_user = _user_or_none(user)
    practice.delete()
    transaction.on_commit(lambda: atlas_index.drop(PRACTICE_TYPE, [pk]))


@transaction.atomic
def practice_document_add(*, practice: Practice, user, title, file=None, url: str = "") -> PracticeDocument:
    title = clean_i18n(title)
    if not title:
        raise ValidationError({"title": _("Give the document a title.")})
    if (file is None) == (not url):
        raise ValidationError({"file": _("Upload a file or give an address, not both.")})
    document = PracticeDocument(practice=practice, title=title, url=url or "", uploaded_by=_user_or_none(user))
    if file is not None:
        document.format = validate_upload(file)
        document.file = file
    document.full_clean()
    document.save()
    _save(practice, user=user, reason="document added")
    return document


@transaction.atomic
def practice_document_remove(*, document: PracticeDocument, user) -> None:
    practice = document.practice
    if document.file:
        document.file.delete(save=False)
    document.delete()
    _save(practice, user=user, reason="document removed")


def reviewable_countries(user) -> frozenset[str] | None:
    """The authors' countries whose practices ``user`` reviews: ``None`` for every country."""
    return None if is_coordinator(user) else coordinated_country_codes(user)


# -- pages --------------------------------------------------------------------------------------


@transaction.atomic
def page_update(*, page: Page, user, title, body, lead=None) -> Page:
    page = Page.objects.select_for_update().get(pk=page.pk)
    title = clean_i18n(title)
    if not title:
        raise ValidationError({"title": _("Write the title in at least one language.")})
    page.title = title
    page.body = clean_i18n(body)
    if lead is not None:
        page.lead = clean_i18n(lead)
    page.updated_by = _user_or_none(user)
    _save(page, user=user, reason="changed")
    return page


@transaction.atomic
def page_restore(*, page: Page, history_id: int, user) -> Page:
    version = page.history.filter(history_id=history_id).first()
    if version is None:
        raise ValidationError(_("This version does not exist."))
    page.title, page.lead, page.body = version.title, version.lead, version.body
    page.updated_by = _user_or_none(user)
    _save(page, user=user, reason=f"restored {version.history_date.isoformat()}")
    return page
