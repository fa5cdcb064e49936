"""Writes of good practices and knowledge pages: every rule on data lives here (web forms and the
API come through these functions), each under a transaction, each change recorded in the history.

Practices:

- ``practice_create`` / ``practice_update``: a draft written by editors of its author organisations
  (one at least; a coordinator may write for anyone). An edit of a published practice (and a
  restore) is kept aside as a ``PracticeRevision`` and asks for a review: the practice, its page, the
  atlas and the API stay as last reviewed until a coordinator publishes the changes. Its projects
  must involve one of the authors (lead, party or participant); its contact must be a contact of
  one of the authors, or a member; codes are checked against the reference data; a summary is at
  most ``SUMMARY_WORDS`` words.
- ``practice_submit`` (authors ask for a review: the coordinators of the authors' countries, or the
  platform's, get a mail), ``practice_publish`` and ``practice_return`` (a coordinator publishes it or
  sends it back with a note: the author who asked gets a mail), ``practice_unpublish``,
  ``practice_confirm`` ("still accurate"), ``practice_restore`` (a version of the history),
  ``practice_changes_discard`` (the authors drop their changes waiting for review), ``practice_delete``.
- ``practice_document_add`` / ``practice_document_remove``: files checked like the projects'.

Pages: ``page_update`` (restoring a page's version is the records' ``record_restore``).

Each change of a practice or a page is one version (``coopdec.common.versions.versioned_change``),
the practice's authors and projects recorded with it (``knowledge/versions.py``).

After each change of a practice the atlas document is rebuilt (``coopdec.atlas.index.reindex``):
drafts have none.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from contextlib import nullcontext
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
from coopdec.common.versions import (
    apply,
    changes,
    describe_change,
    display_value,
    relations_of,
    snapshot,
    version_state,
    versioned_change,
)
from coopdec.cooperation.models import PartnershipParty, Project, ProjectParticipant
from coopdec.cooperation.services import validate_sdgs, validate_upload
from coopdec.territories.models import Country
from coopdec.vocabularies.models import Axis
from coopdec.vocabularies.selectors import code_exists

from .models import SECTIONS, SUMMARY_WORDS, Page, Practice, PracticeDocument, PracticeRevision
from .versions import id_rows

PRACTICE_TYPE = "practice"  # its record type in the atlas
TEXT_FIELDS = ("title", "summary", *(name for name, _label in SECTIONS))
# What an edit changes (and a revision holds), by attribute name; the rest is the practice's life.
REVISED_FIELDS = (*TEXT_FIELDS, "axes", "sectors", "sdgs", "countries", "contact_id", "contact_user_id")
MAX_PROJECTS = 50
MAX_AUTHORS = 20
MAX_CODES = 60  # axes, sectors, SDGs or countries of one practice
_WORD = re.compile(r"\w+")


def _user_or_none(user):
    return user if user is not None and user.is_authenticated else None


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


def _change(practice: Practice, *, user, reason: str = ""):
    """``versioned_change`` of a practice, with whoever made it kept for simple-history."""
    return versioned_change(practice, user=_user_or_none(user), reason=reason)


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
    practice.full_clean()
    with _change(practice, user=user, reason="created") as change:
        change.save()
        practice.organisations.set(authors)
        practice.projects.set(linked)
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
    None to remove them. A draft changes at once; a published practice keeps what the public reads
    and its changes wait for a coordinator's review (``_save_state``). An edit of a published
    practice starts from its changes waiting for review, if any."""
    practice = Practice.objects.select_for_update().get(pk=practice.pk)
    pending = practice.pending if practice.is_published else None
    if pending is not None:
        _load(practice, pending.fields)
    current = (
        list(Organisation.objects.filter(pk__in=[pk for (pk,) in pending.relations["organisations"]]))
        if pending is not None
        else list(practice.organisations.all())
    )
    authors = _authors(organisations, user, current) if organisations is not None else current
    if projects is None:
        projects = (
            Project.objects.filter(pk__in=[pk for (pk,) in pending.relations["projects"]])
            if pending is not None
            else practice.projects.all()
        )
    linked = _projects(projects, authors)
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
    practice.full_clean()
    state = {name: getattr(practice, name) for name in REVISED_FIELDS}
    relations = {"organisations": id_rows(o.pk for o in authors), "projects": id_rows(p.pk for p in linked)}
    return _save_state(practice, fields=state, relations=relations, user=user, reason="changed")


def _load(practice: Practice, fields: dict) -> None:
    for name, value in fields.items():
        setattr(practice, name, value)


def _save_state(practice: Practice, *, fields: dict, relations: dict, user, reason: str) -> Practice:
    """Write a practice's new text, codes, contact, authors and projects (checked by the caller).

    A draft changes at once (one version). A published practice does not: what the public reads
    stays as last reviewed, and the new state is kept as its ``PracticeRevision`` (replaced by each
    later edit; removed when an edit brings the practice back to what is published), which asks the
    coordinators for a review (a mail the first time it waits)."""
    if not practice.is_published:
        with _change(practice, user=user, reason=reason) as change:
            _load(practice, fields)
            change.save()
            apply(practice, relations, user=user)
        reindex([practice.pk])
        return practice
    live = Practice.objects.get(pk=practice.pk)
    if {name: getattr(live, name) for name in REVISED_FIELDS} == fields and snapshot(live) == relations:
        PracticeRevision.objects.filter(practice=live).delete()  # back to the published text: nothing to review
        return live
    revision = live.pending or PracticeRevision(practice=live)
    asked = revision.submitted_at is not None
    revision.fields, revision.relations = fields, relations
    revision.written_by = _user_or_none(user)
    revision.submitted_at = timezone.now()
    revision.save()
    if not asked:
        _ask_review(live)
    return live


def revision_changes(practice: Practice) -> list[dict]:
    """What publishing the practice's changes waiting for review would change: [{field, old, new}]."""
    revision = practice.pending
    if revision is None:
        return []
    found = []
    for name, value in revision.fields.items():
        if getattr(practice, name) != value:
            field: Any = Practice._meta.get_field(name.removesuffix("_id"))
            found.append(
                {
                    "field": field.verbose_name,
                    "old": display_value(field, getattr(practice, name)),
                    "new": display_value(field, value),
                }
            )
    for relation, old, new in changes(snapshot(practice), revision.relations, Practice):
        found.append({"field": relation.label, **describe_change(relation, old, new)})
    return found


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


def _ask_review(practice: Practice) -> None:
    recipients = _reviewers(practice)
    if not recipients:
        return
    if practice.is_published:
        body = _(
            "The authors of “%(title)s” changed it. The published version stays online until you publish the "
            "changes, or send them back with a note:\n\n%(url)s"
        )
    else:
        body = _(
            "The authors of “%(title)s” ask for its publication. Read it, then publish it or send it "
            "back with a note:\n\n%(url)s"
        )
    mail_enqueue(
        subject=_("Good practice to review: %(title)s") % {"title": localize(practice.title)[:120]},
        body=body % {"title": localize(practice.title), "url": _absolute(reverse("knowledge:review"))},
        recipients=recipients,
    )


@transaction.atomic
def practice_submit(*, practice: Practice, user) -> Practice:
    """The authors ask for a review: the practice (or its changes sent back) joins the review queue."""
    revision = practice.pending if practice.is_published else None
    if revision is not None:
        if revision.submitted_at is None:
            revision.submitted_at = timezone.now()
            revision.save(update_fields=["submitted_at"])
            _ask_review(practice)
        return practice
    if practice.is_published:
        raise ValidationError(_("This practice is already published."))
    with _change(practice, user=user, reason="review requested") as change:
        practice.submitted_at = timezone.now()
        practice.submitted_by = _user_or_none(user)
        practice.review_note = ""
        change.save()
    _ask_review(practice)
    return practice


@transaction.atomic
def practice_publish(*, practice: Practice, user) -> Practice:
    """Publish a draft, or the changes of a published practice waiting for review (a new version)."""
    _lock(practice)
    revision = practice.pending if practice.is_published else None
    with _change(practice, user=user, reason="published") as change:
        practice.publication_status = PublicationStatus.PUBLISHED
        practice.reviewed_at = timezone.now()
        practice.reviewed_by = _user_or_none(user)
        practice.review_note = ""
        _save_with(revision, practice, change, user=user)
    reindex([practice.pk])
    return practice


def _save_with(revision: PracticeRevision | None, practice: Practice, change, *, user) -> None:
    """Save the practice's new version (``change.save()``) with the changes that waited for review, if
    any (a contact deleted since is left out), which then no longer wait."""
    if revision is not None:
        _load(practice, revision.fields)
        practice.contact_id = _existing(Contact, practice.contact_id)
        practice.contact_user_id = _existing(User, practice.contact_user_id)
    change.save()
    if revision is not None:
        apply(practice, revision.relations, user=user)
        revision.delete()


def _lock(practice: Practice) -> None:
    """Lock the practice's row until the transaction ends and read it again (the caller's object changes)."""
    list(Practice.objects.select_for_update().filter(pk=practice.pk).values_list("pk", flat=True))
    practice.refresh_from_db()


def _existing(model, pk):
    return pk if pk is not None and model.objects.filter(pk=pk).exists() else None


@transaction.atomic
def practice_return(*, practice: Practice, user, note: str) -> Practice:
    """A coordinator sends the practice (or its changes waiting for review) back to its authors with
    what to complete; a published practice stays online as it was."""
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say what the authors should complete.")})
    revision = practice.pending if practice.is_published else None
    with _change(practice, user=user, reason="returned") if revision is None else nullcontext() as change:
        returned = practice if revision is None else revision  # a draft, or the changes of a published one
        returned.submitted_at = None
        returned.review_note = note[:2000]
        returned.reviewed_at = timezone.now()
        returned.reviewed_by = _user_or_none(user)
        if change is not None:
            change.save()
        else:
            returned.save()
    author = practice.submitted_by if revision is None else revision.written_by
    if author is not None and author.email:
        mail_enqueue(
            subject=_("Your good practice needs changes: %(title)s") % {"title": localize(practice.title)[:120]},
            body=_("A coordinator read “%(title)s” and asks:\n\n%(note)s\n\n%(url)s")
            % {"title": localize(practice.title), "note": note[:2000], "url": _absolute(practice.get_absolute_url())},
            recipients=[author.email],
        )
    return practice


@transaction.atomic
def practice_unpublish(*, practice: Practice, user) -> Practice:
    """Back to draft; changes that waited for review become the draft's text (drafts change at once)."""
    _lock(practice)
    revision = practice.pending
    with _change(practice, user=user, reason="unpublished") as change:
        practice.publication_status = PublicationStatus.DRAFT
        practice.submitted_at = None
        _save_with(revision, practice, change, user=user)
    reindex([practice.pk])
    return practice


@transaction.atomic
def practice_changes_discard(*, practice: Practice, user) -> bool:
    """The authors drop the changes waiting for review (the published practice was never touched);
    return whether there were any."""
    deleted, _rows = PracticeRevision.objects.filter(practice=practice).delete()
    return bool(deleted)


@transaction.atomic
def practice_confirm(*, practice: Practice, user) -> Practice:
    """An author says the practice is still accurate (the freshness reminders stop)."""
    with _change(practice, user=user, reason="confirmed") as change:
        practice.confirmed_at = timezone.now()
        change.save(update_fields=["confirmed_at"])
    reindex([practice.pk])
    return practice


@transaction.atomic
def practice_restore(*, practice: Practice, history_id: int, user) -> Practice:
    """Bring back the text, codes, contact, authors and projects of a version; the publication state
    stays. On a draft, a new version records it; on a published practice it waits for review like
    any edit. Authors deleted since refuse the restore; projects deleted since are left out."""
    practice = Practice.objects.select_for_update().get(pk=practice.pk)
    version, relations = version_state(practice, history_id)
    if version.history_type == "-":
        raise ValidationError(_("This version does not exist (any more)."))
    fields = {name: getattr(version, name) for name in REVISED_FIELDS}
    fields["contact_id"] = _existing(Contact, fields["contact_id"])
    fields["contact_user_id"] = _existing(User, fields["contact_user_id"])
    if relations is None:  # not recorded: the authors and projects stay as they are
        relations = snapshot(practice) or {}
    existing = Project.objects.filter(pk__in=[pk for (pk,) in relations["projects"]]).values_list("pk", flat=True)
    relations = {**relations, "projects": id_rows(existing)}
    authors = next(relation for relation in relations_of(Practice) if relation.name == "organisations")
    missing = authors.missing(relations["organisations"])
    if missing:
        raise ValidationError(missing)
    reason = "restored " + version.history_date.isoformat(timespec="minutes")
    return _save_state(practice, fields=fields, relations=relations, user=user, reason=reason)


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
    with _change(practice, user=user, reason="document added"):
        document.save()
    return document


@transaction.atomic
def practice_document_remove(*, document: PracticeDocument, user) -> None:
    practice = document.practice
    if document.file:
        document.file.delete(save=False)
    with _change(practice, user=user, reason="document removed"):
        document.delete()


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
    with versioned_change(page, user=_user_or_none(user), reason="changed") as change:
        page.title = title
        page.body = clean_i18n(body)
        if lead is not None:
            page.lead = clean_i18n(lead)
        page.updated_by = _user_or_none(user)
        page.full_clean()
        change.save()
    return page
