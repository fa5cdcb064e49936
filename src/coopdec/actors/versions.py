"""What a record's versions keep besides its own fields: its relations (parties, sectors, axes,
an organisation's contacts...).

django-simple-history stores each version of a record's own fields. A partnership or a project is
also its relations, so each of their versions carries a snapshot of them (``relations``, a JSON
column added to the history table by ``VersionRelations``), and restoring a version brings them
back. An app registers the relations of a model once (``register``); then:

- every version of a change saved through the ORM records the relations as they are at that moment
  (the ``pre_create_historical_record`` signal), and so does the version before it if it did not
  know them; a "created" version does not know them until its service ``remember``s them;
- a service that changes relations calls ``keep(record)`` before the change (so that a version
  written in bulk by an import, without a snapshot, learns the relations it had) and, when it
  changed them after saving the record, ``remember(record)`` afterwards;
- ``restore_plan`` says which relations restoring a version would change (the views check each
  relation's permission) and what it cannot bring back (each relation's ``lost``: a document whose
  file was purged since), ``apply`` writes them back through the ORM (so the atlas signals run).

A snapshot is ``{relation name: rows}``, each row a JSON list, the rows sorted. ``None`` means the
relations were not recorded at that version: restoring it then restores the fields only.
"""

from __future__ import annotations

import contextvars
import json
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import TextField
from django.db.models.functions import Cast
from django.dispatch import receiver
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.signals import pre_create_historical_record

from .models import Contact, ContactKind, Organisation


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


@receiver(pre_create_historical_record, dispatch_uid="versions_relations")
def _record_relations(sender, instance, history_instance, **kwargs):
    if type(instance) not in _REGISTRY or not hasattr(history_instance, "relations"):
        return
    if history_instance.history_type != "~":
        # Created: the relations are written after the record (the services then ``remember`` them;
        # an import leaves them unknown). Deleted: they are gone with it.
        history_instance.relations = None
        return
    history_instance.relations = snapshot(instance)
    # The version before, if it did not know its relations, had these: nothing changed them since
    # without a version (a service changing relations calls ``keep`` first).
    previous = _latest(instance)
    if previous is not None and previous.relations is None:
        previous.relations = history_instance.relations
        previous.save(update_fields=["relations"])


def _latest(record):
    return record.history.order_by("-history_date", "-history_id").first()


def keep(record) -> None:
    """Before changing relations: the latest version learns the relations it had, if it did not know them."""
    if not relations_of(type(record)):
        return
    latest = _latest(record)
    if latest is not None and latest.relations is None:
        latest.relations = snapshot(record)
        latest.save(update_fields=["relations"])


def remember(record) -> None:
    """After changing relations once the record was saved: its latest version records them as they are now."""
    if not relations_of(type(record)):
        return
    latest = _latest(record)
    if latest is not None:
        latest.relations = snapshot(record)
        latest.save(update_fields=["relations"])


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
    """The relations that differ between two snapshots, with their rows (nothing if either is unknown)."""
    if old is None or new is None:
        return []
    return [(relation, old[relation.name], new[relation.name]) for relation in relations_of(model)
            if relation.name in old and relation.name in new and old[relation.name] != new[relation.name]]


@dataclass(frozen=True)
class RestorePlan:
    version: object
    recorded: bool  # whether the version knows its relations (False: only its fields can be restored)
    changing: list[Relation]  # the relations restoring it would change
    lost: list[str] = ()  # what restoring it cannot bring back (a document whose file was deleted since...)


def restore_plan(record, history_id: int) -> RestorePlan:
    try:
        version = record.history.get(history_id=history_id)
    except record.history.model.DoesNotExist:
        raise ValidationError(_("This version does not exist (any more).")) from None
    if not relations_of(type(record)):
        return RestorePlan(version=version, recorded=True, changing=[])
    wanted = version.relations
    if wanted is None:
        return RestorePlan(version=version, recorded=False, changing=[])
    current = snapshot(record)
    changing = changes(current, wanted, type(record))
    return RestorePlan(version=version, recorded=True, changing=[relation for relation, _old, _new in changing],
                       lost=[message for relation, _old, rows in changing for message in relation.lost(rows)])


def apply(record, wanted: dict, *, user=None) -> list[Relation]:
    """Write back the relations of a snapshot that differ from the current ones; refuse (write nothing
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

    def __init__(self, model, owner: str, fields: tuple[str, ...], *, dates=(), decimals=(), datetimes=(),
                 with_history: bool = False):
        self.model, self.owner, self.fields = model, owner, fields
        self.dates, self.decimals, self.datetimes = set(dates), set(decimals), set(datetimes)
        self.with_history = with_history

    def column(self, name: str) -> int:
        return 1 + self.fields.index(name)

    def queryset(self, record):
        return self.model.objects.filter(**{self.owner: record.pk})

    def read(self, record) -> list:
        return sort_rows([pk, *(json_value(value) for value in values)]
                         for pk, *values in self.queryset(record).values_list("pk", *self.fields))

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
            raise ValidationError(_("This version cannot be restored: some of its %(items)s now belong to another record.")
                                  % {"items": self.model._meta.verbose_name_plural})
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
    """A merge moved every link of organisation ``drop_id`` to ``keep_id``: the versions' snapshots
    follow, so that restoring an earlier version names the kept organisation (a row that becomes a
    duplicate of one the kept organisation already had goes). Returns the number of versions changed."""
    changed = 0
    for model, relations in _REGISTRY.items():
        columns = [relation for relation in relations if relation.organisation_column is not None]
        if not columns:
            continue
        candidates = (model.history.model.objects.annotate(relations_text=Cast("relations", TextField()))
                      .filter(relations_text__contains=str(drop_id)).only("history_id", "relations"))
        for version in candidates.iterator():
            snapshot_ = version.relations
            if not isinstance(snapshot_, dict):
                continue
            before = json.dumps(snapshot_, sort_keys=True)
            for relation in columns:
                rows = []
                for row in snapshot_.get(relation.name, []):
                    if row[relation.organisation_column] == drop_id:
                        row = [*row[:relation.organisation_column], keep_id, *row[relation.organisation_column + 1:]]
                    if row not in rows:
                        rows.append(row)
                if relation.name in snapshot_:
                    snapshot_[relation.name] = sort_rows(rows)
            if json.dumps(snapshot_, sort_keys=True) != before:
                version.relations = snapshot_
                version.save(update_fields=["relations"])
                changed += 1
    return changed


# An organisation's versions: its public contact entries. Its members and their roles are access
# control, not content: no version keeps them and no restore changes them.

CONTACT_ROWS = Rows(Contact, "organisation_id", ("organisation_id", "kind", "name", "function", "email", "phone"),
                    with_history=True)


def _describe_contacts(rows) -> str:
    kinds = dict(ContactKind.choices)
    return "; ".join(
        ", ".join(part for part in (name, function or str(kinds.get(kind, kind)), email, phone) if part)
        for _pk, _organisation, kind, name, function, email, phone in rows)


def register_relations() -> None:
    register(Organisation, [
        Relation("contacts", gettext_lazy("Contacts"), CONTACT_ROWS.read, CONTACT_ROWS.write, _describe_contacts),
    ], not_kept=gettext_lazy("Members and their roles are not part of a version: restoring one never changes who "
                             "may edit or administer the organisation."))
