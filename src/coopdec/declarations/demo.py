"""The aid declaration part of ``coopdec demo_data``: France's campaign for last year, open now.

The demo's French local governments get contributions dated in the declared year (on their demo
projects), then declarations pre-filled from them: the first submitted, the others left in draft.
Idempotent: a second run finds the campaign, the contributions and the declarations and creates nothing.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth import get_user_model

from coopdec.actors.models import Organisation
from coopdec.common.models import Source
from coopdec.cooperation import services as cooperation
from coopdec.cooperation.models import Contribution, Project
from coopdec.territories.models import Country

from . import services
from .models import Campaign, Declaration
from .prefill import default_year

# Contributions of the declared year: (organisation ref, project ref, kind, amount in EUR).
CONTRIBUTIONS = [
    ("org-chambery", "project-louga-water", "cash", 32000),
    ("org-chambery", "project-louga-water", "staff_time", 4500),
    ("org-poitiers", "project-waste-recovery", "cash", 18000),
]
DECLARERS = ["org-chambery", "org-poitiers"]  # the first is submitted, the others stay in draft


def build(organisations: dict[str, Organisation], *, today: date | None = None) -> int:
    """Create what is missing; the number of records created."""
    today = today or date.today()
    france = Country.objects.filter(pk="FR").first()
    if france is None:
        return 0
    year, created = default_year(today), 0
    for key, project_ref, kind, amount in CONTRIBUTIONS:
        project = Project.objects.get(source=Source.DEMO, source_ref=project_ref)
        organisation = organisations[key]
        if not Contribution.objects.filter(project=project, organisation=organisation, year=year, kind=kind).exists():
            cooperation.contribution_add(
                project=project, organisation=organisation, kind=kind, amount=amount, currency="EUR", year=year
            )
            created += 1
    coordinator = get_user_model().objects.filter(username="coordinator-fr").first()
    campaign = Campaign.objects.filter(country=france, year=year).first()
    if campaign is None:
        campaign = services.campaign_create(
            user=coordinator,
            country=france,
            year=year,
            opens_on=today - timedelta(weeks=3),
            closes_on=today + timedelta(weeks=5),
            is_demo=True,
            today=today,
        )
        created += 1
    for position, key in enumerate(DECLARERS):
        organisation = organisations[key]
        if Declaration.objects.filter(campaign=campaign, organisation=organisation).exists():
            continue
        declaration = services.declaration_start(campaign=campaign, organisation=organisation, user=None, is_demo=True)
        created += 1
        if position == 0 and campaign.opens_on <= today <= campaign.closes_on:
            services.declaration_submit(declaration=declaration, user=None, today=today)
    return created
