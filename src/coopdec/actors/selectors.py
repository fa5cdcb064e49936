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
- ``access_request_answerers(organisation) -> (who, users)``: who answers a request to join it;
  ``access_requests_to_answer(user)``: the pending requests ``user`` may answer.
- ``organisation_records_unchanged_since(...)`` / ``stale_records(...)``: freshness dashboards.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from coopdec.common.models import PublicationStatus, Source

from .models import (
    AccessRequest,
    AccessRequestStatus,
    CountryCoordinator,
    Membership,
    MembershipRole,
    Organisation,
)

STALE_AFTER = timedelta(days=365)
ALTERNATE_NAMES_BELOW = 1  # search alternate names only when no main name matches (a scan)
ALTERNATE_NAMES_MIN_POPULATION = 15_000
_CACHE_ATTRIBUTE = "_coopdec_roles"


def is_coordinator(user) -> bool:
    return bool(
        user is not None and user.is_authenticated and user.is_active and (user.is_coordinator or user.is_superuser)
    )


def coordinated_country_codes(user) -> frozenset[str]:
    """ISO codes of the countries ``user`` coordinates (cached on the user object); platform coordinators
    coordinate every country but are not listed here: test ``is_coordinator`` first."""
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    codes = getattr(user, "_coopdec_countries", None)
    if codes is None:
        codes = frozenset(CountryCoordinator.objects.filter(user=user).values_list("country_id", flat=True))
        user._coopdec_countries = codes
    return codes


def coordinates_country(user, country_code: str | None) -> bool:
    """Platform coordinator, or coordinator of that country."""
    return is_coordinator(user) or (country_code is not None and country_code in coordinated_country_codes(user))


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
    """Published organisations, plus the drafts of the user's own organisations and the partners the user
    proposed (all for coordinators)."""
    queryset = Organisation.objects.all()
    if is_coordinator(user):
        return queryset
    condition = Q(publication_status=PublicationStatus.PUBLISHED)
    if user.is_authenticated:
        condition |= Q(proposed_by=user)
    own = organisation_ids_of(user)
    if own:
        condition |= Q(id__in=own)
    return queryset.filter(condition)


def organisations_to_join(user) -> QuerySet[Organisation]:
    """The organisations one may ask to join (``/access/``): those ``user`` sees, and the partners
    proposed from a partnership form that nobody administers yet (their people claim them)."""
    unclaimed = Q(proposed_at__isnull=False) & ~Q(pk__in=Membership.objects.values("organisation_id"))
    return Organisation.objects.filter(Q(pk__in=organisations_visible_to(user).values("pk")) | unclaimed)


def organisations_of(user) -> QuerySet[Organisation]:
    """The organisations ``user`` is a member of ("My organisations")."""
    return Organisation.objects.filter(id__in=organisation_ids_of(user)).order_by("name")


def members_of(organisation: Organisation) -> QuerySet[Membership]:
    return organisation.memberships.select_related("user").order_by("user__username")


def stale_cutoff(now=None):
    return (now or timezone.now()) - STALE_AFTER


# Records brought in by an import (twinnings list, spreadsheet, IATI) are unconfirmed until a person
# confirms them: the import's date says nothing about their accuracy.
IMPORTED_SOURCES = (Source.TWINNINGS, Source.SPREADSHEET, Source.IATI)


def is_stale(record, now=None) -> bool:
    """Unchanged and unconfirmed for over 12 months, or imported and never confirmed."""
    if record.source in IMPORTED_SOURCES and record.confirmed_at is None:
        return True
    return record.last_checked_at < stale_cutoff(now)


def stale_filter(now=None) -> Q:
    """A filter for records neither changed nor confirmed for over 12 months, or imported and never
    confirmed."""
    cutoff = stale_cutoff(now)
    return (Q(updated_at__lt=cutoff) & (Q(confirmed_at__isnull=True) | Q(confirmed_at__lt=cutoff))) | Q(
        source__in=IMPORTED_SOURCES, confirmed_at__isnull=True
    )


def _prefix_range(text: str) -> tuple[str, str]:
    """Bounds such that ``low <= value < high`` means ``value.startswith(text)`` (uses the plain index)."""
    return text, text[:-1] + chr(ord(text[-1]) + 1)


def search_localities(text: str, *, limit: int = 10, country: str | None = None):
    """Localities whose folded name starts with the folded ``text``, most populated first (accents optional)."""
    from coopdec.common.text import fold
    from coopdec.territories.models import Locality

    folded = fold(text)
    if len(folded) < 2:
        return []
    low, high = _prefix_range(folded)
    queryset = Locality.objects.filter(name_folded__gte=low, name_folded__lt=high)
    if country:
        queryset = queryset.filter(country_id=country.upper())
    results = list(queryset.select_related("country").order_by("-population", "name")[:limit])
    if len(results) < ALTERNATE_NAMES_BELOW and len(folded) >= 4:
        # Few matches on the main name: look for the text at the start of an alternate name
        # ("Bruxelles" → Brussels). A scan of the JSON lists, so only as a fallback for longer text.
        # Exonyms matter for larger places; the population bound keeps the scan short.
        alternates = Locality.objects.filter(
            population__gte=ALTERNATE_NAMES_MIN_POPULATION, alternate_names__icontains='"' + text.strip()
        ).exclude(pk__in=[locality.pk for locality in results])
        if country:
            alternates = alternates.filter(country_id=country.upper())
        results += list(alternates.select_related("country").order_by("-population")[: limit - len(results)])
    return results


def search_organisations(text: str, *, queryset=None, limit: int = 10):
    """Organisations whose folded name (or acronym) starts with, or whose name contains, the folded ``text``."""
    from coopdec.common.text import fold

    folded = fold(text)
    if len(folded) < 2:
        return []
    queryset = queryset if queryset is not None else Organisation.objects.all()
    low, high = _prefix_range(folded)
    starts = list(
        queryset.filter(name_folded__gte=low, name_folded__lt=high).select_related("country").order_by("name")[:limit]
    )
    if len(starts) < limit:
        seen = [org.pk for org in starts]
        starts += list(
            queryset.filter(Q(name_folded__contains=folded) | Q(acronym__iexact=text.strip()))
            .exclude(pk__in=seen)
            .select_related("country")
            .order_by("name")[: limit - len(starts)]
        )
    return starts


# What the editors of a record's other parties read in place of a draft organisation's name (its
# name is for its members and coordinators): edit pages, history pages.
UNPUBLISHED_NAME = gettext_lazy("(an organisation not yet published)")


def organisation_name_for(user, organisation) -> str:
    """``organisation``'s name if ``user`` may see it, else a placeholder."""
    if organisation is None:
        return ""
    if user.has_perm("actors.view_organisation", organisation):
        return organisation.name
    return str(UNPUBLISHED_NAME)


def access_request_answerers(organisation: Organisation) -> tuple[str, list]:
    """Who answers a request to join ``organisation``: ``("admins", users)`` when it has active
    administrators, else ``("coordinators", users)``: the coordinators of its country and the platform
    coordinators (possibly none: the request then waits for one to be named)."""
    from django.contrib.auth import get_user_model

    active = get_user_model().objects.filter(is_active=True)
    admins = list(
        active.filter(memberships__organisation=organisation, memberships__role=MembershipRole.ADMIN).order_by("pk")
    )
    if admins:
        return "admins", admins
    coordinators = active.filter(Q(coordinated_countries__country_id=organisation.country_id) | Q(is_coordinator=True))
    return "coordinators", list(coordinators.distinct().order_by("pk"))


def can_answer_access_request(user, access_request: AccessRequest) -> bool:
    """Platform coordinators, the coordinators of the organisation's country, its administrators."""
    organisation = access_request.organisation
    return (
        coordinates_country(user, organisation.country_id)
        or roles_of(user).get(organisation.pk) == MembershipRole.ADMIN
    )


def access_requests_to_answer(user, *, organisation: Organisation | None = None) -> QuerySet[AccessRequest]:
    """The confirmed requests awaiting an answer that ``user`` may answer, oldest first."""
    queryset = AccessRequest.objects.filter(status=AccessRequestStatus.PENDING).select_related(
        "organisation", "organisation__country"
    )
    if organisation is not None:
        queryset = queryset.filter(organisation=organisation)
    if not is_coordinator(user):
        condition = Q(organisation_id__in=organisation_ids_of(user, admin=True))
        countries = coordinated_country_codes(user)
        if countries:
            condition |= Q(organisation__country_id__in=countries)
        queryset = queryset.filter(condition)
    return queryset.order_by("created_at", "pk")


def working_language(organisations, *more: str) -> str | None:
    """The first working language of the organisations (then of ``more`` codes) that the site speaks, if any.

    The language to write to them in; callers choose their own fallback.
    """
    spoken = {code for code, _name in settings.LANGUAGES}
    codes = [code for organisation in organisations for code in organisation.languages or []]
    return next((code for code in [*codes, *more] if code in spoken), None)
