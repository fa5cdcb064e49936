"""A funder, an applicant with its partner, a project and a call, for the funding tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from coopdec.actors.models import Organisation
from coopdec.cooperation.models import Document, Partnership, Project, ProjectCountry
from coopdec.declarations import services as declaration_services
from coopdec.funding import services
from coopdec.funding.models import Call
from coopdec.territories.models import Country
from tests import factories

TODAY = timezone.localdate()

CALL_RULES = {
    "title": {"fr": "Appel à projets jeunesse", "en": "Youth call for projects"},
    "description": {"en": "Projects of young people of both partner territories."},
    "envelope": Decimal("100000"),
    "currency": "EUR",
    "eligible_kinds": ["municipality", "region", "county", "intermunicipal"],
    "eligible_countries": ["FR"],
    "max_rate_ldc": Decimal("90"),
    "max_rate_other": Decimal("70"),
    "min_own_share": Decimal("10"),
    "max_in_kind_share": Decimal("50"),
    "min_amount": Decimal("5000"),
    "max_amount": Decimal("50000"),
    "max_duration_months": 36,
    "prerequisites": ["confirmed", "declaration", "reports", "agreement", "partner"],
}
CRITERIA = [({"en": "Relevance"}, 30), ({"en": "Partnership"}, 20)]


@dataclass
class World:
    funder: Organisation
    applicant: Organisation
    partner: Organisation
    partnership: Partnership
    project: Project
    call: Call
    funder_editor: object
    applicant_editor: object
    partner_editor: object
    reviewer: object


def make_call(funder: Organisation, *, publish: bool = True, criteria=CRITERIA, **overrides) -> Call:
    fields = {"opens_on": TODAY - timedelta(days=10), "deadline": TODAY + timedelta(days=30), **CALL_RULES, **overrides}
    call = services.call_create(user=None, funder=funder, criteria=criteria, **fields)
    if publish:
        call = services.call_publish(call=call, publish=True)
    return call


def submit_declaration(organisation: Organisation, year: int) -> None:
    campaign = declaration_services.campaign_create(
        user=None,
        country=Country.objects.get(code=organisation.country_id),
        year=year,
        opens_on=TODAY.replace(day=1),
        closes_on=TODAY + timedelta(days=60),
    )
    declaration = declaration_services.declaration_start(
        campaign=campaign, organisation=organisation, user=None, with_prefill=False
    )
    declaration_services.declaration_set_nil(declaration=declaration, user=None, is_nil=True)
    declaration_services.declaration_submit(declaration=declaration, user=None)


def make_world(**call_overrides) -> World:
    funder = factories.make_organisation(
        "Ministère des affaires étrangères", geonameid=None, kind="national_agency", country_id="FR"
    )
    applicant = factories.make_organisation("Ville de Lyon", geonameid=2996944, confirmed_at=timezone.now())
    partner = factories.make_organisation("Ville de Dakar", geonameid=2253354)
    partnership = factories.make_partnership(applicant, partner)
    Document.objects.create(
        partnership=partnership, title={"fr": "Convention"}, url="https://example.org/convention", is_agreement=True
    )
    project = factories.make_project(
        partnership=partnership,
        lead=applicant,
        title={"fr": "Jeunes citoyens", "en": "Young citizens"},
        planned_start=TODAY + timedelta(days=60),
        planned_end=TODAY + timedelta(days=60) + timedelta(days=2 * 365 - 1),
    )
    ProjectCountry.objects.create(project=project, country_id="SN")
    submit_declaration(applicant, TODAY.year - 1)
    return World(
        funder=funder,
        applicant=applicant,
        partner=partner,
        partnership=partnership,
        project=project,
        call=make_call(funder, **call_overrides),
        funder_editor=factories.make_member(funder),
        applicant_editor=factories.make_member(applicant),
        partner_editor=factories.make_member(partner),
        reviewer=factories.make_user(),
    )


def plan(requested, own_cash, own_in_kind=0, other=0) -> dict:
    return {
        "requested": Decimal(str(requested)),
        "own_cash": Decimal(str(own_cash)),
        "own_in_kind": Decimal(str(own_in_kind)),
        "other_funding": Decimal(str(other)),
    }


def applied(world: World, *, requested=9000, own_cash=1000, own_in_kind=0, other=0):
    application = services.application_create(
        call=world.call, organisation=world.applicant, project=world.project, user=world.applicant_editor
    )
    return services.application_set_plan(
        application=application,
        user=world.applicant_editor,
        revision=application.revision,
        **plan(requested, own_cash, own_in_kind, other),
    )


def submitted(world: World, **amounts):
    application = applied(world, **amounts)
    return services.application_submit(application=application, user=world.applicant_editor)
