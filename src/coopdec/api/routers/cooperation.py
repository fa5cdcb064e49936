"""Partnerships and projects: reads for everyone (drafts for their parties), writes with a token."""

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from types import SimpleNamespace
from typing import TYPE_CHECKING, Annotated

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field

from coopdec.actors.models import Organisation
from coopdec.actors.selectors import organisations_visible_to
from coopdec.common.models import PublicationStatus, RecordMixin
from coopdec.cooperation.models import (
    ActivityStatus,
    ParticipantRole,
    Partnership,
    PartnershipForm,
    PartnershipKind,
    PartnershipParty,
    PartnershipStatus,
    PartyRole,
    Project,
    ProjectCountry,
    ProjectParticipant,
    ProjectSdg,
    ProjectSector,
    SupportType,
    partnership_title,
    project_title,
)
from coopdec.cooperation.selectors import partnerships_visible_to, project_lists, projects_visible_to, with_parties
from coopdec.cooperation.services import (
    participant_add,
    participant_remove,
    participant_update,
    partnership_create,
    partnership_delete,
    partnership_update,
    party_add,
    party_remove,
    party_update,
    project_create,
    project_delete,
    project_update,
)

from ..access import require, require_publication_change
from ..auth import token_required
from ..pagination import page_response, paginate
from ..params import MAX_ID, MAX_INT32, PageQuery, StrictQuery, no_query
from ..schemas import OrganisationRef, RecordMeta, Versioned, organisation_ref, record_meta

router = Router(tags=["partnerships and projects"])

COUNTRY = "^[A-Za-z]{2}$"


# Shapes ------------------------------------------------------------------------------------


class PartyOut(Schema):
    organisation: OrganisationRef
    role: str
    joined_on: date | None


class PartnershipOut(RecordMeta):
    id: int
    title: dict[str, str] = Field(description="Text per language; may be empty (display_title then names the parties).")
    display_title: str
    description: dict[str, str]
    kind: str
    status: str
    form: str = Field(description="bilateral (two parties) or multilateral (more), counting every party.")
    unlisted_parties: int = Field(
        description="Parties not listed: organisations not yet published that the caller may not see."
    )
    start_date: date | None
    end_date: date | None
    strategy_start_year: int | None
    strategy_end_year: int | None
    parties: list[PartyOut]


class SectorOut(Schema):
    vocabulary: str = Field(description="IATI SectorVocabulary: 1 = DAC 5-digit, 2 = DAC 3-digit.")
    code: str
    percentage: Decimal | None


class ProjectOut(RecordMeta):
    id: int
    iati_identifier: str
    title: dict[str, str]
    display_title: str
    summary: dict[str, str]
    status: str = Field(description="IATI ActivityStatus code (1 pipeline ... 6 suspended).")
    partnership: int | None = Field(description="Id of the partnership the project belongs to.")
    lead_organisation: OrganisationRef | None
    sectors: list[SectorOut]
    sdgs: list[str] = Field(description="SDG goals (6) or targets (6.1).")
    axes: list[str] = Field(description="Cooperation axis codes.")
    recipient_countries: list[str]
    support_types: list[str]
    planned_start: date | None
    planned_end: date | None
    actual_start: date | None
    actual_end: date | None
    beneficiaries_count: int | None
    currency: str
    language: str


class LocationOut(Schema):
    name: str
    geonameid: int | None
    latitude: float | None
    longitude: float | None
    country: str | None


class ParticipantOut(Schema):
    organisation: OrganisationRef
    role: str = Field(description="IATI OrganisationRole code: 1 funding, 2 accountable, 3 extending, 4 implementing.")
    activity_id: str = Field(description="The identifier this organisation gives the project in its own IATI data.")


class BudgetOut(Schema):
    period_start: date
    period_end: date
    value: Decimal
    currency: str
    type: str
    status: str


class ContributionOut(Schema):
    organisation: OrganisationRef | None
    contributor_name: str
    role: str
    kind: str
    amount: Decimal
    currency: str
    year: int | None


class ProjectDetailOut(ProjectOut):
    description: dict[str, str]
    locations: list[LocationOut]
    participants: list[ParticipantOut]
    budgets: list[BudgetOut]
    contributions: list[ContributionOut]


class PartnershipPage(Schema):
    next: str | None
    results: list[PartnershipOut]


class ProjectPage(Schema):
    next: str | None
    results: list[ProjectOut]


def partnership_out(partnership: Partnership, user) -> dict:
    links = getattr(partnership, "_api_parties", None)
    if links is None:
        links = list(partnership.party_links.all())
    parties = [
        {"organisation": ref, "role": link.role, "joined_on": link.joined_on}
        for link in links
        if (ref := organisation_ref(link.organisation, user)) is not None
    ]
    names = [party["organisation"]["name"] for party in parties]
    return {
        "id": partnership.pk,
        "title": partnership.title or {},
        "display_title": partnership_title(partnership.title, names, partnership.pk),
        "description": partnership.description or {},
        "kind": partnership.kind,
        "status": partnership.status,
        "form": PartnershipForm.of(len(links)).value,
        "unlisted_parties": len(links) - len(parties),
        "start_date": partnership.start_date,
        "end_date": partnership.end_date,
        "strategy_start_year": partnership.strategy_start_year,
        "strategy_end_year": partnership.strategy_end_year,
        "parties": parties,
        **record_meta(partnership),
    }


def load_lists(projects: Sequence["Project | Row"]) -> None:
    """Sectors, SDGs, axes and recipient countries of a page of projects, in one query."""
    lists = project_lists([project.pk for project in projects])
    for project in projects:
        project._api_lists = lists[project.pk]  # type: ignore[union-attr]  # a cache kept on the instance


def _project_lists(project: Project) -> dict:
    if not hasattr(project, "_api_lists"):
        load_lists([project])
    return project._api_lists  # type: ignore[attr-defined]  # set by load_lists


def project_out(project: Project, user, *, detail: bool = False) -> dict:
    data = {
        "id": project.pk,
        "iati_identifier": project.iati_identifier,
        "title": project.title or {},
        "display_title": project_title(project.title, project.pk),
        "summary": project.summary or {},
        "status": project.status,
        "partnership": project.partnership_id,
        "lead_organisation": organisation_ref(project.lead_organisation, user),
        **_project_lists(project),
        "support_types": project.support_types or [],
        "planned_start": project.planned_start,
        "planned_end": project.planned_end,
        "actual_start": project.actual_start,
        "actual_end": project.actual_end,
        "beneficiaries_count": project.beneficiaries_count,
        "currency": project.currency,
        "language": project.language,
        **record_meta(project),
    }
    if detail:
        data["description"] = project.description or {}
        data["locations"] = [
            {
                "name": loc["name"],
                "geonameid": loc["locality_id"],
                "latitude": loc["latitude"],
                "longitude": loc["longitude"],
                "country": loc["country_id"],
            }
            for loc in project.locations.values("name", "locality_id", "latitude", "longitude", "country_id")
        ]
        data["participants"] = participants_out(project, user)
        data["budgets"] = list(
            project.budgets.values("period_start", "period_end", "value", "currency", "type", "status")
        )
        contributions = list(
            project.contributions.values(
                "contributor_name", "role", "kind", "amount", "currency", "year", *organisation_columns("organisation")
            )
        )
        data["contributions"] = [
            {
                "organisation": organisation_ref(organisation, user),
                "contributor_name": c["contributor_name"],
                "role": c["role"],
                "kind": c["kind"],
                "amount": c["amount"],
                "currency": c["currency"],
                "year": c["year"],
            }
            for c, organisation in zip(contributions, organisations_of(contributions, "organisation"), strict=True)
        ]
    return data


def participants_out(project: Project, user) -> list[dict]:
    """The project's participating organisations the caller may see, by role then name (as on the web)."""
    participants = list(
        project.participants.order_by("role", "organisation__name", "id").values(
            "role", "activity_id", *organisation_columns("organisation")
        )
    )
    return [
        {"organisation": ref, "role": participant["role"], "activity_id": participant["activity_id"]}
        for participant, organisation in zip(participants, organisations_of(participants, "organisation"), strict=True)
        if (ref := organisation_ref(organisation, user)) is not None
    ]


# The columns the API shows (``only``): the rest (descriptions of lead organisations, beneficiary
# groups, ...) is neither read nor decoded.
def organisation_columns(prefix: str) -> tuple[str, ...]:
    """The values() columns of the organisation a row refers to by ``prefix`` (e.g. lead_organisation)."""
    return (f"{prefix}_id", f"{prefix}__publication_status", f"{prefix}__name", f"{prefix}__kind", f"{prefix}__country")


RECORD_FIELDS = (
    "id",
    "publication_status",
    "is_demo",
    "source",
    "source_ref",
    "created_at",
    "updated_at",
    "confirmed_at",
)
ORGANISATION_REF_FIELDS = ("id", "publication_status", "name", "kind", "country_id")
PARTNERSHIP_LIST_FIELDS = (
    *RECORD_FIELDS,
    "title",
    "description",
    "kind",
    "status",
    "start_date",
    "end_date",
    "strategy_start_year",
    "strategy_end_year",
)
# A page of projects is read with values(): building 50 models cost more CPU than the query.
PROJECT_FIELDS = (
    *RECORD_FIELDS,
    "iati_identifier",
    "title",
    "summary",
    "status",
    "partnership_id",
    "support_types",
    "planned_start",
    "planned_end",
    "actual_start",
    "actual_end",
    "beneficiaries_count",
    "currency",
    "language",
)
PROJECT_LIST_COLUMNS = (*PROJECT_FIELDS, *organisation_columns("lead_organisation"))
# One project for reading: only what project_out shows (a full select of the project, its
# partnership and its lead cost more to build than to run).
PROJECT_DETAIL_FIELDS = (
    *PROJECT_FIELDS,
    "description",
    *(f"lead_organisation__{name}" for name in ORGANISATION_REF_FIELDS),
)


class Row(SimpleNamespace):
    """A record read with ``values()``, with the attributes of its model that the serialisers read."""

    if TYPE_CHECKING:  # the model's properties, borrowed: typed as what they give
        is_published: bool
        last_checked_at: datetime | None
    else:
        is_published = RecordMixin.is_published
        last_checked_at = RecordMixin.last_checked_at

    @property
    def pk(self):
        return self.id


def organisations_of(rows: list[dict], prefix: str) -> list:
    """The organisation each values() row refers to by ``prefix``, or None. A draft is a real model
    (one query for all the rows), so that the access rules judge it as anywhere else."""
    found: list[Organisation | Row | None] = [
        None
        if row[f"{prefix}_id"] is None
        else Row(
            id=row[f"{prefix}_id"],
            publication_status=row[f"{prefix}__publication_status"],
            name=row[f"{prefix}__name"],
            kind=row[f"{prefix}__kind"],
            country_id=row[f"{prefix}__country"],
        )
        for row in rows
    ]
    drafts = {organisation.pk for organisation in found if organisation is not None and not organisation.is_published}
    if drafts:
        models = Organisation.objects.in_bulk(drafts)
        found = [
            models[organisation.pk] if organisation is not None and organisation.pk in drafts else organisation
            for organisation in found
        ]
    return found


def project_rows(values: list[dict]) -> list[Row]:
    """Projects from ``PROJECT_LIST_COLUMNS`` values, with their lead organisation and lists."""
    leads = organisations_of(values, "lead_organisation")
    projects = [
        Row(
            **{name: value for name, value in row.items() if not name.startswith("lead_organisation__")},
            lead_organisation=lead,
        )
        for row, lead in zip(values, leads, strict=True)
    ]
    load_lists(projects)
    return projects


def partnership_rows(values: list[dict]) -> list[Row]:
    """Partnerships from ``PARTNERSHIP_LIST_FIELDS`` values, with their parties (one query for the
    page; a draft party organisation is a model, for the access rules to judge)."""
    partnerships = [Row(**row) for row in values]
    parties = defaultdict(list)
    links = list(
        PartnershipParty.objects.filter(partnership_id__in=[p.pk for p in partnerships])
        .order_by("id")
        .values("partnership_id", "role", "joined_on", *organisation_columns("organisation"))
    )
    for link, organisation in zip(links, organisations_of(links, "organisation"), strict=True):
        parties[link["partnership_id"]].append(
            Row(role=link["role"], joined_on=link["joined_on"], organisation=organisation)
        )
    for partnership in partnerships:
        partnership._api_parties = parties[partnership.pk]
    return partnerships


# Filters -----------------------------------------------------------------------------------


class PartnershipQuery(PageQuery):
    organisation: int | None = Field(None, ge=1, le=MAX_ID, description="Partnerships this organisation is a party to.")
    country: str | None = Field(None, pattern=COUNTRY, description="Partnerships with a party in this country.")
    kind: PartnershipKind | None = None
    status: PartnershipStatus | None = None


class ProjectQuery(PageQuery):
    organisation: int | None = Field(
        None, ge=1, le=MAX_ID, description="Projects this organisation leads or is a party to."
    )
    partnership: int | None = Field(None, ge=1, le=MAX_ID)
    country: str | None = Field(
        None, pattern=COUNTRY, description="Projects of an organisation of this country, or for it as recipient."
    )
    status: ActivityStatus | None = Field(None, description="IATI ActivityStatus code.")
    sector: str | None = Field(None, pattern=r"^(\d{3}|\d{5})$", description="DAC 3-digit category or 5-digit sector.")
    sdg: int | None = Field(None, ge=1, le=17, description="Sustainable Development Goal.")
    axis: str | None = Field(None, max_length=40, description="Cooperation axis code.")
    support: SupportType | None = None


def _party_partnerships(condition: Q):
    return PartnershipParty.objects.filter(condition).values("partnership_id")


def hidden_filter(user, *, organisation: int | None = None, partnership: int | None = None) -> bool:
    """Whether a list is filtered by an organisation or partnership ``user`` may not see: such a
    filter answers as one naming no record (an empty list), so that it reveals nothing of a draft."""
    if organisation is not None and not organisations_visible_to(user).filter(pk=organisation).exists():
        return True
    return partnership is not None and not partnerships_visible_to(user).filter(pk=partnership).exists()


def filter_projects(projects, params: ProjectQuery, user):
    """Each filter is a semi-join (``id IN (...)``) so that no filter multiplies rows (no DISTINCT)
    and PostgreSQL can walk the projects in id order, testing each against the filters (hashed
    sub-plans, built once per query), and join the lead organisation of the page's rows only."""
    if hidden_filter(user, organisation=params.organisation, partnership=params.partnership):
        return projects.none()
    if params.organisation:
        projects = projects.filter(
            Q(lead_organisation_id=params.organisation)
            | Q(partnership_id__in=_party_partnerships(Q(organisation_id=params.organisation)))
        )
    if params.partnership:
        projects = projects.filter(partnership_id=params.partnership)
    if params.country:
        country = params.country.upper()
        projects = projects.filter(
            Q(lead_organisation_id__in=Organisation.objects.filter(country_id=country).values("id"))
            | Q(partnership_id__in=_party_partnerships(Q(organisation__country_id=country)))
            | Q(id__in=ProjectCountry.objects.filter(country_id=country).values("project_id"))
        )
    if params.status:
        projects = projects.filter(status=params.status)
    if params.sector:
        projects = projects.filter(
            id__in=ProjectSector.objects.filter(code__startswith=params.sector).values("project_id")
        )
    if params.sdg:
        goal = str(params.sdg)
        projects = projects.filter(
            id__in=ProjectSdg.objects.filter(Q(target=goal) | Q(target__startswith=f"{goal}.")).values("project_id")
        )
    if params.axis:
        projects = projects.filter(id__in=Project.axes.through.objects.filter(axis_id=params.axis).values("project_id"))
    if params.support:
        # JSON list of codes: match the quoted code in its text.
        projects = projects.filter(support_types__icontains=f'"{params.support}"')
    return projects


# Reads -------------------------------------------------------------------------------------


def visible_partnership(user, pk: int) -> Partnership:
    partnership = get_object_or_404(with_parties(Partnership.objects.all()), pk=pk)
    if not user.has_perm("cooperation.view_partnership", partnership):
        raise Http404
    return partnership


def readable_project(user, pk: int) -> Project:
    """A project ``user`` may see, with only the columns the API shows (404 otherwise)."""
    queryset = Project.objects.select_related("lead_organisation").only(*PROJECT_DETAIL_FIELDS)
    project = get_object_or_404(queryset, pk=pk)
    if not user.has_perm("cooperation.view_project", project):
        raise Http404
    return project


def visible_project(user, pk: int) -> Project:
    project = get_object_or_404(Project.objects.select_related("partnership", "lead_organisation"), pk=pk)
    if not user.has_perm("cooperation.view_project", project):
        raise Http404
    return project


@router.get("/partnerships", response=PartnershipPage, summary="List partnerships", tags=["partnerships"])
def list_partnerships(request, params: Query[PartnershipQuery]):
    """Published partnerships (and drafts the caller's organisations are party to), newest first."""
    partnerships = partnerships_visible_to(request.user)
    if hidden_filter(request.user, organisation=params.organisation):
        partnerships = partnerships.none()
    if params.organisation:
        partnerships = partnerships.filter(id__in=_party_partnerships(Q(organisation_id=params.organisation)))
    if params.country:
        partnerships = partnerships.filter(
            id__in=_party_partnerships(Q(organisation__country_id=params.country.upper()))
        )
    if params.kind:
        partnerships = partnerships.filter(kind=params.kind)
    if params.status:
        partnerships = partnerships.filter(status=params.status)
    return page_response(
        paginate(
            request,
            partnerships.values(*PARTNERSHIP_LIST_FIELDS),
            ordering=("-id",),
            cursor=params.cursor,
            limit=params.limit,
            serialize=lambda partnership: partnership_out(partnership, request.user),
            load=partnership_rows,
        )
    )


@router.get(
    "/partnerships/{int:partnership_id}", response=PartnershipOut, summary="One partnership", tags=["partnerships"]
)
@no_query
def get_partnership(request, partnership_id: int):
    return partnership_out(visible_partnership(request.user, partnership_id), request.user)


@router.get("/projects", response=ProjectPage, summary="List projects", tags=["projects"])
def list_projects(request, params: Query[ProjectQuery]):
    """Published projects (and drafts of the caller's organisations), newest first."""
    projects = filter_projects(projects_visible_to(request.user), params, request.user)
    return page_response(
        paginate(
            request,
            projects.values(*PROJECT_LIST_COLUMNS),
            ordering=("-id",),
            cursor=params.cursor,
            limit=params.limit,
            serialize=lambda project: project_out(project, request.user),
            load=project_rows,
        )
    )


@router.get("/projects/{int:project_id}", response=ProjectDetailOut, summary="One project", tags=["projects"])
@no_query
def get_project(request, project_id: int):
    return project_out(readable_project(request.user, project_id), request.user, detail=True)


# Writes ------------------------------------------------------------------------------------


def _visible_organisation(user, pk: int, field: str):
    organisation = organisations_visible_to(user).filter(pk=pk).first()
    if organisation is None:
        raise ValidationError({field: [_("No organisation with the id %(id)s (or you may not see it).") % {"id": pk}]})
    return organisation


class PartyIn(Schema):
    model_config = ConfigDict(extra="forbid")

    organisation: int = Field(ge=1, le=MAX_ID, description="Organisation id.")
    role: PartyRole = PartyRole.PARTNER


class PartnershipFields(Schema):
    model_config = ConfigDict(extra="forbid")

    title: dict[str, str] | None = None
    description: dict[str, str] | None = None
    kind: PartnershipKind | None = None
    status: PartnershipStatus | None = None
    start_date: date | None = None
    end_date: date | None = None
    strategy_start_year: int | None = Field(None, ge=1900, le=2100)
    strategy_end_year: int | None = Field(None, ge=1900, le=2100)
    publication_status: PublicationStatus | None = None


class PartnershipPatch(PartnershipFields, Versioned):
    pass


class PartnershipIn(PartnershipFields):
    parties: list[PartyIn] = Field(min_length=2, max_length=200, description="At least two parties, one you edit.")


def _non_null(fields: dict, defaults: dict) -> dict:
    return {key: (defaults[key] if value is None and key in defaults else value) for key, value in fields.items()}


PARTNERSHIP_DEFAULTS = {
    "title": {},
    "description": {},
    "kind": PartnershipKind.TWINNING,
    "status": PartnershipStatus.ACTIVE,
    "publication_status": PublicationStatus.DRAFT,
}


@router.post(
    "/partnerships",
    response={201: PartnershipOut},
    auth=token_required,
    summary="Create a partnership",
    tags=["partnerships"],
)
def create_partnership(request, payload: PartnershipIn):
    require(
        request.user,
        "cooperation.add_partnership",
        None,
        _("Only editors of an organisation (or a coordinator) may create partnerships."),
    )
    fields = _non_null(payload.model_dump(exclude_unset=True, exclude={"parties"}), PARTNERSHIP_DEFAULTS)
    parties = [
        (_visible_organisation(request.user, party.organisation, "parties"), party.role) for party in payload.parties
    ]
    partnership = partnership_create(user=request.user, parties=parties, **fields)
    return Status(201, partnership_out(visible_partnership(request.user, partnership.pk), request.user))


@router.patch(
    "/partnerships/{int:partnership_id}",
    response=PartnershipOut,
    auth=token_required,
    summary="Update a partnership",
    tags=["partnerships"],
)
def update_partnership(request, partnership_id: int, payload: PartnershipPatch):
    """Changes the partnership's own fields; its parties change through `/partnerships/{id}/parties`."""
    partnership = visible_partnership(request.user, partnership_id)
    require(
        request.user,
        "cooperation.change_partnership",
        partnership,
        _("Only the parties' editors (or a coordinator) may change this partnership."),
    )
    fields = _non_null(payload.model_dump(exclude_unset=True, exclude={"version"}), PARTNERSHIP_DEFAULTS)
    require_publication_change(request.user, "cooperation.publish_partnership", partnership, fields)
    partnership_update(partnership=partnership, user=request.user, version=payload.version, **fields)
    return partnership_out(visible_partnership(request.user, partnership_id), request.user)


@router.delete(
    "/partnerships/{int:partnership_id}",
    response={204: None},
    auth=token_required,
    summary="Delete a partnership",
    tags=["partnerships"],
)
def delete_partnership(request, partnership_id: int):
    partnership = visible_partnership(request.user, partnership_id)
    require(
        request.user,
        "cooperation.delete_partnership",
        partnership,
        _("Only the parties' administrators (or a coordinator) may delete this partnership."),
    )
    partnership_delete(partnership=partnership, user=request.user)
    return Status(204, None)


class PartyAddIn(PartyIn):
    joined_on: date | None = Field(None, description="When the organisation joined the partnership.")


@router.post(
    "/partnerships/{int:partnership_id}/parties",
    response={201: PartnershipOut},
    auth=token_required,
    summary="Add a party to a partnership",
    tags=["partnerships"],
)
def add_party(request, partnership_id: int, payload: PartyAddIn):
    """The parties' administrators (or a coordinator) may add any organisation they can see."""
    partnership = visible_partnership(request.user, partnership_id)
    require(
        request.user,
        "cooperation.manage_parties",
        partnership,
        _("Only the parties' administrators (or a coordinator) may change the parties of this partnership."),
    )
    organisation = _visible_organisation(request.user, payload.organisation, "organisation")
    party_add(
        partnership=partnership,
        organisation=organisation,
        role=payload.role,
        joined_on=payload.joined_on,
        user=request.user,
    )
    return Status(201, partnership_out(visible_partnership(request.user, partnership_id), request.user))


class PartyPatch(Schema):
    model_config = ConfigDict(extra="forbid")

    role: PartyRole | None = Field(None, description="Left out: unchanged.")
    joined_on: date | None = Field(
        None, description="When the organisation joined; null clears it, left out: unchanged."
    )


def _party_of(partnership: Partnership, organisation_id: int, user) -> PartnershipParty:
    """A party of the partnership, if the caller may see its organisation (404 otherwise)."""
    party = next((link for link in partnership.party_links.all() if link.organisation_id == organisation_id), None)
    if party is None or organisation_ref(party.organisation, user) is None:
        raise Http404
    return party


@router.patch(
    "/partnerships/{int:partnership_id}/parties/{int:organisation_id}",
    response=PartnershipOut,
    auth=token_required,
    summary="Change a party's role or joining date",
    tags=["partnerships"],
)
def change_party(request, partnership_id: int, organisation_id: int, payload: PartyPatch):
    """The parties' administrators (or a coordinator) may change a party's role and the date it joined."""
    partnership = visible_partnership(request.user, partnership_id)
    require(
        request.user,
        "cooperation.manage_parties",
        partnership,
        _("Only the parties' administrators (or a coordinator) may change the parties of this partnership."),
    )
    party = _party_of(partnership, organisation_id, request.user)
    changes = payload.model_dump(exclude_unset=True)
    party_update(
        party=party,
        role=changes.get("role") or party.role,
        joined_on=changes["joined_on"] if "joined_on" in changes else party.joined_on,
        user=request.user,
    )
    return partnership_out(visible_partnership(request.user, partnership_id), request.user)


@router.delete(
    "/partnerships/{int:partnership_id}/parties/{int:organisation_id}",
    response={204: None},
    auth=token_required,
    summary="Remove a party from a partnership",
    tags=["partnerships"],
)
def remove_party(request, partnership_id: int, organisation_id: int):
    """A partnership keeps at least two parties: add the new partner before removing the old one."""
    partnership = visible_partnership(request.user, partnership_id)
    require(
        request.user,
        "cooperation.manage_parties",
        partnership,
        _("Only the parties' administrators (or a coordinator) may change the parties of this partnership."),
    )
    party_remove(party=_party_of(partnership, organisation_id, request.user), user=request.user)
    return Status(204, None)


# Participating organisations (IATI participating-org): managed by the lead organisation's editors


@router.get(
    "/projects/{int:project_id}/participants",
    response=list[ParticipantOut],
    summary="List a project's participating organisations",
    tags=["projects"],
)
@no_query
def list_participants(request, project_id: int):
    """By role, then name. An organisation may appear once per role; drafts the caller may not see are left out."""
    return participants_out(readable_project(request.user, project_id), request.user)


class ParticipantIn(Schema):
    model_config = ConfigDict(extra="forbid")

    organisation: int = Field(ge=1, le=MAX_ID, description="Organisation id.")
    role: ParticipantRole = Field(
        description="IATI OrganisationRole code: 1 funding, 2 accountable, 3 extending, 4 implementing."
    )
    activity_id: str = Field(
        "", max_length=200, description="The identifier this organisation gives the project in its own IATI data."
    )


def managed_project(user, project_id: int) -> Project:
    """A project the caller sees (404 otherwise) and whose participants they manage (403 otherwise)."""
    project = visible_project(user, project_id)
    require(
        user,
        "cooperation.manage_participants",
        project,
        _(
            "Only the editors of the project's lead organisation (of its parties, when it has no lead organisation) "
            "or a coordinator may change its participating organisations."
        ),
    )
    return project


@router.post(
    "/projects/{int:project_id}/participants",
    response={201: list[ParticipantOut]},
    auth=token_required,
    summary="List an organisation as participating in a project",
    tags=["projects"],
)
def add_participant(request, project_id: int, payload: ParticipantIn):
    """Any organisation the caller can see, with one role; the answer is the project's participants."""
    project = managed_project(request.user, project_id)
    organisation = _visible_organisation(request.user, payload.organisation, "organisation")
    participant_add(
        project=project,
        organisation=organisation,
        role=payload.role,
        activity_id=payload.activity_id,
        user=request.user,
    )
    return Status(201, participants_out(project, request.user))


class ParticipantQuery(StrictQuery):
    role: ParticipantRole | None = Field(
        None, description="Which of the organisation's roles in the project: needed only when it has several."
    )


class ParticipantPatch(Schema):
    model_config = ConfigDict(extra="forbid")

    role: ParticipantRole | None = Field(None, description="The new role; left out: unchanged.")
    activity_id: str | None = Field(None, max_length=200, description="Left out: unchanged; empty clears it.")


def _participant_of(project: Project, organisation_id: int, role: str | None, user) -> ProjectParticipant:
    """The organisation's listing in the project, if the caller may see the organisation (404 otherwise);
    ``role`` picks one when the organisation has several (400 when it is needed and missing)."""
    listings = list(
        project.participants.select_related("organisation").filter(organisation_id=organisation_id).order_by("role")
    )
    if not listings or organisation_ref(listings[0].organisation, user) is None:
        raise Http404
    if role is not None:
        listings = [listing for listing in listings if listing.role == role]
        if not listings:
            raise Http404
    if len(listings) > 1:
        raise ValidationError(
            {
                "role": [
                    _(
                        "%(name)s has several roles in this project (%(roles)s): say which with the query parameter "
                        "?role=."
                    )
                    % {"name": listings[0].organisation.name, "roles": ", ".join(listing.role for listing in listings)}
                ]
            }
        )
    return listings[0]


@router.patch(
    "/projects/{int:project_id}/participants/{int:organisation_id}",
    response=list[ParticipantOut],
    auth=token_required,
    summary="Change a participating organisation's role or activity identifier",
    tags=["projects"],
)
def change_participant(
    request, project_id: int, organisation_id: int, params: Query[ParticipantQuery], payload: ParticipantPatch
):
    """Fields left out stay as they are; the answer is the project's participants."""
    project = managed_project(request.user, project_id)
    participant = _participant_of(project, organisation_id, params.role, request.user)
    changes = payload.model_dump(exclude_unset=True)
    participant_update(
        participant=participant,
        role=changes.get("role") or participant.role,
        activity_id=participant.activity_id if changes.get("activity_id") is None else changes["activity_id"],
        user=request.user,
    )
    return participants_out(project, request.user)


@router.delete(
    "/projects/{int:project_id}/participants/{int:organisation_id}",
    response={204: None},
    auth=token_required,
    summary="Remove a participating organisation from a project",
    tags=["projects"],
)
def remove_participant(request, project_id: int, organisation_id: int, params: Query[ParticipantQuery]):
    """Removes one listing: the organisation's only role, or the one named by ``?role=``."""
    project = managed_project(request.user, project_id)
    participant_remove(
        participant=_participant_of(project, organisation_id, params.role, request.user), user=request.user
    )
    return Status(204, None)


class SectorIn(Schema):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(max_length=20, description="DAC 5-digit code (vocabulary 1) or 3-digit (vocabulary 2).")
    vocabulary: str = Field("1", pattern="^(1|2)$")
    percentage: Decimal | None = Field(None, ge=0, le=100)


class PointIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str = Field("", max_length=255)
    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)
    country: str | None = Field(None, pattern=COUNTRY)


class ProjectFields(Schema):
    model_config = ConfigDict(extra="forbid")

    title: dict[str, str] | None = Field(None, description="Text per language code (fr, en, es, pt).")
    summary: dict[str, str] | None = None
    description: dict[str, str] | None = None
    partnership: int | None = Field(None, ge=1, le=MAX_ID, description="Id of a partnership you edit.")
    lead_organisation: int | None = Field(None, ge=1, le=MAX_ID, description="Id of an organisation you edit.")
    status: ActivityStatus | None = None
    sectors: list[SectorIn] | None = Field(
        None, max_length=100, description="Replaces the list; percentages add up to 100."
    )
    sdgs: list[str] | None = Field(None, max_length=200, description="Replaces the list: goals (6) or targets (6.1).")
    axes: list[str] | None = Field(None, max_length=50, description="Replaces the list of axis codes.")
    locations: list[Annotated[int, Field(ge=1, le=MAX_INT32)] | PointIn] | None = Field(
        None, max_length=500, description="GeoNames ids or points; replaces the list."
    )
    support_types: list[SupportType] | None = None
    planned_start: date | None = None
    planned_end: date | None = None
    actual_start: date | None = None
    actual_end: date | None = None
    beneficiaries_count: int | None = Field(None, ge=0, le=2_000_000_000)
    currency: str | None = Field(None, pattern="^[A-Za-z]{3}$")
    language: str | None = Field(None, pattern="^([a-z]{2})?$")
    iati_identifier: str | None = Field(None, max_length=200)
    publication_status: PublicationStatus | None = None


class ProjectPatch(ProjectFields, Versioned):
    pass


class ProjectIn(ProjectFields):
    title: dict[str, str] = Field(description="Text per language code (fr, en, es, pt); at least one.")


PROJECT_DEFAULTS = {
    "summary": {},
    "description": {},
    "status": ActivityStatus.IMPLEMENTATION,
    "support_types": [],
    "currency": "EUR",
    "language": "",
    "iati_identifier": "",
    "publication_status": PublicationStatus.DRAFT,
}


def project_fields(request, payload: ProjectFields, *, project: Project | None = None) -> dict:
    """Service arguments from a payload; the partnership and lead must be records the caller edits."""
    data = payload.model_dump(exclude_unset=True, exclude={"version"})
    fields = _non_null(
        {k: v for k, v in data.items() if k not in {"sectors", "locations", "partnership", "lead_organisation"}},
        PROJECT_DEFAULTS,
    )
    user = request.user
    if "partnership" in data:
        partnership = None
        if data["partnership"] is not None:
            partnership = partnerships_visible_to(user).filter(pk=data["partnership"]).first()
            if partnership is None:
                raise ValidationError(
                    {
                        "partnership": [
                            _("No partnership with the id %(id)s (or you may not see it).")
                            % {"id": data["partnership"]}
                        ]
                    }
                )
            if (project is None or partnership.pk != project.partnership_id) and not user.has_perm(
                "cooperation.change_partnership", partnership
            ):
                raise PermissionDenied(_("You may only attach a project to a partnership you edit."))
        fields["partnership"] = partnership
    if "lead_organisation" in data:
        lead = None
        if data["lead_organisation"] is not None:
            lead = _visible_organisation(user, data["lead_organisation"], "lead_organisation")
            if (project is None or lead.pk != project.lead_organisation_id) and not user.has_perm(
                "actors.change_organisation", lead
            ):
                raise PermissionDenied(_("You may only name as lead an organisation you edit."))
        fields["lead_organisation"] = lead
    if payload.sectors is not None:
        fields["sectors"] = [(s.vocabulary, s.code, s.percentage) for s in payload.sectors]
    if data.get("locations") is not None:
        fields["locations"] = data["locations"]
    for key in ("sdgs", "axes"):
        if key in fields and fields[key] is None:
            fields[key] = []
    if "currency" in fields:
        fields["currency"] = fields["currency"].upper()
    return fields


@router.post(
    "/projects", response={201: ProjectDetailOut}, auth=token_required, summary="Create a project", tags=["projects"]
)
def create_project(request, payload: ProjectIn):
    """Within a partnership you edit and/or led by an organisation you edit."""
    require(
        request.user,
        "cooperation.add_project",
        None,
        _("Only editors of an organisation (or a coordinator) may create projects."),
    )
    fields = project_fields(request, payload)
    project = project_create(user=request.user, **fields)
    return Status(201, project_out(readable_project(request.user, project.pk), request.user, detail=True))


@router.patch(
    "/projects/{int:project_id}",
    response=ProjectDetailOut,
    auth=token_required,
    summary="Update a project",
    tags=["projects"],
)
def update_project(request, project_id: int, payload: ProjectPatch):
    """Fields left out stay as they are; lists (sectors, sdgs, axes, locations) sent replace the old ones."""
    project = visible_project(request.user, project_id)
    require(
        request.user,
        "cooperation.change_project",
        project,
        _("Only the parties' editors (or a coordinator) may change this project."),
    )
    fields = project_fields(request, payload, project=project)
    require_publication_change(request.user, "cooperation.publish_project", project, fields)
    project_update(project=project, user=request.user, version=payload.version, **fields)
    return project_out(readable_project(request.user, project_id), request.user, detail=True)


@router.delete(
    "/projects/{int:project_id}",
    response={204: None},
    auth=token_required,
    summary="Delete a project",
    tags=["projects"],
)
def delete_project(request, project_id: int):
    project = visible_project(request.user, project_id)
    require(
        request.user,
        "cooperation.delete_project",
        project,
        _("Only the parties' administrators (or a coordinator) may delete this project."),
    )
    project_delete(project=project, user=request.user)
    return Status(204, None)
