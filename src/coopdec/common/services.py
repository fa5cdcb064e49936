"""Writes every record type shares (organisations, partnerships, projects): "still accurate", publication,
restoring a version.

Keyword-only functions, each in a transaction, each change a new version of the record
(``versions.versioned_change``). Access checks are the caller's job (``rules.py``, through
``records``).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import versions
from .models import PublicationStatus


@transaction.atomic
def record_confirm(*, record, user=None):
    """The "still accurate" click: the record is confirmed now, without changing anything else."""
    with versions.versioned_change(record, user=user, reason="confirmed") as change:
        record.confirmed_at = timezone.now()
        change.save(update_fields=["confirmed_at"])
    return record


@transaction.atomic
def record_publish(*, record, user=None, published: bool = True):
    with versions.versioned_change(record, user=user, reason="published" if published else "unpublished") as change:
        record.publication_status = PublicationStatus.PUBLISHED if published else PublicationStatus.DRAFT
        change.save()
    return record


@transaction.atomic
def record_restore(*, record, history_id: int, user=None):
    """Restore an earlier version: the old values are saved as a new version (nothing is erased).

    The record's relations (a partnership's parties, a project's sectors, axes...) come back as they
    were at that version when the version recorded them (``versions``); otherwise only its fields do.
    Access checks, including the permission of each relation that would change
    (``versions.restore_plan``), are the caller's job.
    """
    # The version and its relations only: which relations change (``restore_plan``) is the caller's
    # check, and ``apply`` compares them with the current ones itself.
    version, relations = versions.version_state(record, history_id)
    reason = "restored " + version.history_date.isoformat(timespec="minutes")
    with versions.versioned_change(record, user=user, reason=reason) as change:
        restored = version.instance
        restored.pk = record.pk
        for field in record._meta.concrete_fields:
            value = getattr(restored, field.attname)
            if (
                field.is_relation
                and value is not None
                and not field.related_model._default_manager.filter(pk=value).exists()
            ):
                if field.null:
                    setattr(restored, field.attname, None)
                else:
                    raise ValidationError(
                        _("This version refers to a %(model)s that no longer exists; it cannot be restored.")
                        % {"model": field.related_model._meta.verbose_name}
                    )
        # Freshness belongs to the present: restoring is a change made now.
        if hasattr(record, "created_at"):  # (a knowledge page has no creation date)
            restored.created_at = record.created_at
        change.save(restored)
        if relations is not None:
            versions.apply(restored, relations, user=user)
    return restored
