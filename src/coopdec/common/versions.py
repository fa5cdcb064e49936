"""What a record's versions keep besides its own fields: its relations (parties, sectors, axes,
an organisation's contacts...).

django-simple-history stores each version of a record's own fields. A partnership or a project is
also its relations, so each of their versions carries those of its relations that changed since the
version before (``relations``, a JSON column added to the history table by ``VersionRelations``),
and restoring a version brings back its relations as they were. An app registers the relations of a
model once (``register``); then:

- every version of a change saved through the ORM records the relations that differ from those
  recorded before it (the ``pre_create_historical_record`` signal), and the version before it, if it
  did not know them, learns them first; a "created" version does not know them until its service's
  ``versioned_change`` ends (``remember``);
- a service changes a record inside ``with versioned_change(record, user=..., reason=...)``, which
  makes the latest version learn the relations it had if it did not know them (``keep``: a version
  written in bulk by an import has none), then writes the record's new version: the one the block
  saved (``change.save()``), completed with the relations written after that save (``remember``),
  or else a new version of the record recording what the block changed in its relations;
- ``relations_at`` and ``relations_along`` give the relations of one version, or of the consecutive
  versions of a history page, as they were (one or two queries);
- ``restore_plan`` says which relations restoring a version would change (the views check each
  relation's permission) and what it cannot bring back (each relation's ``lost``: a document whose
  file was purged since), ``apply`` writes them back through the ORM (so the atlas signals run).

A version's ``relations`` is ``{relation name: rows}``, each row a JSON list, the rows sorted,
holding only the relations whose rows changed since the latest version before it that recorded
relations: a relation absent from it is "as in the versions before" (``{}`` after a title-only
change), the first version that records relations holds them all, and a version written before
deltas (session 4) holds them all too, which reads the same. ``None`` means the relations were not
recorded at that version: restoring it then restores the fields only, and the versions after it
carry the changes since the latest version that recorded them. Deleting a version (simple-history's
``clean_old_history`` or ``clean_duplicate_history``) first makes the next version that recorded
relations hold them all, so that no later version loses a relation recorded only in the deleted one.
"""

from __future__ import annotations

import contextvars
import json
import re
from collections.abc import Callable, Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import FileField, Q, TextField
from django.db.models.functions import Cast
from django.db.models.signals import pre_delete
from django.dispatch import receiver
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from simple_history.signals import pre_create_historical_record

from coopdec.common.i18n import localize


@dataclass(frozen=True)
class Relation:
    """One relation of a record: how to read it as rows, write rows back, check and show them."""

    name: str
    label: object  # a lazy translation: what the history page calls it
    read: Callable  # record -> list of rows
    write: Callable  # (record, rows, user) -> None
    describe: Callable  # rows -> str, for the history page
    missing: Callable = lambda rows: []  # rows -> messages about what no longer exists (the restore is refused)
    lost: Callable = lambda rows: []  # rows -> messages about what cannot come back (left out, the restore goes on)
    permission: str | None = None  # needed, besides changing the record, to change this relation
    organisation_column: int | None = None  # the position of an organisation id in each row, if any


_REGISTRY: dict[type, list[Relation]] = {}
_NOT_KEPT: dict[type, object] = {}


def register(model, relations: list[Relation], *, not_kept=None) -> None:
    """``not_kept``: a sentence (lazy translation) telling what restoring a version cannot bring back."""
    _REGISTRY[model] = relations
    _NOT_KEPT[model] = not_kept
    pre_delete.connect(
        _before_version_deleted, sender=model.history.model, dispatch_uid=f"versions_deleted_{model._meta.label_lower}"
    )


def relations_of(model) -> list[Relation]:
    return _REGISTRY.get(model, [])


def not_kept(model):
    return _NOT_KEPT.get(model)


def sort_rows(rows) -> list[list]:
    """Rows as JSON lists in a stable order (so that two snapshots compare equal when they mean the same)."""
    rows = [list(row) for row in rows]
    return sorted(rows, key=lambda row: json.dumps(row, default=str))


def snapshot(record) -> dict | None:
    relations = relations_of(type(record))
    if not relations or record.pk is None:
        return None
    return {relation.name: relation.read(record) for relation in relations}


# Versions hold the relations that changed: writing one compares with the relations recorded before it


def _latest(record):
    return record.history.order_by("-history_date", "-history_id").first()


def _recorded_before(versions, version):
    """The relations recorded by ``versions`` older than ``version`` (all of them when it is not saved
    yet), newest first, versions that recorded nothing left out: one query, read as far as needed."""
    if version is not None and version.history_id is not None:
        versions = versions.filter(
            Q(history_date__lt=version.history_date)
            | Q(history_date=version.history_date, history_id__lt=version.history_id)
        )
    return (
        versions.filter(relations__isnull=False)
        .exclude(relations={})
        .order_by("-history_date", "-history_id")
        .values_list("relations", flat=True)
    )


def _gather(known: dict, deltas, names: set) -> dict:
    """``known`` completed, relation by relation, with the rows of the newest of ``deltas`` holding it."""
    known = dict(known)
    if names <= known.keys():
        return known
    for delta in deltas.iterator(chunk_size=20):
        for name, rows in delta.items():
            known.setdefault(name, rows)
        if names <= known.keys():
            break
    return known


def _names(model) -> set[str]:
    return {relation.name for relation in relations_of(model)}


def _delta(record, version, current: dict) -> dict:
    """The relations of ``current`` that differ from those recorded before ``version`` (``None``: a
    version not saved yet), all of them when none were recorded."""
    before = _gather({}, _recorded_before(record.history.all(), version), set(current))
    return {name: rows for name, rows in current.items() if name not in before or before[name] != rows}


@receiver(pre_create_historical_record, dispatch_uid="versions_relations")
def _record_relations(sender, instance, history_instance, **kwargs):
    if type(instance) not in _REGISTRY or not hasattr(history_instance, "relations"):
        return
    current = snapshot(instance) if history_instance.history_type == "~" else None
    if current is None:
        # Created: the relations are written after the record (the services then ``remember`` them;
        # an import leaves them unknown). Deleted: they are gone with it.
        history_instance.relations = None
        return
    # The version before, if it did not know its relations, had these: nothing changed them since
    # without a version (a service changing relations does so in ``versioned_change``). This one then changes none.
    previous = _latest(instance)
    if previous is not None and previous.relations is None:
        previous.relations = _delta(instance, previous, current)
        previous.save(update_fields=["relations"])
        history_instance.relations = {}
    else:
        history_instance.relations = _delta(instance, None, current)


def keep(record) -> None:
    """Before changing relations: the latest version learns the relations it had, if it did not know them.
    (Services do not call it: ``versioned_change`` does.)"""
    if not relations_of(type(record)) or record.pk is None:
        return
    latest = _latest(record)
    current = snapshot(record) if latest is not None and latest.relations is None else None
    if current is not None:  # (a record with versions is saved: it has a snapshot)
        latest.relations = _delta(record, latest, current)
        latest.save(update_fields=["relations"])


def remember(record) -> None:
    """After changing relations once the record was saved: its latest version records them as they are now.
    (Services do not call it: ``versioned_change`` does.)"""
    if not relations_of(type(record)):
        return
    latest = _latest(record)
    current = snapshot(record) if latest is not None else None
    if current is not None:  # (a record with versions is saved: it has a snapshot)
        delta = _delta(record, latest, current)
        if delta != latest.relations:
            latest.relations = delta
            latest.save(update_fields=["relations"])


# Every change of a record goes through one context manager


def save_with_history(record, *, user, reason: str = "", **save_kwargs) -> None:
    """Save ``record`` recording ``user`` (and an optional reason) in its history."""
    if user is not None and user.is_authenticated:
        record._history_user = user
    if reason:
        record._change_reason = reason
    record.save(**save_kwargs)


class VersionedChange:
    """The change ``versioned_change`` yields: ``save()`` writes the record's own fields as its new version."""

    def __init__(self, record, *, user, reason: str):
        self.record, self.user, self.reason = record, user, reason
        self.saved = False
        self.written_after_save = False

    def save(self, instance=None, **save_kwargs) -> None:
        """Save the record (or ``instance``, the record as a restored version builds it: same pk) as the new
        version, with the change's user and reason. Relations written after it in the block are recorded in
        that version when the block ends."""
        if instance is not None:
            self.record = instance
        save_with_history(self.record, user=self.user, reason=self.reason, **save_kwargs)
        self.saved, self.written_after_save = True, False

    def _watch(self, execute, sql, params, many, context):
        """Notice a write after the save (a relation changed: the version must learn it)."""
        if self.saved and _WRITE.match(sql):
            self.written_after_save = True
        return execute(sql, params, many, context)


_WRITE = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)


@contextmanager
def versioned_change(record, *, user, reason: str = ""):
    """Change ``record`` (its fields, its relations, the rows it carries) so that its versions stay whole.

    ::

        with versioned_change(project, user=user, reason="contribution added"):
            save_with_history(Contribution(project=project, ...), user=user)

        with versioned_change(project, user=user) as change:
            project.sectors.all().delete()
            project.title = title
            change.save()

    In one transaction: before the block, the latest version learns the relations it had if it did not
    know them (``keep``: a version written in bulk by an import has none, and restoring it must bring
    them back). After it, the record has a new version recording its relations as they are: the version
    ``change.save()`` wrote in the block (completed with what the block wrote after the save, if anything:
    ``remember``), or, when the block did not save the record, a new version of it (``updated_at`` moves:
    freshness and the no-silent-overwrite check see the change) with ``user`` and ``reason``, the record
    reloaded first, as the caller may hold it stale. A block that raises writes nothing.
    """
    with transaction.atomic():
        keep(record)
        change = VersionedChange(record, user=user, reason=reason)
        with connection.execute_wrapper(change._watch):
            yield change
        if not change.saved:
            record.refresh_from_db()
            save_with_history(record, user=user, reason=reason, update_fields=["updated_at"])
        elif change.written_after_save:
            remember(change.record)


# Reading a version's relations: its own, then those of the versions before it


def _versions_like(version):
    """Every version of the record ``version`` is a version of (the record may be deleted)."""
    pk = version.instance_type._meta.pk.attname
    return type(version).objects.filter(**{pk: getattr(version, pk)})


def relations_at(version) -> dict | None:
    """The relations of the record at ``version`` (``None``: not recorded), from the relations it
    recorded and, for the others, the newest version before it that recorded them (one query)."""
    if version.relations is None:
        return None
    return _gather(version.relations, _recorded_before(_versions_like(version), version), _names(version.instance_type))


def relations_along(versions: list) -> list[dict | None]:
    """``relations_at`` of each of consecutive versions of one record (newest first, as a history page
    lists them), with one query for what was recorded before the oldest."""
    recorded = [version for version in versions if getattr(version, "relations", None) is not None]
    if not recorded:
        return [None] * len(versions)
    oldest = recorded[-1]
    state = relations_at(oldest)
    assert state is not None  # the oldest version that recorded its relations
    states: dict[int, dict] = {}
    for version in reversed(recorded):
        if version is not oldest:
            state = {**state, **version.relations}
        states[version.history_id] = state
    return [states.get(version.history_id) for version in versions]


def _before_version_deleted(sender, instance, **kwargs):
    """A version is being deleted: the next version that recorded relations learns them all first, as
    the versions after it may hold only what changed since the deleted one (every ``pre_delete`` of a
    deletion runs before any row goes, so deleting many versions at once is safe too: this one may hold
    more than ``instance`` says, having learnt them from a version deleted with it)."""
    if instance.relations is None:
        return
    following = (
        _versions_like(instance)
        .filter(relations__isnull=False)
        .filter(
            Q(history_date__gt=instance.history_date)
            | Q(history_date=instance.history_date, history_id__gt=instance.history_id)
        )
        .order_by("history_date", "history_id")
        .first()
    )
    if following is None or _names(instance.instance_type) <= following.relations.keys():
        return
    whole = relations_at(following)
    if whole is not None and whole.keys() != following.relations.keys():
        following.relations = whole
        following.save(update_fields=["relations"])


_lookups: contextvars.ContextVar[dict | None] = contextvars.ContextVar("version_lookups", default=None)


@contextmanager
def describing():
    """While describing many versions (a history page), what ``lookup`` fetched is remembered."""
    token = _lookups.set({})
    try:
        yield
    finally:
        _lookups.reset(token)


def lookup(kind: str, keys: Iterable, fetch: Callable[[set], dict]) -> dict:
    """``fetch(keys) -> {key: value}``, asking only for keys not fetched before within ``describing``."""
    keys = set(keys)
    cache = _lookups.get()
    if cache is None:
        return fetch(keys) if keys else {}
    known = cache.setdefault(kind, {})
    missing = keys - known.keys()
    if missing:
        found = fetch(missing)
        known.update({key: found.get(key) for key in missing})
    return {key: known[key] for key in keys if known[key] is not None}


def changes(old: dict | None, new: dict | None, model) -> list[tuple[Relation, list, list]]:
    """The relations that differ between two states (``snapshot``, ``relations_at``), with their rows
    (nothing if either is unknown)."""
    if old is None or new is None:
        return []
    return [
        (relation, old[relation.name], new[relation.name])
        for relation in relations_of(model)
        if relation.name in old and relation.name in new and old[relation.name] != new[relation.name]
    ]


@dataclass(frozen=True)
class RestorePlan:
    version: Any  # a historical record (a model django-simple-history builds at run time)
    recorded: bool  # whether the version knows its relations (False: only its fields can be restored)
    changing: list[Relation]  # the relations restoring it would change
    lost: Sequence[str] = ()  # what restoring it cannot bring back (a document whose file was deleted since...)
    relations: dict | None = None  # the relations at that version, to ``apply`` (None: none to restore)


def version_state(record, history_id: int) -> tuple[Any, dict | None]:
    """(the version, its relations as ``relations_at`` gives them: None when it did not record them or
    the record has none); a ValidationError when the version is gone."""
    try:
        version = record.history.get(history_id=history_id)
    except record.history.model.DoesNotExist:
        raise ValidationError(_("This version does not exist (any more).")) from None
    return version, relations_at(version) if relations_of(type(record)) else None


def restore_plan(record, history_id: int) -> RestorePlan:
    version, wanted = version_state(record, history_id)
    if not relations_of(type(record)):
        return RestorePlan(version=version, recorded=True, changing=[])
    if wanted is None:
        return RestorePlan(version=version, recorded=False, changing=[])
    current = snapshot(record)
    changing = changes(current, wanted, type(record))
    return RestorePlan(
        version=version,
        recorded=True,
        changing=[relation for relation, _old, _new in changing],
        lost=[message for relation, _old, rows in changing for message in relation.lost(rows)],
        relations=wanted,
    )


def apply(record, wanted: dict, *, user=None) -> list[Relation]:
    """Write back the relations of a state (``relations_at``) that differ from the current ones; refuse (write nothing
    of them) when one refers to something that no longer exists. Call inside a transaction."""
    changing = [(relation, rows) for relation, _old, rows in changes(snapshot(record), wanted, type(record))]
    problems = [message for relation, rows in changing for message in relation.missing(rows)]
    if problems:
        raise ValidationError(problems)
    for relation, rows in changing:
        relation.write(record, rows, user)
    return [relation for relation, _rows in changing]


# Rows a record owns, kept with their ids (a project's results, an organisation's contacts...)


class Rows:
    """The rows of one table a record owns, as ``[id, *fields]`` lists, written back by id."""

    def __init__(
        self,
        model,
        owner: str,
        fields: tuple[str, ...],
        *,
        dates=(),
        decimals=(),
        datetimes=(),
        with_history: bool = False,
    ):
        self.model, self.owner, self.fields = model, owner, fields
        self.dates, self.decimals, self.datetimes = set(dates), set(decimals), set(datetimes)
        self.with_history = with_history

    def column(self, name: str) -> int:
        return 1 + self.fields.index(name)

    def queryset(self, record):
        return self.model.objects.filter(**{self.owner: record.pk})

    def read(self, record) -> list:
        return sort_rows(
            [pk, *(json_value(value) for value in values)]
            for pk, *values in self.queryset(record).values_list("pk", *self.fields)
        )

    def values(self, row) -> dict:
        values = dict(zip(self.fields, row[1:], strict=True))
        for name in self.dates:
            values[name] = None if values[name] is None else date.fromisoformat(values[name])
        for name in self.datetimes:
            values[name] = None if values[name] is None else datetime.fromisoformat(values[name])
        for name in self.decimals:
            values[name] = None if values[name] is None else Decimal(values[name])
        return values

    def write(self, record, rows, user) -> None:
        """Delete what the rows do not name, update what differs, recreate the others under their former id."""
        wanted = {row[0]: list(row) for row in rows}
        current = {row[0]: row for row in self.read(record)}
        elsewhere = self.model.objects.filter(pk__in=wanted.keys() - current.keys())
        if elsewhere.exists():  # ids are never handed out twice: only a hand-made database gets here
            raise ValidationError(
                _("This version cannot be restored: some of its %(items)s now belong to another record.")
                % {"items": self.model._meta.verbose_name_plural}
            )
        for item in self.queryset(record).order_by("pk"):
            row = wanted.pop(item.pk, None)
            if row is None:
                item._history_user = user if user is not None and user.is_authenticated else None
                item.delete()
            elif row != current[item.pk]:
                for name, value in self.values(row).items():
                    setattr(item, name, value)
                self._save(item, user)
        for pk, row in sorted(wanted.items()):
            self._save(self.model(pk=pk, **self.values(row)), user)

    def _save(self, item, user) -> None:
        if self.with_history and user is not None and user.is_authenticated:
            item._history_user = user
        item.save()


def json_value(value):
    """A column's value as JSON keeps it: decimals as text, dates as ISO text."""
    if value is None or isinstance(value, bool | int | float | str | dict | list):
        return value
    return str(value) if isinstance(value, Decimal) else value.isoformat()


def rename_organisation(drop_id: int, keep_id: int) -> int:
    """A merge moved every link of organisation ``drop_id`` to ``keep_id``: the relations recorded by
    the versions follow, so that restoring an earlier version names the kept organisation (a row that becomes a
    duplicate of one the kept organisation already had goes). Returns the number of versions changed."""
    changed = 0
    for model, relations in _REGISTRY.items():
        columns = [relation for relation in relations if relation.organisation_column is not None]
        if not columns:
            continue
        history_model = model.history.model  # type: ignore[attr-defined]  # simple_history's manager
        candidates = (
            history_model.objects.annotate(relations_text=Cast("relations", TextField()))
            .filter(relations_text__contains=str(drop_id))
            .only("history_id", "relations")
        )
        for version in candidates.iterator():
            snapshot_ = version.relations
            if not isinstance(snapshot_, dict):
                continue
            before = json.dumps(snapshot_, sort_keys=True)
            for relation in columns:
                column = relation.organisation_column
                assert column is not None  # columns keeps the relations that have one
                rows = []
                for row in snapshot_.get(relation.name, []):
                    if row[column] == drop_id:
                        row = [*row[:column], keep_id, *row[column + 1 :]]
                    if row not in rows:
                        rows.append(row)
                if relation.name in snapshot_:
                    snapshot_[relation.name] = sort_rows(rows)
            if json.dumps(snapshot_, sort_keys=True) != before:
                version.relations = snapshot_
                version.save(update_fields=["relations"])
                changed += 1
    return changed


# No silent overwrite: an edit carries the version its editor read


def display_value(field, value) -> str:
    """A field's value as a person reads it (the name of a related record, the label of a choice...)."""
    if value in (None, "", [], {}):
        return "—"
    if field.is_relation:
        related = field.related_model._default_manager.filter(pk=value).first()
        return str(related) if related is not None else _("(deleted, #%(id)s)") % {"id": value}
    if isinstance(value, dict):
        return localize(value)
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


def version_token(record) -> str:
    """The version of a record an editor reads: its ``updated_at`` in UTC, to the millisecond, exactly as the API
    shows it (``2026-12-06T10:15:00.123Z``). Every change of the record or of what it carries moves it."""
    return timezone.localtime(record.updated_at, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class StaleVersion(ValidationError):
    """A save refused because what it writes changed since the version its editor read."""

    def __init__(self, message: str, *, version: str, changes: list[dict], who: list[str], when):
        super().__init__(message, code="stale")
        self.version, self.changes, self.who, self.when = version, changes, who, when


def _read_at(version) -> datetime:
    if isinstance(version, datetime):
        read_at = version
    else:
        try:
            read_at = datetime.fromisoformat(str(version).strip())
        except ValueError:
            read_at = None
    if read_at is None or timezone.is_naive(read_at):
        raise ValidationError(
            {
                "version": _(
                    "“%(version)s” is not a version of this record: send back the "
                    "“updated_at” you read, for example 2026-12-06T10:15:00.000+00:00."
                )
                % {"version": str(version)[:40]}
            },
            code="invalid",
        )
    return read_at.replace(microsecond=read_at.microsecond // 1000 * 1000)


def _value(obj, field):
    value = getattr(obj, field.attname)
    return value.name or None if isinstance(field, FileField) else value


def check_version(record, version, *, fields: Iterable[str]) -> None:
    """Refuse (``StaleVersion``) a save of ``fields`` (names of the record's own fields and of its relations)
    when one of them changed since ``version`` (``version_token`` of the record the editor read).

    Call it inside the transaction, with ``record`` freshly read under a row lock (``select_for_update``),
    before changing it. A change since that touched nothing the save writes (a contribution added, the
    record confirmed) is no conflict: the save goes on. ``version`` left out (``None``, ""): no check, the
    last writer wins (API clients written before versions; docs/decisions.md, 2026-12-06).
    """
    if version in (None, ""):
        return
    read_at, current = _read_at(version), version_token(record)
    if _read_at(current) <= read_at:
        return
    names, model = set(fields), type(record)
    own = [field for field in model._meta.concrete_fields if field.name in names]
    # The version read: the newest whose ``updated_at`` is not after the one read (the API shows milliseconds).
    history = record.history.select_related("history_user").order_by("updated_at", "history_id")
    after = read_at + timedelta(milliseconds=1)
    read = history.filter(updated_at__lt=after).last()
    later = list(history.filter(updated_at__gte=after))
    if read is None:  # no version that old is kept: say who changed it last, without details
        changes, authors = [], later[-1:]
    else:
        changes = _changes(record, read, own, [name for name in names if name in _names(model)])
        if not changes:
            return
        authors = _authors(read, later, own, {change["field"] for change in changes}) or later[-1:]
    who = list(dict.fromkeys(_author(row) for row in authors)) or [str(_("someone"))]
    when = authors[-1].history_date if authors else record.updated_at
    if changes:
        message = _(
            "%(who)s changed this record on %(when)s, after you read it: %(changes)s. Nothing of your change "
            "was saved. Apply it again on top of these values if it still holds, then save."
        )
    else:
        message = _(
            "%(who)s changed this record on %(when)s, after you read it. Nothing of your change was saved. "
            "Look at the record as it is now, apply your change again if it still holds, then save."
        )
    raise StaleVersion(
        message
        % {
            "who": ", ".join(who),
            "when": date_format(timezone.localtime(when), "DATETIME_FORMAT"),
            "changes": "; ".join(_("%(label)s: “%(old)s” → “%(new)s”") % change for change in changes),
        },
        version=current,
        changes=changes,
        who=who,
        when=when,
    )


def _authors(read, later: list, own: list, changed: set[str]) -> list:
    """The versions after ``read`` that changed one of the fields or relations named in ``changed``."""
    authors, previous = [], read
    for row in later:
        if any(field.name in changed and _value(row, field) != _value(previous, field) for field in own) or (
            row.relations and changed & set(row.relations)
        ):
            authors.append(row)
        previous = row
    return authors


def _author(row) -> str:
    user = row.history_user
    return (user.get_full_name() or user.get_username()) if user is not None else str(_("someone"))


def _changes(record, read, own: list, relations: list[str]) -> list[dict]:
    """What of the ``own`` fields and the ``relations`` differs between the version ``read`` and ``record`` now."""
    found = [
        {
            "field": field.name,
            "label": capfirst(str(field.verbose_name)),
            "old": display_value(field, _value(read, field)),
            "new": display_value(field, _value(record, field)),
        }
        for field in own
        if _value(read, field) != _value(record, field)
    ]
    if relations:
        for relation, old, new in changes(relations_at(read), snapshot(record), type(record)):
            if relation.name in relations:
                found.append(
                    {"field": relation.name, "label": str(relation.label), **describe_change(relation, old, new)}
                )
    return found


def describe_change(relation: Relation, old: list, new: list) -> dict:
    """Only the rows that went and came: short to read, light to send."""
    return {
        "old": relation.describe([row for row in old if row not in new]) or "—",
        "new": relation.describe([row for row in new if row not in old]) or "—",
    }
