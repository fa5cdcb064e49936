"""Keep the atlas index current after every save or delete made through the ORM.

Changes are gathered per transaction and reindexed once, after the commit (a project saved with
its sectors, SDGs and axes is reindexed once). ``bulk_create``, ``bulk_update`` and
``QuerySet.update`` send no signals: importers call ``coopdec.atlas.index.reindex(...)`` or
``reindex_all()`` themselves.
"""

import logging
import threading

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from coopdec.actors.models import Organisation
from coopdec.cooperation.models import (
    Budget,
    Contribution,
    Partnership,
    PartnershipParty,
    Project,
    ProjectCountry,
    ProjectSdg,
    ProjectSector,
)

from . import index

logger = logging.getLogger(__name__)
_pending = threading.local()


def _flush() -> None:
    pending = getattr(_pending, "records", None)
    _pending.records = None
    if not pending:
        return
    index.reindex(
        organisations=pending["organisation"], partnerships=pending["partnership"], projects=pending["project"]
    )


def schedule(record_type: str, object_id) -> None:
    """Reindex this record (and those showing it) once the current transaction commits."""
    if object_id is None:
        return
    records = getattr(_pending, "records", None)
    connection = transaction.get_connection()
    if records is not None and any(entry[1] is _flush for entry in connection.run_on_commit):
        records[record_type].add(object_id)
        return
    # No flush waiting (first change, or the transaction that had one was rolled back).
    records = _pending.records = {"organisation": set(), "partnership": set(), "project": set()}
    records[record_type].add(object_id)
    transaction.on_commit(_flush, robust=True)


# Fields no atlas document reads: a save of these alone (the "still accurate" click) changes no document,
# so it neither rewrites documents nor makes every worker bring its facet engine up to date.
NOT_INDEXED = frozenset({"confirmed_at"})


def _indexed_change(kwargs) -> bool:
    fields = kwargs.get("update_fields")
    return not fields or not set(fields) <= NOT_INDEXED


@receiver([post_save, post_delete], sender=Organisation, dispatch_uid="atlas_organisation")
def _organisation_changed(sender, instance, **kwargs):
    if _indexed_change(kwargs):
        schedule("organisation", instance.pk)


@receiver([post_save, post_delete], sender=Partnership, dispatch_uid="atlas_partnership")
def _partnership_changed(sender, instance, **kwargs):
    if _indexed_change(kwargs):
        schedule("partnership", instance.pk)


@receiver([post_save, post_delete], sender=PartnershipParty, dispatch_uid="atlas_party")
def _party_changed(sender, instance, **kwargs):
    schedule("partnership", instance.partnership_id)
    schedule("organisation", instance.organisation_id)


@receiver([post_save, post_delete], sender=Project, dispatch_uid="atlas_project")
def _project_changed(sender, instance, **kwargs):
    if _indexed_change(kwargs):
        schedule("project", instance.pk)
        schedule("partnership", instance.partnership_id)


def _project_part_changed(sender, instance, **kwargs):
    schedule("project", instance.project_id)


for _model in (ProjectSector, ProjectSdg, ProjectCountry, Budget, Contribution):
    post_save.connect(_project_part_changed, sender=_model, dispatch_uid=f"atlas_{_model.__name__}_save")
    post_delete.connect(_project_part_changed, sender=_model, dispatch_uid=f"atlas_{_model.__name__}_delete")


@receiver(m2m_changed, sender=Project.axes.through, dispatch_uid="atlas_project_axes")
def _project_axes_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    if reverse:  # axis.projects.add(...)
        for pk in pk_set or ():
            schedule("project", pk)
    else:
        schedule("project", instance.pk)
