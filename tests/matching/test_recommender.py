"""The recommender's core on a small hand-made graph (no database)."""

import math

import pytest

from coopdec.matching.recommender import (
    Network,
    Place,
    Reason,
    Wish,
    distance_km,
    fit_weights,
    name_root,
    split_edges,
)


def _place(pid, name, country, population=10_000, **fields):
    return Place(id=pid, name=name, country=country, population=population, name_key=name.lower(), **fields)


def _network(**kwargs):
    places = [
        _place(
            1,
            "Aville",
            "FR",
            region="FR.1",
            languages=frozenset({"fr"}),
            topics=frozenset({"water"}),
        ),
        _place(2, "Bstadt", "DE", region="DE.1", languages=frozenset({"de"})),
        _place(3, "Cstadt", "DE", region="DE.1", languages=frozenset({"de"})),
        _place(
            4,
            "Dstadt",
            "DE",
            region="DE.1",
            population=12_000,
            languages=frozenset({"de"}),
            topics=frozenset({"water"}),
        ),
        _place(
            5,
            "Eville",
            "SN",
            region="SN.1",
            population=9_000_000,
            languages=frozenset({"fr"}),
            offers=frozenset({"waste", "14050"}),
        ),
        _place(6, "Fstadt", "DE", region="DE.3", languages=frozenset({"de"})),
    ]
    # Aville twins with Bstadt and Cstadt; both twin with Dstadt; Cstadt also with Fstadt.
    edges = [(1, 2), (1, 3), (2, 4), (3, 4), (3, 6)]
    return Network(places, edges, **kwargs)


def test_recommend_excludes_itself_and_existing_partners():
    ids = [r.place.id for r in _network().recommend(1, k=10)]
    assert 1 not in ids and 2 not in ids and 3 not in ids
    assert set(ids) == {4, 5, 6}


def test_recommend_ranks_partner_of_two_partners_first():
    results = _network().recommend(1, k=10)
    assert results[0].place.id == 4
    assert results[0].score > results[1].score
    assert Reason("common_partners", (2, ("Bstadt", "Cstadt"))) in results[0].reasons


def test_recommend_gives_shared_topics_language_and_population_reasons():
    results = {r.place.id: r for r in _network().recommend(1, k=10)}
    in_senegal = _network().recommend(1, k=10, wish=Wish(countries=frozenset({"SN"})))
    assert Reason("shared_topics", ("water",)) in results[4].reasons
    assert Reason("language", ("fr",)) in in_senegal[0].reasons
    assert not any(reason.code == "language" for reason in results[4].reasons)
    assert Reason("similar_population", (12_000,)) in results[4].reasons
    assert not any(reason.code == "similar_population" for reason in in_senegal[0].reasons)


def test_recommend_for_a_request_lifts_what_it_seeks():
    wish = Wish(countries=frozenset({"SN"}), topics=frozenset({"waste"}), languages=frozenset({"fr"}))
    results = _network().recommend(1, k=10, wish=wish)
    assert [r.place.id for r in results] == [5]  # naming a country filters
    assert results[0].reasons[:2] == [
        Reason("offers_sought", ("waste",)),
        Reason("priority_country", ("SN",)),
    ]


def test_recommend_honours_extra_exclusions_and_k():
    results = _network().recommend(1, k=1, exclude=[4])
    assert len(results) == 1
    assert results[0].place.id != 4


def test_recommend_for_a_place_outside_the_network():
    outsider = _place(99, "Newtown", "DE", region="DE.1")
    ids = [r.place.id for r in _network().recommend(outsider, k=10)]
    assert 99 not in ids
    assert ids  # drawn from the country and the region, although it has no partner yet


def test_recommend_unknown_id_is_empty():
    assert _network().recommend(12345) == []


def test_ordering_is_stable_on_ties():
    first = [r.place.id for r in _network().recommend(5, k=10)]
    second = [r.place.id for r in _network().recommend(5, k=10)]
    assert first == second


def test_country_affinity_counts_both_directions():
    net = _network()
    assert net.country_affinity("FR", "DE") == 1.0
    assert net.country_affinity("DE", "FR") == 2 / 8


def test_split_edges_is_reproducible():
    edges = [(i, i + 1) for i in range(100)]
    kept, hidden = split_edges(edges, 0.1, 7)
    assert len(hidden) == 10 and len(kept) == 90
    assert split_edges(edges, 0.1, 7) == (kept, hidden)
    assert set(kept) | set(hidden) == set(edges)


def test_fit_weights_returns_every_feature_and_a_recall():
    net = _network()
    weights, recall = fit_weights(list(net.places.values()), [(1, 2), (1, 3), (2, 4), (3, 4), (3, 6)], fraction=0.4)
    assert set(weights) == set(net.weights)
    assert 0.0 <= recall <= 1.0


def _located_network():
    """Three French towns (one 13 km away, one sharing a name root), a Spanish one, a Senegalese one."""
    places = [
        _place(1, "Tarascon-sur-Ariège", "FR", latitude=42.845, longitude=1.606),
        _place(2, "Foix", "FR", latitude=42.965, longitude=1.607),
        _place(3, "Zaragoza", "ES", latitude=41.656, longitude=-0.877),
        _place(4, "Tarascon", "FR", latitude=43.806, longitude=4.659),
        _place(5, "Dakar", "SN", latitude=14.693, longitude=-17.447),
    ]
    return Network(places, [(3, 5)])


def test_distance_km_between_two_places():
    net = _located_network()
    assert round(distance_km(net.places[1], net.places[2])) == 13
    assert round(distance_km(net.places[1], net.places[1])) == 0


def test_distance_km_of_a_place_without_coordinates_is_refused():
    net = _located_network()
    with pytest.raises(ValueError, match="coordinates"):
        distance_km(net.places[1], _place(9, "Nowhere", "FR"))


def test_candidates_without_three_hop_counts_it_themselves():
    network = _network()
    source = network.places[1]
    candidates = network.candidates(source)
    assert candidates == network.candidates(source, three_hop=network.three_hop(1))
    assert candidates[4] == {2: 1, 3: 1}


def test_name_root_needs_five_letters():
    assert name_root("tarascon-sur-ariege") == "taras"
    assert name_root("foix") == ""
    assert name_root("l'isle") == "lisle"


def test_recommend_draws_near_places_and_says_how_far():
    results = {r.place.id: r for r in _located_network().recommend(1, k=10)}
    assert set(results) == {2, 3, 4}  # Dakar, 3,620 km away, is no candidate
    assert Reason("distance", (13,)) in results[2].reasons
    assert Reason("distance", (243,)) in results[3].reasons


def test_recommend_finds_names_beginning_alike():
    results = {r.place.id: r for r in _located_network().recommend(1, k=10)}
    assert Reason("name_root", ("Tarascon",)) in results[4].reasons
    assert not any(reason.code == "name_root" for reason in results[2].reasons)


def test_recommend_without_coordinates_has_no_distance_reason():
    results = _network().recommend(1, k=10)
    assert all(reason.code != "distance" for r in results for reason in r.reasons)


def _district_network():
    """Two towns of one French district (Angers, Avrillé, 6 km apart) and two of one German
    district (Osnabrück, Belm, 7 km apart); Angers twins with Osnabrück; Nantes is 80 km away."""
    places = [
        _place(1, "Angers", "FR", latitude=47.4784, longitude=-0.5632),
        _place(2, "Avrillé", "FR", latitude=47.5067, longitude=-0.5886),
        _place(3, "Osnabrück", "DE", latitude=52.2726, longitude=8.0498),
        _place(4, "Belm", "DE", latitude=52.3000, longitude=8.1333),
        _place(5, "Nantes", "FR", latitude=47.2173, longitude=-1.5534),
        _place(6, "Münster", "DE", latitude=51.9624, longitude=7.6257),
    ]
    return Network(places, [(1, 3), (5, 6)])


def test_nearby_links_weigh_partnerships_between_the_two_neighbourhoods():
    network = _district_network()
    links = network.nearby_links(network.places[2], network.distances(network.places[2]))
    at = {pid: float(links[network.located_index[pid]]) for pid in network.places}
    place = network.places
    near_source = math.exp(-distance_km(place[2], place[1]) / 8)  # Avrillé-Angers, about 4 km
    near_candidate = math.exp(-distance_km(place[4], place[3]) / 8)  # Belm-Osnabrück, about 6 km
    assert at[4] == pytest.approx(near_source * near_candidate, rel=1e-5)
    assert at[3] == pytest.approx(near_source, rel=1e-5)
    assert at[6] == 0.0  # Münster is 47 km from Osnabrück, beyond the radius
    assert at[5] == 0.0


def test_recommend_draws_the_neighbourhood_of_a_neighbours_partner_and_says_why():
    network = _district_network()
    results = network.recommend(2, k=5)
    assert results[0].place.id == 3
    assert Reason("nearby_links") in results[0].reasons
    assert Reason("nearby_links") not in next(r for r in results if r.place.id == 6).reasons


def test_nearby_links_for_a_place_without_coordinates_go_through_its_partners():
    places = [
        _place(1, "Nowhere", "FR"),
        _place(2, "Osnabrück", "DE", latitude=52.2726, longitude=8.0498),
        _place(3, "Belm", "DE", latitude=52.3000, longitude=8.1333),
    ]
    network = Network(places, [(1, 2)])
    links = network.nearby_links(network.places[1], None)
    assert float(links[network.located_index[3]]) > 0.4
    assert [r.place.id for r in network.recommend(1, k=5)] == [3]


def test_recommend_for_a_theme_ranks_work_on_it_before_the_rest():
    places = list(_network().places.values()) + [
        _place(7, "Gville", "SN", topics=frozenset({"education"})),  # outside the network
    ]
    places = [
        _place(6, "Fstadt", "DE", region="DE.3", topics=frozenset({"education"})) if place.id == 6 else place
        for place in places
    ]
    network = Network(places, [(1, 2), (1, 3), (2, 4), (3, 4), (3, 6)])
    without = [r.place.id for r in network.recommend(1, k=10)]
    results = network.recommend(1, k=10, wish=Wish(topics=frozenset({"education"})))
    assert without[0] == 4
    assert [r.place.id for r in results][:2] == [6, 7]
    assert Reason("works_on_sought", ("education",)) in results[1].reasons
    assert not any(r.code == "works_on_sought" for r in results[2].reasons)


def test_recommend_never_guesses_a_language_from_the_country():
    places = [
        _place(1, "Aville", "FR", languages=frozenset({"fr"})),
        _place(2, "Toronto", "CA"),
        _place(3, "Montréal", "CA", languages=frozenset({"fr"})),
    ]
    network = Network(places, [], official_languages={"FR": frozenset({"fr"}), "CA": frozenset({"en", "fr"})})
    results = {r.place.id: r for r in network.recommend(1, k=10)}
    assert set(results) == {2, 3}
    assert not any(reason.code == "language" for reason in results[2].reasons)
    assert Reason("language", ("fr",)) in results[3].reasons
