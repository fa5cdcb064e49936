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
- ``with_parties(queryset)``: partnerships with their parties (one more query), for pages and the API.
- ``project_lists(project_ids)``: the sectors, SDGs, axes and recipient countries of a page of
  projects, in one query.
- ``counted_values(queryset=None)``: the indicator values that count (approved numeric actuals).
- ``standard_indicator_totals(projects=..., codes=..., year=...)``: each standard indicator summed
  across projects and partnerships (cumulative ones: the latest period), with its parts by dimensions.
- ``results_dashboard(organisation_ids=..., countries=...)``: late, returned and waiting updates.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from django.db import connection
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from coopdec.actors.selectors import is_coordinator, organisation_ids_of, stale_filter
from coopdec.common.models import PublicationStatus
from coopdec.vocabularies.models import Axis

from .models import Document, Partnership, PartnershipParty, Project, ProjectCountry, ProjectSdg, ProjectSector

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
    """The partnerships with their party links, in the order the parties joined, each with its
    organisation and the organisation's country (one more query for all of them)."""
    return queryset.prefetch_related(
        Prefetch(
            "party_links", queryset=PartnershipParty.objects.select_related("organisation__country").order_by("id")
        )
    )


# The lists a project carries (sectors, SDGs, axes, recipient countries) for a page of projects


PROJECT_LISTS = ("sectors", "sdgs", "axes", "recipient_countries")
_LIST_ORDER = {  # rows: (list, project id, code, vocabulary, percentage, position)
    "sectors": lambda row: (row[4] is None, -(row[4] or 0), row[2]),  # largest share first, then code
    "sdgs": lambda row: row[5],  # as entered
    "axes": lambda row: (row[5], row[2]),  # the axes' own order
    "recipient_countries": lambda row: row[5],  # as entered
}
_CENT = Decimal("0.01")


# One branch per table; the tables' names come from the models, ``{ids}`` is the project ids' placeholders.
# Plain SQL because building this union through the ORM cost more CPU than running it (bench/api.py).
_LISTS_SQL = """
SELECT 'sectors', project_id, code, vocabulary, percentage, id FROM {sector} WHERE project_id IN ({{ids}})
UNION ALL SELECT 'sdgs', project_id, target, NULL, NULL, id FROM {sdg} WHERE project_id IN ({{ids}})
UNION ALL SELECT 'axes', a.project_id, a.axis_id, NULL, NULL, x.position
    FROM {project_axes} a JOIN {axis} x ON x.code = a.axis_id WHERE a.project_id IN ({{ids}})
UNION ALL SELECT 'recipient_countries', project_id, country_id, NULL, NULL, id
    FROM {country} WHERE project_id IN ({{ids}})
"""


@lru_cache(maxsize=1)
def _lists_sql() -> str:
    return _LISTS_SQL.format(
        sector=ProjectSector._meta.db_table,
        sdg=ProjectSdg._meta.db_table,
        project_axes=Project.axes.through._meta.db_table,
        axis=Axis._meta.db_table,
        country=ProjectCountry._meta.db_table,
    )


def project_lists(project_ids: list[int]) -> dict[int, dict[str, list]]:
    """{project id: {list name: rows}} for the ``PROJECT_LISTS`` of these projects, in one query, each
    list in the order pages show it: ``sectors`` as {"vocabulary", "code", "percentage"} (largest share
    first, then code), ``sdgs``, ``axes`` and ``recipient_countries`` as codes (as entered; axes in the
    axes' own order)."""
    grouped: dict[int, dict[str, list]] = {pk: {name: [] for name in PROJECT_LISTS} for pk in project_ids}
    if project_ids:
        with connection.cursor() as cursor:
            cursor.execute(_lists_sql().format(ids=", ".join(["%s"] * len(project_ids))), list(project_ids) * 4)
            for row in cursor.fetchall():
                if row[4] is not None:  # numeric(5, 2); SQLite gives an int or a float
                    row = (*row[:4], Decimal(str(row[4])).quantize(_CENT), row[5])
                grouped[row[1]][row[0]].append(row)
    lists = {}
    for pk, rows in grouped.items():
        for name, key in _LIST_ORDER.items():
            rows[name].sort(key=key)
        lists[pk] = {
            "sectors": [{"vocabulary": r[3], "code": r[2], "percentage": r[4]} for r in rows["sectors"]],
            **{name: [r[2] for r in rows[name]] for name in ("sdgs", "axes", "recipient_countries")},
        }
    return lists


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


# Results monitoring: what counts (approved actuals), sums of the standard indicators, the dashboard


def counted_values(queryset=None) -> QuerySet:
    """The indicator values that count: approved, with a numeric actual (not "not applicable")."""
    from .models import IndicatorValue, IndicatorValueStatus

    queryset = IndicatorValue.objects.all() if queryset is None else queryset
    return queryset.filter(status=IndicatorValueStatus.APPROVED, not_applicable=False, actual__isnull=False)


@dataclass
class StandardTotal:
    """One standard indicator summed across projects: the total, its parts by dimensions, where from."""

    code: str
    total: Decimal = Decimal(0)
    projects: set[int] = field(default_factory=set)
    partnerships: set[int] = field(default_factory=set)
    parts: dict[tuple[tuple[str, str], ...], Decimal] = field(default_factory=dict)
    values: int = 0


def _standard_values(projects, codes, year) -> QuerySet:
    values = counted_values().filter(indicator__standard__isnull=False)
    if projects is not None:
        values = values.filter(indicator__result__project__in=projects)
    if codes is not None:
        values = values.filter(indicator__standard_id__in=list(codes))
    if year is not None:
        values = values.filter(period_end__lte=datetime.date(year, 12, 31))
    return values


def _counted_standard_rows(values: QuerySet, year) -> list[tuple]:
    """The approved actuals that count for the standard indicators: (id, code, actual, project, partnership)."""
    rows = values.order_by("period_end", "id").values_list(
        "id",
        "indicator_id",
        "indicator__standard_id",
        "indicator__cumulative",
        "territory_id",
        "period_end",
        "actual",
        "indicator__result__project_id",
        "indicator__result__project__partnership_id",
    )
    latest: dict[tuple[int, int | None], tuple] = {}
    counted: list[tuple] = []
    for row in rows:
        pk, indicator, code, cumulative, territory, end, actual, project, partnership = row
        if cumulative:
            latest[indicator, territory] = (pk, code, actual, project, partnership)  # the last period wins
        elif year is None or end.year == year:
            counted.append((pk, code, actual, project, partnership))
    return counted + list(latest.values())


def standard_indicator_totals(
    *, projects: QuerySet[Project] | None = None, codes=None, year: int | None = None, by_project: bool = False
) -> dict:
    """``{standard indicator code: StandardTotal}`` over the approved actuals of ``projects`` (all by default);
    with ``by_project``, ``{(code, project id): StandardTotal}``.

    Periodic indicator: the actuals of its periods add up. Cumulative indicator: each period includes
    the ones before, so only the latest period counts, per indicator and territory measured. With
    ``year``, only the periods ending in that year (periodic), or by its end (cumulative). The parts
    of a breakdown (``IndicatorDisaggregation``, actual) are summed the same way, per set of dimensions.
    Two queries whatever the number of projects.
    """
    from .models import IndicatorDisaggregation

    values = _standard_values(projects, codes, year)
    counted = _counted_standard_rows(values, year)
    totals: dict = {}
    key_of = {}
    for pk, code, actual, project, partnership in counted:
        key = (code, project) if by_project else code
        key_of[pk] = key
        total = totals.setdefault(key, StandardTotal(code))
        total.total += actual
        total.values += 1
        total.projects.add(project)
        if partnership:
            total.partnerships.add(partnership)
    # The parts of the same values (a cumulative indicator's earlier periods are read, and skipped).
    for value_id, dimensions, number in IndicatorDisaggregation.objects.filter(
        indicator_value__in=values.values("pk"), measure="actual", value__isnull=False
    ).values_list("indicator_value_id", "dimensions", "value"):
        if value_id in key_of:
            parts = totals[key_of[value_id]].parts
            key = tuple(sorted(dimensions.items()))
            parts[key] = parts.get(key, Decimal(0)) + number
    return totals


def _project_ids_of_organisations(organisation_ids) -> QuerySet:
    return Project.objects.filter(
        Q(lead_organisation_id__in=organisation_ids)
        | Q(partnership_id__in=_partnerships_with_parties(list(organisation_ids)))
    ).values("pk")


DASHBOARD_LIMIT = 200


def results_dashboard(
    *, organisation_ids=None, countries=None, visible=None, today=None, limit: int = DASHBOARD_LIMIT
) -> dict:
    """Updates to act on: late (due date past, neither submitted nor approved), returned with a comment,
    and submitted ones waiting for the approval of ``organisation_ids``' editors.

    ``organisation_ids``: the projects of these organisations (and the approvals they give);
    ``countries``: the projects in these countries (coordinators); both ``None``: every project;
    ``visible``: only these projects (``projects_visible_to(user)``: a draft stays with those who see it).
    """
    from .models import IndicatorValue, IndicatorValueStatus
    from .monitoring import approver_ids

    today = today or timezone.localdate()
    values = IndicatorValue.objects.select_related(
        "indicator__result__project__lead_organisation", "territory", "submitted_by"
    ).order_by("due_date", "period_end", "id")
    if visible is not None:
        values = values.filter(indicator__result__project__in=visible)
    scoped = values
    if organisation_ids is not None:
        scoped = values.filter(indicator__result__project__in=_project_ids_of_organisations(organisation_ids))
    if countries is not None:
        scoped = scoped.filter(indicator__result__project__in=_projects_in(Project.objects.all(), countries))
    late = scoped.filter(due_date__lt=today, status__in=[IndicatorValueStatus.DRAFT, IndicatorValueStatus.RETURNED])
    returned = scoped.filter(status=IndicatorValueStatus.RETURNED)
    submitted_values = values.filter(status=IndicatorValueStatus.SUBMITTED)
    submitted: list
    if organisation_ids is not None:
        # The approver named on the indicator, or (by default) a party, a funder of the project.
        candidates = submitted_values.filter(
            Q(indicator__approver_id__in=organisation_ids)
            | Q(
                indicator__approver__isnull=True,
                indicator__result__project__in=_project_ids_of_organisations(organisation_ids),
            )
            | Q(
                indicator__approver__isnull=True,
                indicator__result__project__participants__organisation_id__in=organisation_ids,
            )
            | Q(
                indicator__approver__isnull=True,
                indicator__result__project__contributions__organisation_id__in=organisation_ids,
            )
        ).distinct()
        approvers: dict[int, set[int]] = {}  # per indicator: a few queries each, once
        submitted = []
        for value in candidates[: limit * 2]:
            if value.indicator_id not in approvers:
                approvers[value.indicator_id] = approver_ids(value.indicator)
            if approvers[value.indicator_id] & set(organisation_ids):
                submitted.append(value)
    elif countries is not None:
        submitted = list(
            submitted_values.filter(indicator__result__project__in=_projects_in(Project.objects.all(), countries))[
                :limit
            ]
        )
    else:
        submitted = list(submitted_values[:limit])
    return {
        "late": list(late[:limit]),
        "late_count": late.count(),
        "returned": list(returned[:limit]),
        "returned_count": returned.count(),
        "waiting": submitted[:limit],
        "waiting_count": len(submitted),
        "today": today,
    }
