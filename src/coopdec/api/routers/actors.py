"""Organisations: local governments and their partners."""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field

from coopdec.actors.models import Organisation, OrganisationKind
from coopdec.actors.selectors import organisations_visible_to
from coopdec.actors.services import organisation_create, organisation_delete, organisation_update
from coopdec.common.models import PublicationStatus
from coopdec.common.text import fold
from coopdec.territories.models import Locality, Subdivision

from ..access import require, require_publication_change
from ..auth import token_required
from ..pagination import page_response, paginate
from ..params import MAX_INT32, PageQuery, no_query
from ..schemas import PlaceRef, RecordMeta, Versioned, record_meta

router = Router(tags=["organisations"])


class OrganisationOut(RecordMeta):
    id: int
    name: str
    acronym: str
    kind: str
    country: str = Field(description="ISO 3166-1 alpha-2 code.")
    locality: PlaceRef | None = Field(description="The GeoNames place of a local government.")
    subdivision: str | None = Field(description="ISO 3166-2 code of a regional government.")
    latitude: float | None
    longitude: float | None
    population: int | None
    iati_identifier: str
    website: str
    languages: list[str]
    description: dict[str, str] = Field(description="Text per language code.")


class ContactOut(Schema):
    kind: str
    name: str
    function: str
    email: str
    phone: str


class OrganisationDetailOut(OrganisationOut):
    contacts: list[ContactOut] | None = Field(description="Only for signed-in callers (a token); null otherwise.")


class OrganisationPage(Schema):
    next: str | None
    results: list[OrganisationOut]


class OrganisationQuery(PageQuery):
    q: str | None = Field(
        None, min_length=1, max_length=100, description="Start of the name, accents and case ignored."
    )
    country: str | None = Field(None, pattern="^[A-Za-z]{2}$", description="ISO 3166-1 alpha-2 code.")
    kind: OrganisationKind | None = None
    geonameid: int | None = Field(None, ge=1, le=MAX_INT32, description="Organisations at this GeoNames place.")
    subdivision: str | None = Field(None, max_length=10, description="ISO 3166-2 code.")


def organisation_out(organisation: Organisation) -> dict:
    locality = organisation.locality
    return {
        "id": organisation.pk,
        "name": organisation.name,
        "acronym": organisation.acronym,
        "kind": organisation.kind,
        "country": organisation.country_id,
        "locality": {"geonameid": locality.geonameid, "name": locality.name} if locality else None,
        "subdivision": organisation.subdivision_id,
        "latitude": organisation.latitude,
        "longitude": organisation.longitude,
        "population": organisation.population,
        "iati_identifier": organisation.iati_identifier,
        "website": organisation.website,
        "languages": organisation.languages or [],
        "description": organisation.description or {},
        **record_meta(organisation),
    }


# The columns organisation_out shows: a locality's alternate names (a long JSON list) and the rest
# are neither read nor decoded for a page of organisations.
ORGANISATION_LIST_FIELDS = (
    "id",
    "publication_status",
    "is_demo",
    "source",
    "source_ref",
    "created_at",
    "updated_at",
    "confirmed_at",
    "name",
    "acronym",
    "kind",
    "country_id",
    "locality__geonameid",
    "locality__name",
    "subdivision_id",
    "latitude",
    "longitude",
    "population",
    "iati_identifier",
    "website",
    "languages",
    "description",
)


def visible_organisation(user, pk: int) -> Organisation:
    organisation = get_object_or_404(Organisation.objects.select_related("locality"), pk=pk)
    if not user.has_perm("actors.view_organisation", organisation):
        raise Http404
    return organisation


@router.get("", response=OrganisationPage, summary="List organisations")
def list_organisations(request, params: Query[OrganisationQuery]):
    """Published organisations (and the drafts of the caller's own organisations), by id."""
    organisations = organisations_visible_to(request.user).select_related("locality").only(*ORGANISATION_LIST_FIELDS)
    if params.country:
        organisations = organisations.filter(country_id=params.country.upper())
    if params.kind:
        organisations = organisations.filter(kind=params.kind)
    if params.geonameid:
        organisations = organisations.filter(locality_id=params.geonameid)
    if params.subdivision:
        organisations = organisations.filter(subdivision_id=params.subdivision.upper())
    if params.q:
        organisations = organisations.filter(name_folded__startswith=fold(params.q))
    return page_response(
        paginate(
            request,
            organisations,
            ordering=("id",),
            cursor=params.cursor,
            limit=params.limit,
            serialize=organisation_out,
        )
    )


@router.get("/{int:organisation_id}", response=OrganisationDetailOut, summary="One organisation")
@no_query
def get_organisation(request, organisation_id: int):
    organisation = visible_organisation(request.user, organisation_id)
    data = organisation_out(organisation)
    data["contacts"] = None
    if request.user.has_perm("actors.view_contacts", organisation):
        data["contacts"] = [
            {"kind": c.kind, "name": c.name, "function": c.function, "email": c.email, "phone": c.phone}
            for c in organisation.contacts.all()
        ]
    return data


# Writes ------------------------------------------------------------------------------------


class OrganisationFields(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, min_length=1, max_length=255)
    acronym: str | None = Field(None, max_length=40)
    kind: OrganisationKind | None = None
    description: dict[str, str] | None = Field(None, description="Text per language code (fr, en, es, pt).")
    geonameid: int | None = Field(
        None,
        ge=1,
        le=MAX_INT32,
        description="GeoNames place of a local government (sets country, coordinates, population).",
    )
    subdivision: str | None = Field(None, max_length=10, description="ISO 3166-2 code of a regional government.")
    country: str | None = Field(
        None, pattern="^[A-Za-z]{2}$", description="Required for organisations without a place."
    )
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    iati_identifier: str | None = Field(None, max_length=150)
    website: str | None = Field(None, max_length=200)
    languages: list[str] | None = Field(None, description="ISO 639-1 codes.")
    publication_status: PublicationStatus | None = Field(None, description="draft (default) or published.")


class OrganisationPatch(OrganisationFields, Versioned):
    """Fields to change; those left out stay as they are."""


class OrganisationIn(OrganisationFields):
    name: str = Field(min_length=1, max_length=255)
    kind: OrganisationKind


def organisation_fields(payload: Schema) -> dict:
    """Service arguments from a payload: only the fields sent; places checked to exist."""
    data = payload.model_dump(exclude_unset=True, exclude={"version"})
    fields = {key: value for key, value in data.items() if key not in {"geonameid", "subdivision"}}
    for key in ("acronym", "iati_identifier", "website"):
        if key in fields and fields[key] is None:
            fields[key] = ""
    for key in ("description", "languages"):
        if key in fields and fields[key] is None:
            fields[key] = {} if key == "description" else []
    if "geonameid" in data:
        geonameid = data["geonameid"]
        if geonameid is not None and not Locality.objects.filter(geonameid=geonameid).exists():
            raise ValidationError(
                {
                    "geonameid": [
                        _("No GeoNames place has the id %(id)s; find it with /api/v1/localities?q=...")
                        % {"id": geonameid}
                    ]
                }
            )
        fields["locality"] = geonameid
    if "subdivision" in data:
        code = (data["subdivision"] or "").upper() or None
        if code is not None and not Subdivision.objects.filter(code=code).exists():
            raise ValidationError(
                {"subdivision": [_("No ISO 3166-2 subdivision has the code %(code)s.") % {"code": code}]}
            )
        fields["subdivision"] = code
    return fields


def _saved(organisation: Organisation) -> dict:
    organisation = Organisation.objects.select_related("locality").get(pk=organisation.pk)
    data = organisation_out(organisation)
    data["contacts"] = None
    return data


@router.post("", response={201: OrganisationDetailOut}, auth=token_required, summary="Create an organisation")
def create_organisation(request, payload: OrganisationIn):
    """Any signed-in user may; the creator becomes the organisation's administrator. Publishing
    directly (`publication_status: published`) is allowed as on the web site."""
    require(request.user, "actors.add_organisation")
    fields = organisation_fields(payload)
    organisation = organisation_create(user=request.user, **fields)
    return Status(201, _saved(organisation))


@router.patch(
    "/{int:organisation_id}", response=OrganisationDetailOut, auth=token_required, summary="Update an organisation"
)
def update_organisation(request, organisation_id: int, payload: OrganisationPatch):
    organisation = visible_organisation(request.user, organisation_id)
    require(
        request.user,
        "actors.change_organisation",
        organisation,
        _("Only the organisation's editors and administrators (or a coordinator) may change it."),
    )
    fields = organisation_fields(payload)
    require_publication_change(request.user, "actors.publish_organisation", organisation, fields)
    organisation = organisation_update(organisation=organisation, user=request.user, version=payload.version, **fields)
    return _saved(organisation)


@router.delete("/{int:organisation_id}", response={204: None}, auth=token_required, summary="Delete an organisation")
def delete_organisation(request, organisation_id: int):
    organisation = visible_organisation(request.user, organisation_id)
    require(
        request.user,
        "actors.delete_organisation",
        organisation,
        _("Only the organisation's administrators (or a coordinator) may delete it."),
    )
    organisation_delete(organisation=organisation, user=request.user)
    return Status(204, None)
