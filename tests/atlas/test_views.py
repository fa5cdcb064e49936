import csv
import io

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from coopdec.atlas.selectors import FacetValue, FacetView, value_label


def test_atlas_page_lists_results_and_facets(client, atlas):
    response = client.get("/atlas/", {"q": "eau", "country": "SN"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Accès à l&#x27;eau potable dans les quartiers périphériques" in page
    assert 'data-facet="axis"' in page
    assert 'data-map-url="/atlas/map.json?q=eau&amp;country=SN"' in page
    assert "Projet secret" not in page


def test_atlas_page_unknown_filter_explains_and_lists_allowed(client, atlas):
    response = client.get("/atlas/", {"pays": "SN"})

    assert response.status_code == 400
    assert "Unknown filter “pays”" in response.content.decode() or "pays" in response.content.decode()


def test_map_data_endpoint_follows_filters(client, atlas):
    response = client.get(reverse("atlas:map_data"), {"axis": "water-sanitation"})

    assert response.status_code == 200
    data = response.json()
    assert data["countries"] == {"250": 1, "686": 1}
    assert data["codes"] == {"250": "FR", "686": "SN"}
    assert data["partnerships"] == 1


def test_map_data_endpoint_refuses_malformed_filter(client, atlas):
    response = client.get(reverse("atlas:map_data"), {"country": "France"})

    assert response.status_code == 400
    assert response.json()["parameter"] == "country"
    assert "q" in response.json()["allowed"]


def test_organisation_network_draws_lines_to_partners(client, atlas):
    response = client.get(reverse("atlas:organisation_network", args=[atlas.paris.pk]))

    data = response.json()
    points = {
        f["properties"]["name"]: f["properties"]["role"] for f in data["features"] if f["geometry"]["type"] == "Point"
    }
    lines = [f for f in data["features"] if f["geometry"]["type"] == "LineString"]
    assert points == {"Ville de Paris": "self", "Ville de Dakar": "partner", "Land Berlin": "partner"}
    assert len(lines) == 2


def test_organisation_network_of_draft_is_not_found(client, atlas):
    response = client.get(reverse("atlas:organisation_network", args=[atlas.draft_org.pk]))

    assert response.status_code == 404


def test_statistics_page_has_charts_tables_and_csv_links(client, atlas):
    response = client.get(reverse("atlas:statistics"))

    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("<svg") == 5
    assert page.count("<table>") == 5
    assert 'href="/atlas/stats/country.csv"' in page


def test_statistics_csv_lists_every_row_and_currency(client, atlas):
    response = client.get(reverse("atlas:statistics_csv", args=["kind"]), {"country": "SN"})

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert response["Content-Disposition"] == 'attachment; filename="coopdec-atlas-kind.csv"'
    assert rows[0] == ["kind", "label", "partnerships", "projects", "amount_EUR", "amount_eur_converted"]
    assert sorted(row[:1] + row[2:] for row in rows[1:]) == [
        ["network", "1", "1", "0.00", "0.00"],
        ["twinning", "1", "1", "120000.00", "120000.00"],
    ]


def test_organisation_page_loads_the_partner_map(client, atlas):
    response = client.get(f"/organisations/{atlas.paris.pk}/")

    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="organisation-map"' in page
    assert "atlas/organisation-map.js" in page
    assert "world-atlas/countries-110m.json" in page


def test_atlas_results_mark_demonstration_records(client, atlas, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        atlas.school.is_demo = True
        atlas.school.save()

    page = client.get("/atlas/", {"q": "cantines"}).content.decode()
    other = client.get("/atlas/", {"q": "eau potable"}).content.decode()

    assert page.count('<span class="badge demo"') == 1
    assert 'Cantines scolaires</a> <span class="badge demo"' in page
    assert '<span class="badge demo"' not in other


def test_atlas_map_labels_carry_every_plural_form(client, atlas):
    page = client.get("/atlas/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert 'data-partnerships-zero="%(count)s partnerships"' in page
    assert 'data-partnerships-one="%(count)s partnership"' in page
    assert 'data-partnerships-million="%(count)s partnerships"' in page
    assert 'data-partnerships-other="%(count)s partnerships"' in page
    assert 'data-more-one="%(count)s more local government: filter to see it"' in page
    assert 'data-more-other="%(count)s more local governments: filter to see them"' in page


# The facet items as the atlas page's template loop wrote them before the atlas_facets tag.
FACET_LOOP_BEFORE = (
    '{% load humanize %}{% for item in facet.values %}<li{% if forloop.counter > 8 %} class="facet-more"{% endif %}>'
    '<a href="{{ item.url }}"{% if item.selected %} aria-current="true" class="selected"{% endif %} '
    'data-value="{{ item.value }}"'
    ' rel="nofollow">{{ item.label }}</a> <span class="count">{{ item.count|intcomma }}</span></li>{% endfor %}'
)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": "eau"},
        {"q": "eau", "country": "SN", "sort": "title"},
        {"country": ["FR", "SN"], "partner_country": ["FR", "BF"], "page": "2"},
        {"start_year": "2015-2020", "type": "project", "sector": ["140", "11220"]},
        {"axis": "water-sanitation", "status": "2", "support": "technical", "sdg": "6"},
        {"country": "ZW", "kind": "twinning"},
    ],
)
@pytest.mark.parametrize("language", ["en", "fr"])
def test_atlas_page_facets_same_as_a_query_per_value_and_template_loop(client, atlas, params, language):
    response = client.get(
        "/atlas/", params, HTTP_ACCEPT_LANGUAGE=language, headers={"Cookie": f"django_language={language}"}
    )

    assert response.status_code == 200
    result, facets, page = response.context["result"], response.context["facets"], response.content.decode()
    assert [facet.name for facet in facets] == list(result.counts)
    with translation.override(language):
        for facet in facets:
            for item in facet.values:
                link = result.query.toggled(facet.name, item.value).urlencode()  # a query per value, as before
                assert item.url == (f"?{link}" if link else "?")
                assert item.label == value_label(facet.name, item.value)
                assert item.count == result.counts[facet.name].get(item.value, 0)
            if facet.values:
                assert f"<ul>{Template(FACET_LOOP_BEFORE).render(Context({'facet': facet}))}</ul>" in page


def test_facet_items_escape_and_group_like_the_template_loop():
    values = [
        FacetValue(
            value=f"v{i}&\"'",
            label=f"<Label> {i} & “co”",
            count=1234567 * i,
            selected=i in {0, 3},
            url=f"?q=a%26b&country=FR&x={i}",
        )
        for i in range(12)
    ]
    facet = FacetView(name="country", label="Country", values=values)

    for language in ("en", "fr", "es", "pt"):
        with translation.override(language):
            before = Template(FACET_LOOP_BEFORE).render(Context({"facet": facet}))
            after = Template("{% load atlas_facets %}{% facet_items facet %}").render(Context({"facet": facet}))
            assert after == before
            assert before.count('class="facet-more"') == 4
