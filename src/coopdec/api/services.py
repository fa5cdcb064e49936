"""Writes of the API app: tokens (create, revoke, authenticate)."""

import hashlib
import secrets
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import ApiToken

TOKEN_PREFIX = "cdk_"  # noqa: S105 - a public marker, not a secret
MAX_ACTIVE_TOKENS = 20
# Recording each use would write on every request; once a minute is precise enough.
LAST_USED_PRECISION = timedelta(minutes=1)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@transaction.atomic
def token_create(*, user, name: str) -> tuple[ApiToken, str]:
    """Create a token for ``user``; return the record and the token (shown once, never stored)."""
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("Give the token a name, for example the tool that will use it."))
    if not user.is_active:
        raise PermissionDenied(_("This account is disabled."))
    if ApiToken.objects.filter(user=user, revoked_at__isnull=True).count() >= MAX_ACTIVE_TOKENS:
        raise ValidationError(
            _("You already have %(count)d active tokens; revoke one you no longer use first.")
            % {"count": MAX_ACTIVE_TOKENS}
        )
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    record = ApiToken.objects.create(
        user=user, name=name[:100], prefix=token[: len(TOKEN_PREFIX) + 6], digest=token_digest(token)
    )
    return record, token


@transaction.atomic
def token_revoke(*, token: ApiToken, by) -> ApiToken:
    """Revoke ``token``; only its owner (or a superuser) may."""
    if token.user_id != by.pk and not by.is_superuser:
        raise PermissionDenied(_("You can only revoke your own tokens."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def tokens_revoke_all(*, user) -> int:
    """Revoke every active token of ``user`` (done when the account is deactivated); return how many."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())


def token_authenticate(token: str) -> ApiToken | None:
    """The active token matching ``token`` (its user active), or None."""
    if not token or not token.startswith(TOKEN_PREFIX) or len(token) > 100:
        return None
    record = (
        ApiToken.objects.select_related("user")
        .filter(digest=token_digest(token), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if record is None:
        return None
    now = timezone.now()
    if record.last_used_at is None or now - record.last_used_at > LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=record.pk).update(last_used_at=now)
        record.last_used_at = now
    return record
