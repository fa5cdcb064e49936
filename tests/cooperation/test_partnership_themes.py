"""Themes of a partnership, set by its parties' editors on its page, found by the atlas."""

import pytest
from django.core.exceptions import ValidationError

from coopdec.atlas import selectors
from coopdec.atlas.filters import AtlasQuery
from coopdec.cooperation import services
from tests.factories import make_member, make_organisation, make_partnership, make_user

DAKAR = 2253354


@pytest.fixture
def twinning(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return make_partnership(
            make_organisation("Ville de Paris"), make_organisation("Ville de Dakar", geonameid=DAKAR)
        )


def _partnerships_on(axis):
    return [
        item.object_id for item in selectors.search(AtlasQuery.from_params({"axis": axis, "type": "partnership"})).items
    ]


def test_partnership_set_axes_makes_the_atlas_find_it_by_theme(twinning, django_capture_on_commit_callbacks):
    assert _partnerships_on("education") == []
    assert selectors.theme_coverage() == (0, 3)

    with django_capture_on_commit_callbacks(execute=True):
        services.partnership_set_axes(partnership=twinning, axes=["education", "health"], user=None)

    assert sorted(twinning.axes.values_list("code", flat=True)) == ["education", "health"]
    assert _partnerships_on("education") == [twinning.pk]
    assert selectors.theme_coverage() == (1, 3)


def test_partnership_set_axes_refuses_an_unknown_axis(twinning):
    with pytest.raises(ValidationError) as error:
        services.partnership_set_axes(partnership=twinning, axes=["astrology"], user=None)
    assert error.value.message_dict == {"axes": ["Unknown cooperation axis."]}
    assert twinning.axes.count() == 0


def test_partnership_page_form_saves_themes_for_a_party_editor(client, twinning, django_capture_on_commit_callbacks):
    editor = make_user()
    make_member(twinning.parties.get(name="Ville de Dakar"), user=editor)
    client.force_login(editor)

    page = client.get(twinning.get_absolute_url())
    assert 'name="axes" value="education"' in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/partnerships/{twinning.pk}/themes/", {"axes": ["education"]})

    assert response.status_code == 302
    assert response["Location"] == f"/partnerships/{twinning.pk}/#themes"
    assert list(twinning.axes.values_list("code", flat=True)) == ["education"]
    assert _partnerships_on("education") == [twinning.pk]


def test_atlas_page_says_how_many_records_have_a_theme(client, twinning):
    page = client.get("/atlas/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "0 fiche sur 3 porte une thématique" in page
