"""Reads about organisations and the people who keep them current.

Stable interface, used by the cooperation app, the atlas, the API and the exports:

- ``roles_of(user) -> dict[int, str]``: organisation id → membership role (``editor`` or ``admin``)
  for a signed-in user; empty for anonymous users. Cached on the user object for the request;
  ``forget_roles(user)`` drops the cache after a membership change.
- ``organisation_ids_of(user, *, admin=False) -> set[int]``: the organisations a user belongs to
  (or administers).
- ``is_coordinator(user) -> bool``: platform coordinators (and superusers) see and edit everything.
- ``organisations_visible_to(user) -> QuerySet[Organisation]``: published organisations for
  everyone, plus drafts for their members; everything for coordinators.
- ``organisation_records_unchanged_since(...)`` / ``stale_records(...)``: freshness dashboards.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from coopdec.common.models import PublicationStatus

from .models import Membership, MembershipRole, Organisation

STALE_AFTER = timedelta(days=365)
_CACHE_ATTRIBUTE = "_coopdec_roles"


def is_coordinator(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and (user.is_coordinator or user.is_superuser))


def roles_of(user) -> dict[int, str]:
    """Organisation id → role of ``user`` (cached on the user object)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return {}
    roles = getattr(user, _CACHE_ATTRIBUTE, None)
    if roles is None:
        roles = dict(Membership.objects.filter(user=user).values_list("organisation_id", "role"))
        setattr(user, _CACHE_ATTRIBUTE, roles)
    return roles


def forget_roles(user) -> None:
    if user is not None and hasattr(user, _CACHE_ATTRIBUTE):
        delattr(user, _CACHE_ATTRIBUTE)


def organisation_ids_of(user, *, admin: bool = False) -> set[int]:
    roles = roles_of(user)
    if admin:
        return {org_id for org_id, role in roles.items() if role == MembershipRole.ADMIN}
    return set(roles)


def organisations_visible_to(user) -> QuerySet[Organisation]:
    """Published organisations, plus the drafts of the user's own organisations (all for coordinators)."""
    queryset = Organisation.objects.all()
    if is_coordinator(user):
        return queryset
    condition = Q(publication_status=PublicationStatus.PUBLISHED)
    own = organisation_ids_of(user)
    if own:
        condition |= Q(id__in=own)
    return queryset.filter(condition)


def organisations_of(user) -> QuerySet[Organisation]:
    """The organisations ``user`` is a member of ("My organisations")."""
    return Organisation.objects.filter(id__in=organisation_ids_of(user)).order_by("name")


def members_of(organisation: Organisation) -> QuerySet[Membership]:
    return organisation.memberships.select_related("user").order_by("user__username")


def stale_cutoff(now=None):
    return (now or timezone.now()) - STALE_AFTER


def is_stale(record, now=None) -> bool:
    """Unchanged and unconfirmed for over 12 months."""
    return record.last_checked_at < stale_cutoff(now)


def stale_filter(now=None) -> Q:
    """A filter for records neither changed nor confirmed for over 12 months."""
    cutoff = stale_cutoff(now)
    return Q(updated_at__lt=cutoff) & (Q(confirmed_at__isnull=True) | Q(confirmed_at__lt=cutoff))
