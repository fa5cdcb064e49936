"""Someone who joins an organisation receives the proposals that were waiting for it.

Offers and requests show on their organisation's atlas document (the "offers" and "seeks"
facets): any change to one, or to its axes, reindexes the organisation once the transaction
commits (``coopdec.atlas.signals.schedule`` gathers the changes of a transaction)."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from coopdec.actors.models import Membership
from coopdec.atlas.signals import schedule

from .models import Offer, PartnerRequest


@receiver([post_save, post_delete], sender=Offer, dispatch_uid="matching_offer_atlas")
@receiver([post_save, post_delete], sender=PartnerRequest, dispatch_uid="matching_request_atlas")
def _listing_changed(sender, instance, **kwargs):
    schedule("organisation", instance.organisation_id)


@receiver(m2m_changed, sender=Offer.axes.through, dispatch_uid="matching_offer_axes_atlas")
@receiver(m2m_changed, sender=PartnerRequest.axes.through, dispatch_uid="matching_request_axes_atlas")
def _listing_axes_changed(sender, instance, action, reverse, pk_set, model, **kwargs):
    if not action.startswith("post_"):
        return
    if not reverse:
        schedule("organisation", instance.organisation_id)
        return
    # axis.offers.add(...): ``pk_set`` holds listings of ``model``.
    for organisation_id in model.objects.filter(pk__in=pk_set or ()).values_list("organisation_id", flat=True):
        schedule("organisation", organisation_id)


@receiver(post_save, sender=Membership, dispatch_uid="matching_membership_proposals")
def _member_joined(sender, instance, created, **kwargs):
    """Someone joins an organisation (an approved access request, an invitation): the proposals that
    found nobody there reach them (``services.proposals_deliver_held``)."""
    if created and not kwargs.get("raw"):
        from .services import proposals_deliver_held

        proposals_deliver_held(organisation=instance.organisation, user=instance.user)
