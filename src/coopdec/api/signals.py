"""A deactivated user's tokens are revoked at once, so that reactivating the account (say, by
mistake, or after a leak) does not bring them back: its owner creates new ones."""

from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver

from .services import tokens_revoke_all


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="api-revoke-tokens-of-inactive-users")
def revoke_tokens_of_inactive_user(sender, instance, **kwargs):
    if not instance.is_active:
        tokens_revoke_all(user=instance)
