"""A small, hand-made atlas: French, Senegalese, German and Burkinabe local governments."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

from coopdec.actors.models import OrganisationKind
from coopdec.cooperation.models import (
    Budget,
    PartnershipKind,
    PartnershipStatus,
    ProjectCountry,
    ProjectSdg,
)
from tests.factories import make_organisation, make_partnership, make_project

# GeoNames ids of the test slice (tests/conftest.py)
PARIS, LYON, DAKAR, SAINT_LOUIS, BERLIN, OUAGADOUGOU = 2988507, 2996944, 2253354, 2246452, 2950159, 2357048


@dataclass
class Atlas:
    paris: object
    lyon: object
    dakar: object
    saint_louis: object
    berlin: object
    ouagadougou: object
    draft_org: object
    paris_dakar: object
    lyon_ouaga: object
    berlin_paris_dakar: object
    draft_partnership: object
    water: object
    school: object
    culture: object
    draft_project: object


def build_atlas() -> Atlas:
    paris = make_organisation("Ville de Paris", geonameid=PARIS)
    lyon = make_organisation("Métropole de Lyon", geonameid=LYON, kind=OrganisationKind.INTERMUNICIPAL)
    dakar = make_organisation("Ville de Dakar", geonameid=DAKAR)
    saint_louis = make_organisation("Commune de Saint-Louis", geonameid=SAINT_LOUIS)
    berlin = make_organisation("Land Berlin", geonameid=BERLIN, kind=OrganisationKind.REGION)
    ouagadougou = make_organisation("Commune de Ouagadougou", geonameid=OUAGADOUGOU)
    draft_org = make_organisation("Secret Town", geonameid=SAINT_LOUIS, published=False)
    paris_dakar = make_partnership(paris, dakar, start_date=date(2015, 3, 1))
    lyon_ouaga = make_partnership(lyon, ouagadougou, kind=PartnershipKind.AGREEMENT, start_date=date(2019, 1, 1))
    berlin_paris_dakar = make_partnership(
        berlin,
        paris,
        dakar,
        kind=PartnershipKind.NETWORK,
        status=PartnershipStatus.DORMANT,
        title={"en": "Urban climate alliance", "de": "Städtische Klimaallianz"},
    )
    draft_partnership = make_partnership(saint_louis, draft_org, published=False)
    water = make_project(
        partnership=paris_dakar,
        title={"fr": "Accès à l'eau potable dans les quartiers périphériques"},
        summary={"fr": "Forages, bornes-fontaines et coopération technique entre services de l'eau."},
        sectors={"14030": 100},
        support_types=["technical", "financial"],
        planned_start=date(2020, 5, 1),
    )
    Budget.objects.create(
        project=water,
        period_start=date(2020, 1, 1),
        period_end=date(2020, 12, 31),
        value=Decimal("120000"),
        currency="EUR",
    )
    ProjectSdg.objects.create(project=water, target="6.1")
    school = make_project(
        partnership=lyon_ouaga,
        title={"en": "School canteens", "fr": "Cantines scolaires"},
        sectors={"11220": 100},
        support_types=["human"],
        planned_start=date(2021, 9, 1),
        status="3",
    )
    Budget.objects.create(
        project=school,
        period_start=date(2021, 1, 1),
        period_end=date(2021, 12, 31),
        value=Decimal("5000000"),
        currency="XOF",
    )
    culture = make_project(
        partnership=berlin_paris_dakar,
        title={"de": "Kulturaustausch der Jugend", "en": "Youth cultural exchange"},
        sectors={"16061": 100},
        planned_start=date(2020, 2, 1),
    )
    ProjectCountry.objects.create(project=culture, country_id="SN")
    draft_project = make_project(partnership=paris_dakar, title={"fr": "Projet secret d'eau potable"}, published=False)
    return Atlas(
        paris,
        lyon,
        dakar,
        saint_louis,
        berlin,
        ouagadougou,
        draft_org,
        paris_dakar,
        lyon_ouaga,
        berlin_paris_dakar,
        draft_partnership,
        water,
        school,
        culture,
        draft_project,
    )


@pytest.fixture
def atlas(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        data = build_atlas()
    return data


@pytest.fixture(autouse=True)
def _french():
    """Titles are shown in the page language (French, the default): fixed here, whatever an
    earlier test left active."""
    from django.utils import translation

    with translation.override("fr"):
        yield
