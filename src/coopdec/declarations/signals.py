"""A submitted declaration deleted with its organisation or by hand leaves the national totals."""

from django.db.models.signals import pre_delete
from django.dispatch import receiver

from . import totals
from .models import Declaration, DeclarationStatus


@receiver(pre_delete, sender=Declaration, dispatch_uid="declarations.leave_totals")
def leave_totals(sender, instance: Declaration, **kwargs) -> None:
    # pre_delete: its lines still exist (the cascade deletes them afterwards).
    if instance.status == DeclarationStatus.SUBMITTED:
        totals.add(instance, sign=-1)
