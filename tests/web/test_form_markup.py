"""What the accessibility browser test found, checked without a browser: every id that an
aria-describedby or a label points to is on the page once, and the statistics charts' SVG numbers
keep a decimal point in French."""

import re
from collections import Counter
from datetime import date

import pytest

from tests.factories import make_member, make_organisation, make_partnership, make_project

pytestmark = pytest.mark.django_db

IDS = re.compile(r'\sid="([^"]+)"')


def _ids_problems(html: str) -> tuple[list[str], list[str]]:
    """(ids used twice, ids referenced by aria-describedby or a label's for= that are missing)."""
    ids = Counter(IDS.findall(html))
    twice = sorted(name for name, count in ids.items() if count > 1)
    referenced = [name for value in re.findall(r'aria-describedby="([^"]+)"', html) for name in value.split()]
    referenced += re.findall(r'<label[^>]*\sfor="([^"]+)"', html)
    return twice, sorted({name for name in referenced if name not in ids})


def test_project_edit_page_ids_unique_and_referenced(client):
    lyon, dakar = make_organisation("Ville de Lyon"), make_organisation("Ville de Dakar", country_id="SN")
    project = make_project(partnership=make_partnership(lyon, dakar), lead=lyon)
    client.force_login(make_member(lyon, role="admin"))
    html = client.get(f"/projects/{project.pk}/edit/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert 'id="result_title_0"' in html and 'id="id_title_0"' in html
    assert _ids_problems(html) == ([], [])


def test_organisation_form_ids_unique_and_referenced(client):
    organisation = make_organisation("Ville de Lyon")
    client.force_login(make_member(organisation, role="admin"))
    assert _ids_problems(client.get(f"/organisations/{organisation.pk}/edit/").content.decode()) == ([], [])
    html = client.post("/organisations/new/", {"name": ""}).content.decode()
    assert 'aria-describedby="id_name_error"' in html and 'id="id_name_error"' in html
    # The description (one input per language) is a fieldset described by its help text.
    assert re.search(r'<fieldset class="field"[^>]*aria-describedby="id_description_helptext"', html)
    assert _ids_problems(html) == ([], [])


def test_statistics_chart_numbers_not_localised(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the atlas index is written on commit
        lyon, dakar = make_organisation("Ville de Lyon"), make_organisation("Ville de Dakar", country_id="SN")
        make_project(partnership=make_partnership(lyon, dakar, start_date=date(2012, 1, 1)))
    html = client.get("/atlas/stats/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    widths = re.findall(r'<rect class="bar-projects"[^>]* width="([^"]+)"', html)
    assert widths and all(re.fullmatch(r"\d+(\.\d+)?", width) for width in widths)
