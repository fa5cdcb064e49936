"""Offers and requests on the atlas: the "offers" and "seeks" facets of organisations, exact and
kept current when a listing changes."""

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from coopdec.atlas import selectors
from coopdec.atlas.filters import AtlasQuery, InvalidFilter
from coopdec.atlas.models import RecordType, SearchDocument
from coopdec.matching import services
from tests.factories import make_member, make_organisation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _committed(django_capture_on_commit_callbacks, monkeypatch):
    """Each write below runs its on-commit callbacks (the atlas reindex) as soon as it returns."""

    def committing(function):
        def run(*args, **kwargs):
            with django_capture_on_commit_callbacks(execute=True):
                return function(*args, **kwargs)

        return run

    monkeypatch.setattr(services, "offer_save", committing(services.offer_save))
    monkeypatch.setattr(services, "request_save", committing(services.request_save))
    return committing


@pytest.fixture
def lyon(_committed):
    return _committed(make_organisation)("Ville de Lyon", geonameid=2996944)


@pytest.fixture
def dakar(_committed):
    return _committed(make_organisation)("Ville de Dakar", geonameid=2253354)


def _offer(organisation, **fields):
    values = {"title": {"fr": "Assainissement"}, "kinds": ["expertise"], "axes": [], "sectors": []}
    values.update(fields)
    return services.offer_save(user=make_member(organisation), organisation=organisation, **values)


def _request(organisation, **fields):
    values = {"title": {"fr": "Écoles"}, "axes": [], "sectors": []}
    values.update(fields)
    return services.request_save(user=make_member(organisation), organisation=organisation, **values)


def _document(organisation):
    return SearchDocument.objects.get(record_type=RecordType.ORGANISATION, object_id=organisation.pk)


def _counts(**params):
    result = selectors.search(AtlasQuery.from_params(params))
    return result.total, result.counts


def test_offer_and_request_axes_are_on_the_organisation_document(lyon, dakar):
    _offer(lyon, axes=["water-sanitation"], sectors=["15110"])  # 151: local governance
    _request(dakar, axes=["education"])
    assert _document(lyon).offers == "local-governance water-sanitation"
    assert _document(lyon).seeks == ""
    assert _document(dakar).seeks == "education"


def test_offers_and_seeks_facet_counts_equal_a_direct_count(lyon, dakar):
    _offer(lyon, axes=["water-sanitation"])
    _offer(dakar, axes=["water-sanitation", "education"])
    _request(dakar, axes=["water-sanitation"])
    for params in (
        {},
        {"offers": "water-sanitation"},
        {"seeks": "water-sanitation"},
        {"country": "SN"},
    ):
        total, counts = _counts(**params)
        query = AtlasQuery.from_params(params)
        rows = [
            row
            for row in SearchDocument.objects.values("countries", "offers", "seeks")
            if (not query.offers or set(row["offers"].split()) & set(query.offers))
            and (not query.seeks or set(row["seeks"].split()) & set(query.seeks))
            and (not query.country or row["countries"] in query.country)
        ]
        assert total == len(rows)
        for name in ("offers", "seeks"):
            expected = {}
            others = [
                row
                for row in SearchDocument.objects.values("countries", "offers", "seeks")
                if all(
                    set(row[other].split()) & set(getattr(query, other))
                    for other in ("offers", "seeks")
                    if other != name and getattr(query, other)
                )
                and (not query.country or row["countries"] in query.country)
            ]
            for row in others:
                for value in row[name].split():
                    expected[value] = expected.get(value, 0) + 1
            assert counts[name] == expected
    assert _counts(offers="water-sanitation")[1]["offers"] == {
        "water-sanitation": 2,
        "education": 1,
    }
    assert _counts(seeks="water-sanitation")[0] == 1


def test_facets_follow_listing_changes(lyon, _committed):
    offer = _offer(lyon, axes=["water-sanitation"])
    assert _counts()[1]["offers"] == {"water-sanitation": 1}
    services.offer_save(
        user=make_member(lyon),
        organisation=lyon,
        offer=offer,
        title={"fr": "Écoles"},
        kinds=["expertise"],
        axes=["education"],
    )
    assert _counts()[1]["offers"] == {"education": 1}
    _committed(offer.delete)()
    assert _counts()[1]["offers"] == {}


def test_expired_offers_are_not_in_the_facet(lyon):
    yesterday = timezone.localdate() - timedelta(days=1)
    _offer(
        lyon,
        axes=["water-sanitation"],
        valid_from=yesterday - timedelta(days=30),
        valid_until=yesterday,
    )
    assert _document(lyon).offers == ""


def test_offers_filter_refuses_a_malformed_axis():
    with pytest.raises(InvalidFilter) as error:
        AtlasQuery.from_params({"offers": "Water & co"})
    assert error.value.parameter == "offers"


def test_refresh_shows_listings_whose_dates_came_or_passed(lyon, dakar, monkeypatch):
    today = timezone.localdate()
    tomorrow = today + timedelta(days=1)
    _offer(lyon, axes=["education"], valid_from=today - timedelta(days=10), valid_until=today)
    _offer(dakar, axes=["culture"], valid_from=tomorrow)
    assert _counts()[1]["offers"] == {"education": 1}

    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)
    assert services.listings_reindex_due() == 2
    assert _counts()[1]["offers"] == {"culture": 1}
    assert services.listings_reindex_due(today=today + timedelta(days=5)) == 0


def test_refresh_command_says_how_many(lyon):
    out = io.StringIO()
    call_command("matching_refresh", stdout=out)
    assert out.getvalue() == "0 organisations reindexed for their offers and requests.\n"
    with pytest.raises(CommandError, match="--days must be 1 or more."):
        call_command("matching_refresh", "--days", "0")
