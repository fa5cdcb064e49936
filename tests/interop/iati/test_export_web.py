"""A project entered on the web exports everything it holds, validates, and imports back the same."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation
from lxml import etree

from coopdec.actors.models import OrganisationKind
from coopdec.cooperation.models import (
    Budget,
    ContributionKind,
    ContributorRole,
    Project,
    ProjectCountry,
)
from coopdec.cooperation.services import contribution_add
from coopdec.interop.iati.importer import iati_files_import
from coopdec.interop.iati.needs import iati_needs
from coopdec.interop.iati.validate import validate_file
from tests.factories import make_member, make_organisation, make_partnership, make_project

pytestmark = pytest.mark.django_db

DAKAR = 2253354


def louga_project():
    lyon = make_organisation("Lyon", geonameid=2996944, iati_identifier="FR-SIRET-21690123100011")
    dakar = make_organisation("Dakar", geonameid=DAKAR)
    afd = make_organisation("Agence française de développement", kind=OrganisationKind.NATIONAL_AGENCY)
    project = make_project(
        partnership=make_partnership(lyon, dakar),
        lead=lyon,
        title={"fr": "Maraîchage à Louga"},
        planned_start=datetime.date(2024, 1, 1),
        sectors={"31161": 100},
    )
    Budget.objects.create(
        project=project,
        period_start=datetime.date(2024, 1, 1),
        period_end=datetime.date(2024, 12, 31),
        value=Decimal("400000"),
        currency="EUR",
    )
    ProjectCountry.objects.create(project=project, country_id="SN", percentage=Decimal("100"))
    contribution_add(project=project, organisation=lyon, amount=Decimal("252000"), currency="EUR", year=2024)
    contribution_add(
        project=project,
        organisation=afd,
        role=ContributorRole.FUNDER,
        amount=Decimal("65595700"),
        currency="XOF",
        year=2025,
    )
    contribution_add(
        project=project,
        contributor_name="Région Auvergne-Rhône-Alpes",
        role=ContributorRole.FUNDER,
        kind=ContributionKind.STAFF_TIME,
        amount=Decimal("12000"),
        currency="EUR",
        year=2024,
    )
    return lyon, dakar, afd, project


def figures(project: Project) -> dict:
    return {
        "budgets": list(project.budgets.values_list("period_start", "period_end", "value", "currency")),
        "commitments": sorted(
            project.transactions.filter(type="11").values_list(
                "date", "value", "currency", "provider_name", "provider_ref"
            )
        ),
        "countries": list(project.recipient_countries.values_list("country_id", "percentage")),
        "sectors": list(project.sectors.values_list("vocabulary", "code", "percentage")),
    }


def test_web_project_exports_budget_contributions_funders_countries_and_imports_back(client, tmp_path):
    lyon, dakar, afd, project = louga_project()

    body = b"".join(client.get(f"/iati/organisations/{lyon.pk}/activities.xml").streaming_content)
    path = tmp_path / "lyon.xml"
    path.write_bytes(body)

    assert (validate_file(path).valid, validate_file(path).errors) == (True, [])
    activity = etree.fromstring(body).find("iati-activity")
    assert activity.find("reporting-org").attrib == {"ref": "FR-SIRET-21690123100011", "type": "11"}
    assert [(p.get("role"), p.get("ref"), p.findtext("narrative")) for p in activity.iterfind("participating-org")] == [
        ("4", "FR-SIRET-21690123100011", "Lyon"),
        ("4", None, "Dakar"),
        ("1", None, "Agence française de développement"),
        ("1", None, "Région Auvergne-Rhône-Alpes"),
    ]
    assert 'ref=""' not in body.decode()
    assert [(c.get("code"), c.get("percentage")) for c in activity.iterfind("recipient-country")] == [("SN", "100.00")]
    assert [
        (
            t.find("transaction-type").get("code"),
            t.find("value").text,
            t.find("value").get("currency"),
            t.find("provider-org").get("ref"),
            t.findtext("provider-org/narrative"),
        )
        for t in activity.iterfind("transaction")
    ] == [
        ("11", "252000.00", "EUR", "FR-SIRET-21690123100011", "Lyon"),
        ("11", "12000.00", "EUR", None, "Région Auvergne-Rhône-Alpes"),
        ("11", "65595700.00", "XOF", None, "Agence française de développement"),
    ]

    report = iati_files_import(paths=[path])

    assert (report.created, report.failed) == (1, 0)
    imported = Project.objects.get(iati_identifier=f"FR-SIRET-21690123100011-{project.pk}")
    assert figures(imported) == {
        "budgets": [(datetime.date(2024, 1, 1), datetime.date(2024, 12, 31), Decimal("400000.00"), "EUR")],
        "commitments": [
            (datetime.date(2024, 1, 1), Decimal("12000.00"), "EUR", "Région Auvergne-Rhône-Alpes", ""),
            (datetime.date(2024, 1, 1), Decimal("252000.00"), "EUR", "Lyon", "FR-SIRET-21690123100011"),
            (datetime.date(2025, 1, 1), Decimal("65595700.00"), "XOF", "Agence française de développement", ""),
        ],
        "countries": [("SN", Decimal("100.00"))],
        "sectors": [("1", "31161", Decimal("100.00"))],
    }


def test_web_project_without_identifier_budget_or_country_is_left_out_and_editors_are_told(client):
    dakar = make_organisation("Dakar", geonameid=DAKAR)
    lyon = make_organisation("Lyon", geonameid=2996944)
    project = make_project(
        partnership=make_partnership(lyon, dakar), lead=lyon, planned_start=datetime.date(2024, 1, 1)
    )

    body = b"".join(client.get(f"/iati/organisations/{lyon.pk}/activities.xml").streaming_content)

    assert b"<iati-activity" not in body
    with translation.override("en"):
        needs = [(need.text, need.url) for need in iati_needs(project)]
    assert needs == [
        (
            "IATI needs an organisation identifier for Lyon (add it on its page): until then the project is left out "
            "of "
            "the IATI files.",
            lyon.get_absolute_url(),
        ),
        ("IATI needs an organisation identifier for Dakar (add it on its page).", dakar.get_absolute_url()),
        ("No budget: add the contributions of the parties and funders.", ""),
        ("No recipient country: add a place where the project takes place.", ""),
    ]


def test_project_page_lists_what_iati_needs_to_its_editors_only(client):
    dakar = make_organisation("Dakar", geonameid=DAKAR)
    lyon = make_organisation("Lyon", geonameid=2996944)
    project = make_project(
        partnership=make_partnership(lyon, dakar), lead=lyon, planned_start=datetime.date(2024, 1, 1)
    )

    anonymous = client.get(project.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    client.force_login(make_member(lyon))
    editor = client.get(project.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    assert "iati-needs" not in anonymous
    assert "Ce qu’il manque encore pour IATI" in editor
    assert (
        f'<a href="{lyon.get_absolute_url()}">IATI a besoin d’un identifiant d’organisation pour Lyon (ajoutez-le '
        "sur sa "
        "page) : d’ici là, le projet est absent des fichiers IATI.</a>"
    ) in editor
    assert "Pas de budget : ajoutez les contributions des parties et des financeurs." in editor
