import pytest

from coopdec.atlas import facets, selectors
from coopdec.atlas.filters import AtlasQuery
from coopdec.atlas.models import SearchDocument
from coopdec.atlas.search import text_backend


def _titles(params):
    result = selectors.search(AtlasQuery.from_params(params))
    return {item.title for item in result.items}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("cooperation", "Accès à l'eau potable dans les quartiers périphériques"),  # coopération, no accent typed
        ("EAU POTABLE", "Accès à l'eau potable dans les quartiers périphériques"),
        ("périphérique", "Accès à l'eau potable dans les quartiers périphériques"),  # prefix
        ("water", "Accès à l'eau potable dans les quartiers périphériques"),  # axis name in English
        ("saneamiento", "Accès à l'eau potable dans les quartiers périphériques"),  # axis name in Spanish
        ("Klimaallianz", "Urban climate alliance"),  # German title
        ("stadtische", "Urban climate alliance"),  # ä folded
        ("canteen", "Cantines scolaires"),  # English title, shown in French (the page language)
        ("jugend", "Youth cultural exchange"),
    ],
)
def test_search_text_matches_across_languages_and_accents(atlas, text, expected):
    assert expected in _titles({"q": text})


def test_search_never_shows_drafts(atlas):
    assert _titles({"q": "secret"}) == set()
    assert not SearchDocument.objects.filter(object_id=atlas.draft_project.pk, record_type="project").exists()


def test_search_title_matches_rank_first(atlas):
    result = selectors.search(AtlasQuery.from_params({"q": "dakar"}))

    # Dakar and the two partnerships naming it in their title, then the projects of those partnerships
    assert {item.title for item in result.items[:3]} == {
        "Ville de Dakar",
        "Ville de Paris – Ville de Dakar",
        "Urban climate alliance",
    }
    assert result.total == 5


def test_search_filters_and_counts_are_exact(atlas):
    result = selectors.search(AtlasQuery.from_params({"type": "project", "country": "SN"}))

    assert result.total == 2
    assert {item.title for item in result.items} == {
        "Accès à l'eau potable dans les quartiers périphériques",
        "Youth cultural exchange",
    }
    # a filter's own counts ignore it (alternatives stay visible), the others apply it
    assert result.counts["country"] == {"FR": 3, "SN": 2, "DE": 1, "BF": 1}
    assert result.counts["type"] == {"project": 2, "partnership": 2, "organisation": 2}
    assert result.counts["sector"] == {"140": 1, "160": 1}
    assert result.counts["support"] == {"technical": 1, "financial": 1}
    assert result.counts["start_year"] == {"2020": 2}
    assert result.counts["continent"] == {"AF": 2, "EU": 2}


def test_search_sector_filter_takes_category_or_code(atlas):
    by_category = selectors.search(AtlasQuery.from_params({"sector": "140"}))
    by_code = selectors.search(AtlasQuery.from_params({"sector": "14030"}))

    assert by_category.total == by_code.total == 2  # the water project and its partnership


def test_search_sorts_by_title_and_pages(atlas):
    first = selectors.search(AtlasQuery.from_params({"type": "organisation", "sort": "title", "page_size": "2"}))
    second = selectors.search(
        AtlasQuery.from_params({"type": "organisation", "sort": "title", "page_size": "2", "page": "2"})
    )

    assert [item.title for item in first.items] == ["Commune de Ouagadougou", "Commune de Saint-Louis"]
    assert [item.title for item in second.items] == ["Land Berlin", "Métropole de Lyon"]
    assert first.total == 6


def test_index_follows_unpublishing(atlas, django_capture_on_commit_callbacks):
    atlas.water.publication_status = "draft"
    with django_capture_on_commit_callbacks(execute=True):
        atlas.water.save()

    assert "Accès à l'eau potable dans les quartiers périphériques" not in _titles({"q": "eau"})


def test_map_data_counts_partnerships_by_country(atlas):
    data = selectors.map_data(AtlasQuery.from_params({"country": "SN"}))

    assert data["countries"] == {"686": 2, "250": 2, "276": 1}  # Senegal, France, Germany
    assert data["partnerships"] == 2
    assert {point[0] for point in data["points"]} == {atlas.dakar.pk, atlas.saint_louis.pk}


def test_statistics_sums_money_per_currency(atlas):
    stats = selectors.statistics(AtlasQuery(), "country")
    rows = {row.value: row for row in stats.rows}

    assert stats.currencies == ["EUR", "XOF"]  # by number of projects, then code
    assert rows["SN"].projects == 2
    assert rows["SN"].amounts == {"EUR": 120000.0}
    assert rows["BF"].amounts == {"XOF": 5000000.0}
    assert stats.partnerships == 3


def test_statistics_rows_come_by_number_of_records(atlas, django_capture_on_commit_callbacks):
    from tests.factories import make_partnership

    with django_capture_on_commit_callbacks(execute=True):
        for year in (2001, 2002, 2003):  # Germany and Burkina Faso: 4 partnerships and 1 project each
            make_partnership(atlas.berlin, atlas.ouagadougou, title={"en": f"Exchange {year}"})

    rows = selectors.statistics(AtlasQuery(), "country").rows

    # France 3 + 3, then Germany and Burkina Faso 4 + 1, before Senegal 2 + 2 with more projects
    assert [(row.value, row.partnerships, row.projects) for row in rows] == [
        ("FR", 3, 3),
        ("DE", 4, 1),
        ("BF", 4, 1),
        ("SN", 2, 2),  # ties by name: Allemagne, Burkina Faso
    ]


def test_facet_engine_dense_bitsets_count_like_sparse_lists(atlas):
    query = AtlasQuery.from_params({"q": "dakar", "continent": "AF"})
    engine = facets.Engine(facets.engine().version, dense_fraction=10**9)  # every value dense
    text = text_backend().match(query.q)
    dense = engine.search(query, engine.id_mask(text.ids), engine.id_mask(text.title_ids))

    assert dense.counts == selectors.search(query).counts


def test_atlas_reindex_command_rebuilds_every_document(atlas):
    from django.core.management import call_command

    SearchDocument.objects.all().delete()
    call_command("atlas_reindex", verbosity=0)

    assert SearchDocument.objects.filter(record_type="organisation").count() == 6
    assert SearchDocument.objects.filter(record_type="partnership").count() == 3
    assert SearchDocument.objects.filter(record_type="project").count() == 3
    assert "Cantines scolaires" in _titles({"q": "cantine"})


def test_index_follows_sector_and_axis_changes(atlas, django_capture_on_commit_callbacks):
    from coopdec.cooperation.models import ProjectSector

    with django_capture_on_commit_callbacks(execute=True):
        ProjectSector.objects.create(project=atlas.school, code="12220")
        atlas.school.axes.add("health")

    counts = selectors.search(AtlasQuery.from_params({"type": "project", "sector": "122"})).counts
    assert counts["axis"] == {"health": 1, "education": 1}
