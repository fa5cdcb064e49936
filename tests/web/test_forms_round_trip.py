"""Every edit form of the demo, opened in French and saved as it is shown, saves: what a form writes
into its own boxes (dates, amounts, grids, several languages) it reads back unchanged."""

import lxml.html
import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from coopdec.actors.models import Organisation
from coopdec.common.models import Source
from coopdec.cooperation.models import Indicator, Partnership, Project, Result
from coopdec.declarations.models import DeclarationLine, DeclarationStatus
from coopdec.funding.models import Call
from coopdec.knowledge.models import Practice
from coopdec.participation.models import Space
from coopdec.strategy.models import Objective, Strategy, StrategyIndicator
from tests.forms import posted_back

pytestmark = pytest.mark.django_db


def _edit_urls() -> list[str]:
    project = Project.objects.filter(source=Source.DEMO).order_by("pk").first()
    result = Result.objects.filter(project__source=Source.DEMO).order_by("pk").first()
    return [
        reverse("cooperation:project_update", args=[project.pk]),
        reverse("cooperation:result_update", args=[result.project_id, result.pk]),
        reverse("cooperation:result_edit", args=[result.project_id, result.pk]),  # indicators and periods
        *(
            reverse("cooperation:indicator_update", args=[project_id, pk])
            for pk, project_id in Indicator.objects.filter(result__project__source=Source.DEMO).values_list(
                "pk", "result__project_id"
            )[:3]
        ),
        *(
            reverse("cooperation:partnership_update", args=[pk])
            for pk in Partnership.objects.filter(source=Source.DEMO).values_list("pk", flat=True)
        ),
        reverse("actors:organisation_update", args=[Organisation.objects.get(source_ref="org-chambery").pk]),
        *(reverse("funding:call_edit", args=[pk]) for pk in Call.objects.values_list("pk", flat=True)),
        *(reverse("knowledge:practice_update", args=[pk]) for pk in Practice.objects.values_list("pk", flat=True)),
        reverse("knowledge:page_update", args=["about"]),
        *(reverse("participation:space_edit", args=[pk]) for pk in Space.objects.values_list("pk", flat=True)),
        *(reverse("strategy:strategy_update", args=[pk]) for pk in Strategy.objects.values_list("pk", flat=True)),
        *(
            reverse("strategy:objective_change", args=[strategy_id, pk])
            for pk, strategy_id in Objective.objects.values_list("pk", "strategy_id")[:3]
        ),
        *(
            reverse("strategy:indicator_change", args=[strategy_id, pk])
            for pk, strategy_id in StrategyIndicator.objects.values_list("pk", "objective__strategy_id")[:3]
        ),
        *(
            reverse("declarations:line_change", args=[declaration_id, pk])
            for pk, declaration_id in DeclarationLine.objects.exclude(
                declaration__status=DeclarationStatus.SUBMITTED  # a submitted declaration no longer changes
            ).values_list("pk", "declaration_id")[:3]
        ),
    ]


def _shown(client, url: str) -> dict[str, list[str]]:
    """The page's edit form (its largest) as a browser would post it back, untouched."""
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200, url
    return posted_back(response.content)


def test_every_demo_edit_form_saves_as_shown_in_french(client, demo):
    client.force_login(get_user_model().objects.get(username="admin"))
    urls = _edit_urls()
    assert len(urls) >= 20
    refused = {}
    for url in urls:
        response = client.post(url, _shown(client, url), HTTP_ACCEPT_LANGUAGE="fr")
        if response.status_code != 302:
            page = lxml.html.fromstring(response.content)
            errors = page.xpath("//*[contains(@class, 'error')]")
            refused[url] = [" ".join(error.text_content().split()) for error in errors]
    assert refused == {}
