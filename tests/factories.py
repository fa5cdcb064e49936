"""Plain factory functions with no surprises: every argument has a sensible, visible default."""

import itertools
from decimal import Decimal

from django.contrib.auth import get_user_model

from coopdec.actors.models import Membership, MembershipRole, Organisation, OrganisationKind
from coopdec.common.models import PublicationStatus
from coopdec.cooperation.models import (
    Partnership,
    PartnershipKind,
    PartnershipParty,
    Project,
    ProjectSector,
)
from coopdec.territories.models import Locality

_seq = itertools.count(1)


def make_user(username: str | None = None, *, password: str = "a-long-passphrase-42", **fields):
    username = username or f"user{next(_seq)}"
    return get_user_model().objects.create_user(username, email=f"{username}@example.org", password=password, **fields)


def make_organisation(
    name: str | None = None,
    *,
    geonameid: int | None = 2988507,
    kind: str = OrganisationKind.MUNICIPALITY,
    published: bool = True,
    **fields,
) -> Organisation:
    """A local government at a real place (default: Paris, GeoNames 2988507)."""
    locality = Locality.objects.get(geonameid=geonameid) if geonameid else None
    defaults = {
        "name": name or (locality.name if locality else f"Organisation {next(_seq)}"),
        "kind": kind,
        "locality": locality,
        "country_id": fields.pop("country_id", locality.country_id if locality else "FR"),
        "latitude": locality.latitude if locality else None,
        "longitude": locality.longitude if locality else None,
        "population": locality.population if locality else None,
        "publication_status": PublicationStatus.PUBLISHED if published else PublicationStatus.DRAFT,
    }
    defaults.update(fields)
    return Organisation.objects.create(**defaults)


def make_member(organisation: Organisation, *, role: str = MembershipRole.EDITOR, user=None):
    user = user or make_user()
    Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


def make_partnership(
    *parties: Organisation, kind: str = PartnershipKind.TWINNING, published: bool = True, **fields
) -> Partnership:
    partnership = Partnership.objects.create(
        kind=kind, publication_status=PublicationStatus.PUBLISHED if published else PublicationStatus.DRAFT, **fields
    )
    for organisation in parties:
        PartnershipParty.objects.create(partnership=partnership, organisation=organisation)
    return partnership


def make_project(
    *,
    partnership: Partnership | None = None,
    lead: Organisation | None = None,
    title: dict | None = None,
    sectors: dict[str, int] | None = None,
    published: bool = True,
    **fields,
) -> Project:
    project = Project.objects.create(
        partnership=partnership,
        lead_organisation=lead,
        title=title or {"fr": "Accès à l'eau potable", "en": "Access to drinking water"},
        publication_status=PublicationStatus.PUBLISHED if published else PublicationStatus.DRAFT,
        **fields,
    )
    for code, percentage in (sectors or {"14030": 100}).items():
        ProjectSector.objects.create(project=project, code=code, percentage=Decimal(percentage))
    return project
