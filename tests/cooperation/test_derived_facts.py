"""Each fact derived from a partnership is computed in one place, which the model, the API and the
atlas share: its form (bilateral: exactly two parties), its display title; and the roles that may
edit are one constant."""

import ast
from pathlib import Path

import pytest
from django.utils import translation

import coopdec
from coopdec.actors.models import EDITING_ROLES, MembershipRole
from coopdec.atlas.index import reindex_all
from coopdec.atlas.models import RecordType, SearchDocument
from coopdec.cooperation.models import PartnershipForm, Project, partnership_title, project_title
from tests.factories import make_organisation, make_partnership, make_project

SOURCE = Path(coopdec.__file__).parent


def test_partnership_form_is_bilateral_with_exactly_two_parties():
    assert [PartnershipForm.of(count) for count in (2, 3, 7)] == [
        PartnershipForm.BILATERAL,
        PartnershipForm.MULTILATERAL,
        PartnershipForm.MULTILATERAL,
    ]


def test_partnership_title_falls_back_to_the_parties_then_the_number():
    with translation.override("en"):
        assert (
            partnership_title({"fr": "Lyon – Dakar", "en": "Lyon and Dakar"}, ["Ville de Lyon"], 7) == "Lyon and Dakar"
        )
        assert partnership_title({}, ["Ville de Lyon", "Ville de Dakar"], 7) == "Ville de Lyon – Ville de Dakar"
        assert partnership_title(None, [], 7) == "Partnership 7"
        assert project_title({}, 12) == "Project 12"


@pytest.mark.django_db
def test_api_and_model_give_the_same_form_and_title(client):
    lyon = make_organisation("Ville de Lyon", geonameid=2996944)
    dakar = make_organisation("Ville de Dakar", geonameid=2253354)
    draft = make_organisation("Ville de Thiès", geonameid=2244802, published=False)
    partnership = make_partnership(lyon, dakar, draft)
    project = make_project(partnership=partnership, lead=lyon)
    Project.objects.filter(pk=project.pk).update(title={})
    project.refresh_from_db()
    one = client.get(f"/api/v1/partnerships/{partnership.pk}", HTTP_ACCEPT_LANGUAGE="en").json()
    listed = client.get("/api/v1/partnerships", HTTP_ACCEPT_LANGUAGE="en").json()["results"][0]
    shown = client.get(f"/api/v1/projects/{project.pk}", HTTP_ACCEPT_LANGUAGE="en").json()
    with translation.override("en"):
        expected = (partnership.display_title, str(partnership.form))
        project_expected = project.display_title
    assert expected == ("Ville de Lyon – Ville de Dakar", "multilateral")
    assert (one["display_title"], one["form"]) == expected
    assert (listed["display_title"], listed["form"]) == expected
    assert shown["display_title"] == project_expected == f"Project {project.pk}"


@pytest.mark.django_db
def test_atlas_index_gives_the_models_form():
    lyon = make_organisation("Ville de Lyon", geonameid=2996944)
    dakar = make_organisation("Ville de Dakar", geonameid=2253354)
    thies = make_organisation("Ville de Thiès", geonameid=2244802)
    pair = make_partnership(lyon, dakar)
    three = make_partnership(lyon, dakar, thies)
    reindex_all()
    forms = dict(SearchDocument.objects.filter(record_type=RecordType.PARTNERSHIP).values_list("object_id", "form"))
    assert forms == {pair.pk: pair.form, three.pk: three.form} == {pair.pk: "bilateral", three.pk: "multilateral"}


def test_editing_roles_are_every_role_and_spelled_out_once():
    """No module but actors/models.py lists the roles that may edit (as strings or as the enum)."""
    assert EDITING_ROLES == set(MembershipRole)
    found = []
    for path in sorted(SOURCE.rglob("*.py")):
        if path == SOURCE / "actors" / "models.py" or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Set | ast.List | ast.Tuple):
                items = {
                    item.value if isinstance(item, ast.Constant) else getattr(item, "attr", None) for item in node.elts
                }
                if items in ({"editor", "admin"}, {"EDITOR", "ADMIN"}):
                    found.append(f"{path.relative_to(SOURCE)}:{node.lineno}")
    assert found == []
