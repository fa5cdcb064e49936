"""Reads about partnerships and projects, shared by views, the API, the atlas and the exports.

Stable interface:

- ``partnerships_visible_to(user) -> QuerySet[Partnership]``: published partnerships for everyone,
  plus drafts whose parties include one of the user's organisations; everything for coordinators.
- ``projects_visible_to(user) -> QuerySet[Project]``: published projects for everyone, plus drafts
  whose parties (the partnership's parties and the lead organisation) include one of the user's
  organisations; everything for coordinators.
- ``party_ids(record) -> set[int]``: the organisation ids that are parties of a partnership or a
  project (a project's parties: its partnership's parties and its lead organisation).
- ``partnerships_of(organisation)``, ``projects_of(organisation)``: an organisation's records.
- ``stale_partnerships(...)``, ``stale_projects(...)``: records unchanged for over 12 months.
- ``agreements_due(...)``: signed agreements to renew within 90 days (or overdue).
"""

from __future__ import annotations

import datetime

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from coopdec.actors.selectors import is_coordinator, organisation_ids_of, stale_filter
from coopdec.common.models import PublicationStatus

from .models import Document, Partnership, PartnershipParty, Project

PUBLISHED = Q(publication_status=PublicationStatus.PUBLISHED)


def _partnership_party_ids(partnership: Partnership) -> set[int]:
    cache = getattr(partnership, "_prefetched_objects_cache", {})
    if "party_links" in cache:
        return {link.organisation_id for link in cache["party_links"]}
    if partnership.pk is None:
        return set()
    return set(PartnershipParty.objects.filter(partnership_id=partnership.pk).values_list("organisation_id", flat=True))


def party_ids(record) -> set[int]:
    """Organisation ids of the parties of a Partnership or a Project."""
    if isinstance(record, Partnership):
        return _partnership_party_ids(record)
    if isinstance(record, Project):
        ids = set()
        if record.lead_organisation_id:
            ids.add(record.lead_organisation_id)
        if record.partnership is not None:
            ids |= _partnership_party_ids(record.partnership)

        return ids
    raise TypeError(f"not a partnership or a project: {record!r}")


def parties_shown_to(user, partnership: Partnership) -> tuple[list[PartnershipParty], int]:
    """The parties of ``partnership`` whose organisation ``user`` may see, and how many others
    there are (draft organisations: counted, never named, on every page and in the API).

    A partnership's form (bilateral: two parties; multilateral: more) counts all its parties, as the
    atlas does, so a page may list two parties of a multilateral partnership and say one more is
    not shown."""
    links = list(partnership.party_links.select_related("organisation__country").order_by("organisation__name", "id"))
    shown = [link for link in links if user.has_perm("actors.view_organisation", link.organisation)]
    return shown, len(links) - len(shown)


def _partnerships_with_parties(organisation_ids) -> QuerySet:
    return PartnershipParty.objects.filter(organisation_id__in=organisation_ids).values("partnership_id")


def partnerships_visible_to(user) -> QuerySet[Partnership]:
    queryset = Partnership.objects.all()
    if is_coordinator(user):
        return queryset
    own = organisation_ids_of(user)
    if not own:
        return queryset.filter(PUBLISHED)
    return queryset.filter(PUBLISHED | Q(id__in=_partnerships_with_parties(own)))


def projects_visible_to(user) -> QuerySet[Project]:
    queryset = Project.objects.all()
    if is_coordinator(user):
        return queryset
    own = organisation_ids_of(user)
    if not own:
        return queryset.filter(PUBLISHED)
    return queryset.filter(
        PUBLISHED | Q(lead_organisation_id__in=own) | Q(partnership_id__in=_partnerships_with_parties(own))
    )


def with_parties(queryset: QuerySet[Partnership]) -> QuerySet[Partnership]:
    return queryset.prefetch_related(
        Prefetch("party_links", queryset=PartnershipParty.objects.select_related("organisation__country"))
    )


def partnerships_of(organisation, *, user) -> QuerySet[Partnership]:
    """The partnerships ``organisation`` is a party to, as ``user`` may see them."""
    return with_parties(
        partnerships_visible_to(user).filter(id__in=_partnerships_with_parties([organisation.pk]))
    ).order_by("-id")


def projects_of(organisation, *, user) -> QuerySet[Project]:
    """The projects ``organisation`` leads or is a party to, as ``user`` may see them."""
    return (
        projects_visible_to(user)
        .filter(Q(lead_organisation=organisation) | Q(partnership_id__in=_partnerships_with_parties([organisation.pk])))
        .select_related("partnership", "lead_organisation")
        .order_by("-id")
    )


def _partnerships_in(countries) -> QuerySet:
    """Ids of the partnerships with a party in ``countries`` (ISO codes)."""
    return PartnershipParty.objects.filter(organisation__country_id__in=countries).values("partnership_id")


def _projects_in(projects: QuerySet[Project], countries) -> QuerySet[Project]:
    """A project belongs to the countries of its lead organisation and of its partnership's parties."""
    return projects.filter(
        Q(lead_organisation__country_id__in=countries) | Q(partnership_id__in=_partnerships_in(countries))
    )


def stale_partnerships(*, organisation_ids=None, countries=None, now=None) -> QuerySet[Partnership]:
    """Partnerships to check (``stale_filter``), of ``organisation_ids`` or in ``countries`` if given."""
    queryset = Partnership.objects.filter(stale_filter(now))
    if organisation_ids is not None:
        queryset = queryset.filter(id__in=_partnerships_with_parties(organisation_ids))
    if countries is not None:
        queryset = queryset.filter(id__in=_partnerships_in(countries))
    return with_parties(queryset).order_by("updated_at")


def stale_projects(*, organisation_ids=None, countries=None, now=None) -> QuerySet[Project]:
    """Projects to check (``stale_filter``), of ``organisation_ids`` or in ``countries`` if given."""
    queryset = Project.objects.filter(stale_filter(now))
    if organisation_ids is not None:
        queryset = queryset.filter(
            Q(lead_organisation_id__in=organisation_ids)
            | Q(partnership_id__in=_partnerships_with_parties(organisation_ids))
        )
    if countries is not None:
        queryset = _projects_in(queryset, countries)
    return queryset.select_related("lead_organisation").order_by("updated_at")


def agreements_due(*, organisation_ids=None, within_days: int = 90, today=None):
    """Signed agreements whose renewal date is past or within ``within_days`` days, soonest first."""
    today = today or timezone.localdate()
    queryset = Document.objects.filter(is_agreement=True, renewal_on__lte=today + datetime.timedelta(days=within_days))
    if organisation_ids is not None:
        queryset = queryset.filter(partnership_id__in=_partnerships_with_parties(organisation_ids))
    return queryset.select_related("partnership").order_by("renewal_on")


REVIEW_QUEUE_LIMIT = 200


def review_countries(user) -> frozenset[str] | None:
    """The countries whose drafts ``user`` reviews: ``None`` for every country (platform coordinators),
    else the countries they coordinate (possibly none)."""
    from coopdec.actors.selectors import coordinated_country_codes

    return None if is_coordinator(user) else coordinated_country_codes(user)


def review_scope(user, requested: str = ""):
    """(the countries ``user`` may choose among, the chosen country code or "", the countries to
    show: the chosen one, else all of the user's; ``None`` for every country). A country the user
    does not coordinate is ignored, whatever the query string says."""
    from coopdec.territories.models import Country

    allowed = review_countries(user)
    choices = Country.objects.all() if allowed is None else Country.objects.filter(code__in=allowed)
    choices = choices.order_by("name_folded")
    country = requested.strip().upper()
    if country and not choices.filter(code=country).exists():
        country = ""
    return choices, country, (frozenset({country}) if country else allowed)


def review_queue(*, countries=None, limit: int = REVIEW_QUEUE_LIMIT) -> dict:
    """Draft organisations, partnerships and projects waiting for publication, newest first, in
    ``countries`` (ISO codes; ``None``: every country). A partnership or a project belongs to the
    countries of its parties and of its lead organisation."""
    from coopdec.actors.models import Organisation

    draft = Q(publication_status=PublicationStatus.DRAFT)
    organisations = Organisation.objects.filter(draft).select_related("country", "proposed_by")
    partnerships = Partnership.objects.filter(draft)
    projects = Project.objects.filter(draft)
    if countries is not None:
        organisations = organisations.filter(country_id__in=countries)
        partnerships = partnerships.filter(id__in=_partnerships_in(countries))
        projects = _projects_in(projects, countries)
    return {
        "organisations": list(organisations.order_by("-created_at", "-pk")[:limit]),
        "organisation_count": organisations.count(),
        "partnerships": list(with_parties(partnerships).order_by("-created_at", "-pk")[:limit]),
        "partnership_count": partnerships.count(),
        "projects": list(projects.select_related("lead_organisation__country").order_by("-created_at", "-pk")[:limit]),
        "project_count": projects.count(),
    }
