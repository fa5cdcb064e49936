"""Partner recommendations learned from the shape of the partnership network.

The core (``Network``) is plain Python over in-memory sparse structures, so that one
recommendation among all local governments (about 18,000 after the twinnings import) takes a few
milliseconds:

- ``adjacency``: the partners of every local government (sets);
- ``country_pairs``: how often towns of country A partner with towns of country B;
- ``by_country``: the local governments of each country, most-partnered first (the candidates
  drawn from a country);
- ``by_name``: places sharing a name (namesake twinnings are frequent);
- ``vicinity_*``: for every located place, the places within 30 km and a distance kernel, so that
  partnerships between two neighbourhoods count for every pair of towns in them (``nearby_links``:
  towns of one district often twin with towns of one district abroad).

A query draws candidates from the partners of its partners, from the most-partnered places of
the countries it is most likely to pair with and from the neighbourhoods of its neighbours'
partners, computes a few features for each (shared partners weighted by resource allocation,
country-pair affinity, the source's own country profile, degree prior, population similarity,
namesake, shared topics and languages, what a request seeks) and ranks them by a weighted sum.
Each feature is one small named signal function (``SIGNALS``, in feature-vector order) reading a
whole column of candidates at once. The weights of the network features are fitted on a
validation split of the training edges by ``fit_weights`` (bench/matching.py prints them);
``DEFAULT_WEIGHTS`` are the values it found on the real twinnings network.

Each result keeps the facts that made it rank (``Reason``); ``coopdec.matching.selectors`` turns
them into translated sentences. ``Network`` knows nothing of Django; ``load_network`` (in
``selectors``) builds it from the database and rebuilds it when the partnership data change.
"""

from __future__ import annotations

import heapq
import math
import random
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

# Fitted by ``fit_weights`` on a validation split of the real twinnings network (see
# docs/decisions.md); shared topics, language, request and offer matches are not observable in
# twinnings and are set by hand so that a stated need or a shared topic lifts a candidate about as
# much as one shared partner.
DEFAULT_WEIGHTS: dict[str, float] = {
    "resource_allocation": 4.6941,
    "common_partners": 1.6346,
    "country_affinity": 1.5388,
    "own_country_profile": 0.0,
    "degree_prior": 0.0973,
    "population_similarity": 1.8944,
    "same_name": 5.0536,
    "region_pairs": 0.2366,
    "region_affinity": 2.3115,
    "partners_in_region": -0.3374,
    "partners_near_source": -0.2527,
    "partners_in_source_country": -0.5423,
    "three_hop": 14.8819,
    "neighbouring_country": -0.0412,
    "shared_topics": 0.7,
    "shared_language": 0.3,
    "request_match": 3.0,
    "offer_match": 3.0,
    "theme_work": 3.0,
    "distance_100": 0.9356,
    "distance_300": 0.0995,
    "distance_800": 0.0314,
    "name_root": 1.714,
    "population_product": 0.0624,
    "nearby_links": 2.2829,
    "reverse_country_affinity": 5.5683,
    "country_language": -0.6696,
}

# Candidate generation: how many countries, and how many places per country.
AFFINE_COUNTRIES = 6
PER_COUNTRY = 10  # most-partnered places of a country
PER_COUNTRY_LINKED = 20  # places of a country with the most partners in the source's country
COLD_START_COUNTRIES = 3
AFFINE_REGIONS = 8
PER_REGION = 8
THREE_HOP_CANDIDATES = 60
THREE_HOP_LIMIT = 400  # skip paths through two middle places whose degrees multiply beyond this
NEAR_KM = 300  # places this close to the source are candidates (the most partnered first)
NEAR_CANDIDATES = 20
PER_ROOT = 20  # places whose names begin alike, the most partnered first
PER_TOPIC = 30  # places working on an axis a request seeks, the most partnered first
# Partnerships cluster: towns of one district pair with towns of one district abroad. A partnership
# between u and v counts for the pair (s, q) with weight K(d(s, u)) x K(d(q, v)), K(d) = exp(-d /
# NEARBY_SCALE_KM) within NEARBY_RADIUS_KM (s = u and q = v are included, at weight 1).
NEARBY_RADIUS_KM = 30.0
NEARBY_SCALE_KM = 8.0
NEARBY_CANDIDATES = 40
NEARBY_REASON_FROM = 0.5  # about one partnership between places a few kilometres from each side
EARTH_RADIUS_KM = 6371.0


@dataclass(frozen=True, slots=True)
class Place:
    """What the recommender knows of one local government."""

    id: int
    name: str
    country: str
    continent: str = ""
    population: int = 0
    name_key: str = ""  # folded name, for namesakes
    region: str = ""  # first-level subdivision (country + GeoNames admin1 code)
    languages: frozenset[str] = frozenset()  # working languages as recorded (none guessed)
    topics: frozenset[str] = frozenset()  # cooperation axes it works on (projects) or offers
    offers: frozenset[str] = frozenset()  # axis codes and DAC sector codes it offers
    kind: str = ""
    geonameid: int | None = None
    latitude: float | None = None
    longitude: float | None = None


@dataclass(slots=True)
class Wish:
    """What a partner request seeks (every part optional)."""

    countries: frozenset[str] = frozenset()
    continents: frozenset[str] = frozenset()
    kinds: frozenset[str] = frozenset()
    population_min: int | None = None
    population_max: int | None = None
    languages: frozenset[str] = frozenset()
    topics: frozenset[str] = frozenset()  # axis codes and DAC sector codes sought

    @property
    def criteria_count(self) -> int:
        return sum(
            bool(part)
            for part in (
                self.countries or self.continents,
                self.kinds,
                self.population_min is not None or self.population_max is not None,
                self.languages,
            )
        )


@dataclass(frozen=True, slots=True)
class Reason:
    """One fact behind a recommendation; ``code`` selects the sentence, ``values`` fill it."""

    code: str
    values: tuple = ()


@dataclass(slots=True)
class Recommendation:
    place: Place
    score: float
    reasons: list[Reason] = field(default_factory=list)


def name_root(name_key: str) -> str:
    """The first five letters of a folded name ("" when shorter): "Tarascon-sur-Ariège" and
    "Tarascon" share the root "taras"."""
    letters = "".join(ch for ch in name_key if ch.isalpha())
    return letters[:5] if len(letters) >= 5 else ""


def distance_km(a: Place, b: Place) -> float:
    """Great-circle distance between two located places."""
    if a.latitude is None or a.longitude is None or b.latitude is None or b.longitude is None:
        raise ValueError("distance_km needs two places with coordinates")
    lat1, lat2 = math.radians(a.latitude), math.radians(b.latitude)
    half = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin(math.radians(b.longitude - a.longitude) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(half, 1.0)))


def _km_from(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """Great-circle distances (km) from one point to arrays of points, all in radians."""
    half = np.sin((lats - lat) / 2) ** 2 + np.cos(lats) * math.cos(lat) * np.sin((lons - lon) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(half, 1.0)))


def _log_population(population: int) -> float:
    return math.log10(population) if population > 1 else 0.0


def _population_similarity(a: int, b: int) -> float:
    if a <= 0 or b <= 0:
        return 0.0
    return max(0.0, 1.0 - abs(math.log10(a / b)) / 3.0)


@dataclass(slots=True)
class Query:
    """What the signals know of the source of a query, computed once (``Network.query``)."""

    network: Network
    source: Place
    wish: Wish | None
    own_countries: Counter  # the source's partners per country
    own_regions: Counter  # the source's partners per region
    own_total: int
    three_hop: dict[int, float]
    region_row: Mapping[str, int]  # partnerships from the source's region to each region
    region_total: int
    near_source: Mapping[int, int]  # place -> its partners in the source's region
    country_row: Mapping[str, int]  # partnerships from the source's country to each country
    country_total: int
    close_countries: set[str]
    distances: np.ndarray | None  # km to every located place, ``located_ids`` order
    nearby: np.ndarray | None  # ``Network.nearby_links``
    source_root: str
    source_log_population: float
    source_official: frozenset[str]


@dataclass(slots=True)
class Candidates:
    """The candidates of a query, as columns (one entry per candidate in each)."""

    ids: list[int]
    places: list[Place]
    shared: list[dict[int, int]]  # the shared partners of each
    positions: list[int | None]  # in ``located_ids``, None when not located
    distances: list[float | None]  # km from the source, None when either is not located


# -- the scorer's signals -----------------------------------------------------------------------------
#
# A candidate's score is the weighted sum of these signals (weights in ``DEFAULT_WEIGHTS``, or fitted
# by ``fit_weights``). Each signal is one small function of the query (``Query``: what is known of
# the source, computed once) and of its candidates (``Candidates``), giving one value per candidate;
# ``SIGNALS`` gives their order in a feature vector. A signal reads a whole column at once: one call
# per signal and query, not per candidate, keeps a query as fast as the former single loop. A new
# signal is a function here, a line in ``SIGNALS`` and a default weight.


def resource_allocation(q: Query, cs: Candidates) -> list[float]:
    """Shared partners, each counted 1 / its number of partners: a small town both twin with says more
    than a capital that everyone twins with."""
    inverse_degree = q.network.inverse_degree
    return [sum(inverse_degree[w] for w in shared) for shared in cs.shared]


def common_partners(q: Query, cs: Candidates) -> list[float]:
    """log(1 + number of shared partners)."""
    return [math.log1p(len(shared)) for shared in cs.shared]


def country_affinity(q: Query, cs: Candidates) -> list[float]:
    """Share of the source country's partnerships that go to the candidate's country."""
    row, total = q.country_row, q.country_total
    return [row.get(p.country, 0) / total if total else 0.0 for p in cs.places]


def own_country_profile(q: Query, cs: Candidates) -> list[float]:
    """Share of the source's own partners in the candidate's country."""
    own, total = q.own_countries, q.own_total
    return [own[p.country] / total if total else 0.0 for p in cs.places]


def degree_prior(q: Query, cs: Candidates) -> list[float]:
    """log(1 + degree of the candidate): well-partnered places take new partners."""
    adjacency = q.network.adjacency
    return [math.log1p(len(adjacency.get(cid, ()))) for cid in cs.ids]


def population_similarity(q: Query, cs: Candidates) -> list[float]:
    """1 - |log10 population ratio| / 3, floored at 0."""
    population = q.source.population
    return [_population_similarity(population, p.population) for p in cs.places]


def same_name(q: Query, cs: Candidates) -> list[float]:
    """The two places share a name (namesake twinnings are frequent)."""
    name = q.source.name_key
    return [1.0 if name and name == p.name_key else 0.0 for p in cs.places]


def region_pairs(q: Query, cs: Candidates) -> list[float]:
    """log(1 + partnerships between the source's region and the candidate's region)."""
    row = q.region_row
    return [math.log1p(row.get(p.region, 0)) if p.region else 0.0 for p in cs.places]


def region_affinity(q: Query, cs: Candidates) -> list[float]:
    """Share of the source region's partnerships that go to the candidate's region."""
    row, total = q.region_row, q.region_total
    counts = [row.get(p.region, 0) if p.region else 0 for p in cs.places]
    return [count / total if count else 0.0 for count in counts]


def partners_in_region(q: Query, cs: Candidates) -> list[float]:
    """log(1 + the source's partners in the candidate's region)."""
    own = q.own_regions
    return [math.log1p(own[p.region]) if p.region else 0.0 for p in cs.places]


def partners_near_source(q: Query, cs: Candidates) -> list[float]:
    """log(1 + the candidate's partners in the source's region)."""
    near = q.near_source
    return [math.log1p(near.get(cid, 0)) for cid in cs.ids]


def partners_in_source_country(q: Query, cs: Candidates) -> list[float]:
    """log(1 + the candidate's partners in the source's country)."""
    links, country = q.network.country_links, q.source.country
    return [math.log1p(links.get((country, p.country), {}).get(p.id, 0)) for p in cs.places]


def three_hop(q: Query, cs: Candidates) -> list[float]:
    """Paths of length three, each weighted 1 / (degree of its two middle places)."""
    paths = q.three_hop
    return [paths.get(cid, 0.0) for cid in cs.ids]


def neighbouring_country(q: Query, cs: Candidates) -> list[float]:
    """The candidate's country borders the source's (or is the same)."""
    close = q.close_countries
    return [1.0 if p.country in close else 0.0 for p in cs.places]


def shared_topics(q: Query, cs: Candidates) -> list[float]:
    """Number of shared cooperation axes (projects, offers)."""
    topics = q.source.topics
    return [float(len(topics & p.topics)) if topics else 0.0 for p in cs.places]


def shared_language(q: Query, cs: Candidates) -> list[float]:
    """At least one working language in common (as recorded, never guessed)."""
    languages = q.source.languages
    return [1.0 if languages & p.languages else 0.0 for p in cs.places]


def request_match(q: Query, cs: Candidates) -> list[float]:
    """How many criteria of the request the candidate meets (where, kind, size, language)."""
    wish = q.wish
    if not wish:
        return [0.0] * len(cs.ids)
    sized = wish.population_min is not None or wish.population_max is not None

    def met(p: Place) -> float:
        where = (wish.countries or wish.continents) and (p.country in wish.countries or p.continent in wish.continents)
        kind = wish.kinds and p.kind in wish.kinds
        size = (
            sized
            and p.population
            and (wish.population_min is None or p.population >= wish.population_min)
            and (wish.population_max is None or p.population <= wish.population_max)
        )
        language = wish.languages and wish.languages & p.languages
        return float(sum(bool(criterion) for criterion in (where, kind, size, language)))

    return [met(p) for p in cs.places]


def offer_match(q: Query, cs: Candidates) -> list[float]:
    """The candidate offers what the request seeks (axis or sector)."""
    topics = q.wish.topics if q.wish else frozenset()
    return [float(len(topics & p.offers)) for p in cs.places]


def theme_work(q: Query, cs: Candidates) -> list[float]:
    """The request's axes the candidate works on (its projects and offers)."""
    topics = q.wish.topics if q.wish else frozenset()
    return [float(len(topics & p.topics)) for p in cs.places]


def distance_100(q: Query, cs: Candidates) -> list[float]:
    """The two places are less than 100 km apart."""
    return [1.0 if d is not None and d < 100 else 0.0 for d in cs.distances]


def distance_300(q: Query, cs: Candidates) -> list[float]:
    """100 to 300 km apart."""
    return [1.0 if d is not None and 100 <= d < 300 else 0.0 for d in cs.distances]


def distance_800(q: Query, cs: Candidates) -> list[float]:
    """300 to 800 km apart."""
    return [1.0 if d is not None and 300 <= d < 800 else 0.0 for d in cs.distances]


def same_root(q: Query, cs: Candidates) -> list[float]:
    """The two names begin alike (five letters) without being the same name ("Tarascon" and
    "Tarascon-sur-Ariège")."""
    name, root = q.source.name_key, q.source_root
    return [
        1.0 if root and not (name and name == p.name_key) and name_root(p.name_key) == root else 0.0 for p in cs.places
    ]


def population_product(q: Query, cs: Candidates) -> list[float]:
    """log10(population) x log10(population) / 10: big towns pair with big towns."""
    source = q.source_log_population
    return [source * _log_population(p.population) / 10.0 for p in cs.places]


def nearby_links(q: Query, cs: Candidates) -> list[float]:
    """Partnerships between places near the source and places near the candidate (towns of one
    district often twin with towns of one district abroad)."""
    nearby = q.nearby
    if nearby is None:
        return [0.0] * len(cs.ids)
    return [float(nearby[position]) if position is not None else 0.0 for position in cs.positions]


def reverse_country_affinity(q: Query, cs: Candidates) -> list[float]:
    """Share of the candidate country's partnerships that go to the source's country."""
    affinity, country = q.network.country_affinity, q.source.country
    return [affinity(p.country, country) for p in cs.places]


def country_language(q: Query, cs: Candidates) -> list[float]:
    """The two countries share an official language (a fact of the countries)."""
    official, spoken = q.network.official_languages, q.source_official
    return [1.0 if spoken & official.get(p.country, frozenset()) else 0.0 for p in cs.places]


Signal = Callable[["Query", "Candidates"], list[float]]

# The signals, in the order of a feature vector; their keys are the features' names.
SIGNALS: dict[str, Signal] = {
    "resource_allocation": resource_allocation,
    "common_partners": common_partners,
    "country_affinity": country_affinity,
    "own_country_profile": own_country_profile,
    "degree_prior": degree_prior,
    "population_similarity": population_similarity,
    "same_name": same_name,
    "region_pairs": region_pairs,
    "region_affinity": region_affinity,
    "partners_in_region": partners_in_region,
    "partners_near_source": partners_near_source,
    "partners_in_source_country": partners_in_source_country,
    "three_hop": three_hop,
    "neighbouring_country": neighbouring_country,
    "shared_topics": shared_topics,
    "shared_language": shared_language,
    "request_match": request_match,
    "offer_match": offer_match,
    "theme_work": theme_work,
    "distance_100": distance_100,
    "distance_300": distance_300,
    "distance_800": distance_800,
    "name_root": same_root,
    "population_product": population_product,
    "nearby_links": nearby_links,
    "reverse_country_affinity": reverse_country_affinity,
    "country_language": country_language,
}
FEATURES = tuple(SIGNALS)

# Columns of the features that say a candidate works on or offers what a request seeks.
THEME_COLUMNS = [FEATURES.index("offer_match"), FEATURES.index("theme_work")]


class Network:
    """The partnership network of local governments, ready to answer recommendation queries."""

    def __init__(
        self,
        places: Iterable[Place],
        edges: Iterable[tuple[int, int]],
        *,
        neighbours: dict[str, frozenset[str]] | None = None,
        official_languages: Mapping[str, frozenset[str]] | None = None,
        weights: dict[str, float] | None = None,
        version: object = None,
    ):
        self.places: dict[int, Place] = {place.id: place for place in places}
        self.adjacency: dict[int, set[int]] = defaultdict(set)
        for a, b in edges:
            if a == b or a not in self.places or b not in self.places:
                continue
            self.adjacency[a].add(b)
            self.adjacency[b].add(a)
        self.neighbours = neighbours or {}
        # Official languages of each country: a fact of the country, used to draw candidates and
        # for the "country_language" feature, never said of a place (its own languages are).
        self.official_languages = dict(official_languages or {})
        self.weights = dict(DEFAULT_WEIGHTS, **(weights or {}))
        self.version = version
        self._index()

    def _index(self) -> None:
        country_pairs: dict[str, Counter] = defaultdict(Counter)
        for a, partners in self.adjacency.items():
            country = self.places[a].country
            for b in partners:
                country_pairs[country][self.places[b].country] += 1
        self.country_pairs = country_pairs
        self.country_totals = {country: sum(counter.values()) for country, counter in country_pairs.items()}
        self.country_top = {
            country: [other for other, _count in counter.most_common(AFFINE_COUNTRIES)]
            for country, counter in country_pairs.items()
        }
        by_country: dict[str, list[int]] = defaultdict(list)
        by_name: dict[str, list[int]] = defaultdict(list)
        for place in self.places.values():
            by_country[place.country].append(place.id)
            if place.name_key:
                by_name[place.name_key].append(place.id)
        for ids in by_country.values():
            ids.sort(
                key=lambda pid: (
                    -len(self.adjacency.get(pid, ())),
                    -self.places[pid].population,
                    pid,
                )
            )
        self.by_country = dict(by_country)
        # (country A, country B) → {place of B: how many of its partners are in A}, most first.
        links: dict[tuple[str, str], Counter] = defaultdict(Counter)
        for pid, partners in self.adjacency.items():
            country = self.places[pid].country
            for other in partners:
                links[(self.places[other].country, country)][pid] += 1
        self.country_links = {pair: dict(counter.most_common()) for pair, counter in links.items()}
        self.inverse_degree = {pid: 1.0 / len(partners) for pid, partners in self.adjacency.items() if partners}
        self.country_languages = {
            country: self.official_languages.get(country, frozenset()).union(
                *(self.places[pid].languages for pid in ids[:50])
            )
            for country, ids in by_country.items()
        }
        by_topic: dict[str, list[int]] = defaultdict(list)
        for place in self.places.values():
            for topic in place.topics | place.offers:
                by_topic[topic].append(place.id)
        self.by_topic = {
            topic: sorted(ids, key=lambda pid: (-len(self.adjacency.get(pid, ())), pid))
            for topic, ids in by_topic.items()
        }
        self.by_name = {key: ids for key, ids in by_name.items() if len(ids) > 1}
        by_root: dict[str, list[int]] = defaultdict(list)
        for place in self.places.values():
            root = name_root(place.name_key)
            if root:
                by_root[root].append(place.id)
        self.by_root = {
            root: sorted(ids, key=lambda pid: (-len(self.adjacency.get(pid, ())), pid))[:PER_ROOT]
            for root, ids in by_root.items()
            if len(ids) > 1
        }
        located = [p for p in self.places.values() if p.latitude is not None and p.longitude is not None]
        self.located_ids = np.asarray([p.id for p in located], dtype=np.int64)
        self.located_lat = np.radians(np.asarray([p.latitude for p in located], dtype=float))
        self.located_lon = np.radians(np.asarray([p.longitude for p in located], dtype=float))
        self.located_degree = np.asarray([len(self.adjacency.get(p.id, ())) for p in located], dtype=float)
        self.located_index = {pid: i for i, pid in enumerate(self.located_ids.tolist())}
        self._index_vicinity()
        region_pairs: dict[str, Counter] = defaultdict(Counter)
        by_region: dict[str, list[int]] = defaultdict(list)
        for place in self.places.values():
            if place.region:
                by_region[place.region].append(place.id)
                for b in self.adjacency.get(place.id, ()):
                    other_region = self.places[b].region
                    if other_region:
                        region_pairs[place.region][other_region] += 1
        for ids in by_region.values():
            ids.sort(
                key=lambda pid: (
                    -len(self.adjacency.get(pid, ())),
                    -self.places[pid].population,
                    pid,
                )
            )
        self.region_pairs = dict(region_pairs)
        # region → {place: how many of its partners are in that region}
        region_links: dict[str, Counter] = defaultdict(Counter)
        for pid, partners in self.adjacency.items():
            for other in partners:
                if self.places[other].region:
                    region_links[self.places[other].region][pid] += 1
        self.region_links = {region: dict(counter) for region, counter in region_links.items()}
        self.region_totals = {region: sum(counter.values()) for region, counter in region_pairs.items()}
        self.by_region = dict(by_region)
        self.max_degree = max((len(p) for p in self.adjacency.values()), default=0)

    def _index_vicinity(self) -> None:
        """For every located place, the located places within ``NEARBY_RADIUS_KM`` and their kernel
        weights, as one compressed row per place (``vicinity_start``, ``vicinity_ids``,
        ``vicinity_weights``; positions in ``located_ids``). Places are sorted by latitude so that
        each row only measures the band of latitudes it can reach."""
        count = len(self.located_ids)
        order = np.argsort(self.located_lat, kind="stable")
        lat_sorted = self.located_lat[order]
        band = NEARBY_RADIUS_KM / EARTH_RADIUS_KM
        lows = np.searchsorted(lat_sorted, lat_sorted - band, side="left")
        highs = np.searchsorted(lat_sorted, lat_sorted + band, side="right")
        rows: list[np.ndarray] = [np.zeros(0, dtype=np.int32)] * count
        weights: list[np.ndarray] = [np.zeros(0, dtype=np.float32)] * count
        for rank in range(count):
            i = order[rank]
            others = order[lows[rank] : highs[rank]]
            km = _km_from(self.located_lat[i], self.located_lon[i], self.located_lat[others], self.located_lon[others])
            close = km <= NEARBY_RADIUS_KM
            rows[i] = others[close].astype(np.int32)
            weights[i] = np.exp(-km[close] / NEARBY_SCALE_KM).astype(np.float32)
        lengths = np.fromiter((len(row) for row in rows), dtype=np.int64, count=count)
        self.vicinity_start = np.concatenate(([0], np.cumsum(lengths)))
        self.vicinity_ids = np.concatenate(rows) if count else np.zeros(0, dtype=np.int32)
        self.vicinity_weights = np.concatenate(weights) if count else np.zeros(0, dtype=np.float32)

    def _vicinity(self, position: int) -> tuple[np.ndarray, np.ndarray]:
        start, end = self.vicinity_start[position], self.vicinity_start[position + 1]
        return self.vicinity_ids[start:end], self.vicinity_weights[start:end]

    def nearby_links(self, source: Place, distances: np.ndarray | None) -> np.ndarray | None:
        """For every located place q (``located_ids`` order), the partnerships (u, v) with u near
        the source and v near q, each weighted by both distances; None when nothing is known."""
        around: list[tuple[int, float]] = []  # (place id u, weight of u for the source)
        position = self.located_index.get(source.id)
        if position is not None:
            ids, weights = self._vicinity(position)
            around = list(zip(self.located_ids[ids].tolist(), weights.tolist(), strict=True))
        elif distances is not None:
            close = np.flatnonzero(distances <= NEARBY_RADIUS_KM)
            around = list(
                zip(
                    self.located_ids[close].tolist(),
                    np.exp(-distances[close] / NEARBY_SCALE_KM).tolist(),
                    strict=True,
                )
            )
        elif source.id in self.adjacency:
            around = [(source.id, 1.0)]
        parts_ids, parts_weights = [], []
        for u, weight in around:
            for v in self.adjacency.get(u, ()):
                position = self.located_index.get(v)
                if position is not None:
                    ids, weights = self._vicinity(position)
                    parts_ids.append(ids)
                    parts_weights.append(weights * weight)
        if not parts_ids:
            return None
        return np.bincount(
            np.concatenate(parts_ids),
            weights=np.concatenate(parts_weights),
            minlength=len(self.located_ids),
        )

    # -- queries -------------------------------------------------------------------------------

    def degree(self, place_id: int) -> int:
        return len(self.adjacency.get(place_id, ()))

    def partners(self, place_id: int) -> set[int]:
        return self.adjacency.get(place_id, set())

    def country_affinity(self, source_country: str, country: str) -> float:
        total = self.country_totals.get(source_country)
        if not total:
            return 0.0
        return self.country_pairs[source_country][country] / total

    def distances(self, source: Place) -> np.ndarray | None:
        """Great-circle distances (km) from ``source`` to every located place (``located_ids``
        order), or None when ``source`` has no coordinates."""
        if source.latitude is None or source.longitude is None:
            return None
        return _km_from(
            math.radians(source.latitude), math.radians(source.longitude), self.located_lat, self.located_lon
        )

    def _nearby(self, distances: np.ndarray | None) -> list[int]:
        """The most-partnered places within ``NEAR_KM`` of the source."""
        if distances is None:
            return []
        near = np.flatnonzero(distances <= NEAR_KM)
        if len(near) > NEAR_CANDIDATES:
            near = near[np.argsort(-self.located_degree[near], kind="stable")[:NEAR_CANDIDATES]]
        return self.located_ids[near].tolist()

    def candidates(
        self,
        source: Place,
        wish: Wish | None = None,
        three_hop: dict[int, float] | None = None,
        distances: np.ndarray | None = None,
        nearby: np.ndarray | None = None,
    ) -> dict[int, dict[int, int]]:
        """Candidate ids, each with its shared partners and their degrees ({candidate: {w: 1}})."""
        partners = self.partners(source.id)
        if three_hop is None:
            three_hop = self.three_hop(source.id)
        shared: dict[int, dict[int, int]] = defaultdict(dict)
        for w in partners:
            for candidate in self.adjacency.get(w, ()):
                shared[candidate][w] = 1
        countries = self._candidate_countries(source, wish)
        for country in countries:
            for candidate in self.by_country.get(country, ())[:PER_COUNTRY]:
                shared.setdefault(candidate, {})
            for candidate in list(self.country_links.get((source.country, country), ()))[:PER_COUNTRY_LINKED]:
                shared.setdefault(candidate, {})
        for region, _count in self.region_pairs.get(source.region, Counter()).most_common(AFFINE_REGIONS):
            for candidate in self.by_region.get(region, ())[:PER_REGION]:
                shared.setdefault(candidate, {})
        for region in {self.places[p].region for p in partners} - {""}:
            for candidate in self.by_region.get(region, ())[:PER_REGION]:
                shared.setdefault(candidate, {})
        for candidate in heapq.nlargest(THREE_HOP_CANDIDATES, three_hop, key=three_hop.__getitem__):
            shared.setdefault(candidate, {})
        for candidate in self.by_name.get(source.name_key, ()):
            shared.setdefault(candidate, {})
        for candidate in self.by_root.get(name_root(source.name_key), ()):
            shared.setdefault(candidate, {})
        for candidate in self._nearby(distances):
            shared.setdefault(candidate, {})
        if wish:
            for candidate in self._working_on(wish):
                shared.setdefault(candidate, {})
        if nearby is not None:
            best = np.argpartition(-nearby, min(NEARBY_CANDIDATES, len(nearby) - 1))[:NEARBY_CANDIDATES]
            for position in best[nearby[best] > 0].tolist():
                shared.setdefault(int(self.located_ids[position]), {})
        shared.pop(source.id, None)
        for partner in partners:
            shared.pop(partner, None)
        return shared

    def _working_on(self, wish: Wish) -> list[int]:
        """The most-partnered places working on or offering each topic a request seeks (in the
        countries or continents it names, if any)."""
        found: list[int] = []
        for topic in sorted(wish.topics):
            ids = self.by_topic.get(topic, [])
            if wish.countries or wish.continents:
                ids = [
                    pid
                    for pid in ids
                    if self.places[pid].country in wish.countries or self.places[pid].continent in wish.continents
                ]
            found.extend(ids[:PER_TOPIC])
        return found

    def three_hop(self, source_id: int) -> dict[int, float]:
        """Weighted paths of length three from ``source_id`` (bounded: hubs are skipped)."""
        weights: dict[int, float] = defaultdict(float)
        for w1 in self.adjacency.get(source_id, ()):
            d1 = len(self.adjacency[w1])
            for w2 in self.adjacency[w1]:
                if w2 == source_id:
                    continue
                d2 = len(self.adjacency[w2])
                if d1 * d2 > THREE_HOP_LIMIT:
                    continue
                contribution = 1.0 / (d1 * d2)
                for candidate in self.adjacency[w2]:
                    weights[candidate] += contribution
        return weights

    def _candidate_countries(self, source: Place, wish: Wish | None) -> list[str]:
        countries: list[str] = []
        if wish and wish.countries:
            countries.extend(sorted(wish.countries))
        own = Counter(self.places[p].country for p in self.partners(source.id))
        countries.extend(country for country, _count in own.most_common(AFFINE_COUNTRIES))
        countries.extend(self.country_top.get(source.country, ()))
        if wish and wish.continents and not wish.countries:
            # The most-partnered countries of the wished continents.
            ranked = sorted(
                (c for c in self.by_country if self._continent(c) in wish.continents),
                key=lambda c: -self.country_totals.get(c, 0),
            )
            countries.extend(ranked[:AFFINE_COUNTRIES])
        spoken = source.languages or self.official_languages.get(source.country, frozenset())
        if len(countries) < COLD_START_COUNTRIES and spoken:
            # Little known of this place or its country: look where its language is spoken.
            countries.extend(self._countries_speaking(spoken)[:COLD_START_COUNTRIES])
        countries.append(source.country)
        return list(dict.fromkeys(countries))  # without repeats, first occurrence kept

    def _countries_speaking(self, languages: frozenset[str]) -> list[str]:
        """Countries whose places share a language with ``languages``, most partnered first."""
        return sorted(
            (country for country, spoken in self.country_languages.items() if spoken & languages),
            key=lambda country: (
                -self.country_totals.get(country, 0),
                -len(self.by_country[country]),
                country,
            ),
        )

    def _continent(self, country: str) -> str:
        ids = self.by_country.get(country)
        return self.places[ids[0]].continent if ids else ""

    def query(self, source: Place, wish: Wish | None = None) -> Query:
        """What the signals need to know of ``source``, computed once per query."""
        partners = self.partners(source.id)
        region = source.region
        distances = self.distances(source)
        return Query(
            network=self,
            source=source,
            wish=wish,
            own_countries=Counter(self.places[p].country for p in partners),
            own_regions=Counter(self.places[p].region for p in partners),
            own_total=len(partners),
            three_hop=self.three_hop(source.id),
            region_row=self.region_pairs.get(region, {}) if region else {},
            region_total=self.region_totals.get(region, 0),
            near_source=self.region_links.get(region, {}) if region else {},
            country_row=self.country_pairs.get(source.country, {}),
            country_total=self.country_totals.get(source.country, 0),
            close_countries=set(self.neighbours.get(source.country, ())) | {source.country},
            distances=distances,
            nearby=self.nearby_links(source, distances),
            source_root=name_root(source.name_key),
            source_log_population=_log_population(source.population),
            source_official=self.official_languages.get(source.country, frozenset()),
        )

    def feature_table(self, source: Place, wish: Wish | None = None) -> list[tuple[int, list[float], dict[int, int]]]:
        """(candidate id, feature vector in ``FEATURES`` order, shared partners) for every candidate."""
        q = self.query(source, wish)
        found = self.candidates(source, wish, q.three_hop, q.distances, q.nearby)
        ids = list(found)
        positions = [self.located_index.get(cid) for cid in ids]
        distances = q.distances
        cs = Candidates(
            ids=ids,
            places=[self.places[cid] for cid in ids],
            shared=list(found.values()),
            positions=positions,
            distances=[
                float(distances[position]) if position is not None and distances is not None else None
                for position in positions
            ],
        )
        columns = [signal(q, cs) for signal in SIGNALS.values()]
        return [
            (cid, list(vector), shared)
            for cid, vector, shared in zip(ids, zip(*columns, strict=True), cs.shared, strict=True)
        ]

    def recommend(
        self,
        source: Place | int,
        k: int = 10,
        wish: Wish | None = None,
        exclude: Iterable[int] = (),
    ) -> list[Recommendation]:
        """The ``k`` best partners for ``source`` (a place of the network, or any organisation
        described as a ``Place``): itself, its partners and ``exclude`` left out. With a ``wish``
        naming countries or continents, only places there are proposed."""
        if not isinstance(source, Place):
            if source not in self.places:
                return []
            source = self.places[source]
        weights = np.asarray([self.weights[name] for name in FEATURES])
        excluded = set(exclude)
        excluded.add(source.id)
        where = (wish.countries, wish.continents) if wish and (wish.countries or wish.continents) else None
        rows = [
            row
            for row in self.feature_table(source, wish)
            if row[0] not in excluded
            # a request that names where to look is a filter, not a preference
            and not (
                where and not (self.places[row[0]].country in where[0] or self.places[row[0]].continent in where[1])
            )
        ]
        if not rows:
            return []
        matrix = np.asarray([vector for _cid, vector, _shared in rows])
        scores = matrix @ weights
        # A request's theme comes first: the places that work on or offer what it seeks rank
        # before the others, each group in the order of its scores.
        themed = matrix[:, THEME_COLUMNS].sum(axis=1) > 0 if wish and wish.topics else np.zeros(len(rows), dtype=bool)
        best = np.lexsort((-scores, ~themed))[: max(k * 3, k)]
        scored = sorted(
            ((not themed[i], float(scores[i]), *rows[i]) for i in best),
            key=lambda row: (row[0], -row[1], row[2]),
        )
        return [
            Recommendation(
                self.places[cid],
                round(score, 4),
                self.reasons(source, self.places[cid], vector, shared, wish),
            )
            for _unthemed, score, cid, vector, shared in scored[:k]
        ]

    def reasons(
        self,
        source: Place,
        candidate: Place,
        vector: Sequence[float],
        shared: dict[int, int],
        wish: Wish | None,
    ) -> list[Reason]:
        """The facts behind one recommendation, the most telling first (``REASONS``)."""
        evidence = Evidence(self, source, candidate, dict(zip(FEATURES, vector, strict=True)), shared, wish)
        return [reason for kind in REASONS for reason in kind(evidence)]


# -- the reasons given ------------------------------------------------------------------------------
#
# Each result says why it ranks: these small functions, in ``REASONS`` order (the most telling
# first), each give the reasons of one kind that the candidate's facts support, as codes with values
# that ``coopdec.matching.selectors.reason_text`` writes in the user's language.


@dataclass(frozen=True, slots=True)
class Evidence:
    """What is known of one recommendation: its two places, its feature values, its shared partners."""

    network: Network
    source: Place
    candidate: Place
    features: dict[str, float]
    shared: dict[int, int]
    wish: Wish | None


def what_the_request_seeks(e: Evidence) -> list[Reason]:
    """What the candidate offers, or works on, among what the request seeks, and where it lies."""
    wish, candidate = e.wish, e.candidate
    if not wish:
        return []
    found = []
    sought = sorted(wish.topics & candidate.offers)
    if sought:
        found.append(Reason("offers_sought", tuple(sought)))
    worked = sorted((wish.topics & candidate.topics) - set(sought))
    if worked:
        found.append(Reason("works_on_sought", tuple(worked)))
    if candidate.country in wish.countries:
        found.append(Reason("priority_country", (candidate.country,)))
    elif candidate.continent and candidate.continent in wish.continents:
        found.append(Reason("priority_continent", (candidate.continent,)))
    return found


def topics_in_common(e: Evidence) -> list[Reason]:
    """The cooperation axes both work on."""
    topics = sorted(e.source.topics & e.candidate.topics)
    return [Reason("shared_topics", tuple(topics))] if topics else []


def close_in_the_network(e: Evidence) -> list[Reason]:
    """Partners in common; else paths of three partnerships, or partnerships between their neighbourhoods."""
    if e.shared:
        names = sorted(e.network.places[w].name for w in e.shared)
        return [Reason("common_partners", (len(e.shared), tuple(names[:3])))]
    found = [Reason("near_partners")] if e.features["three_hop"] > 0 else []
    if e.features["nearby_links"] >= NEARBY_REASON_FROM:
        found.append(Reason("nearby_links"))
    return found


def names_alike(e: Evidence) -> list[Reason]:
    """The same name, or names beginning alike."""
    if e.features["same_name"]:
        return [Reason("same_name", (e.candidate.name,))]
    return [Reason("name_root", (e.candidate.name,))] if e.features["name_root"] else []


def near_each_other(e: Evidence) -> list[Reason]:
    """Less than 300 km apart."""
    if e.features["distance_100"] or e.features["distance_300"]:
        return [Reason("distance", (round(distance_km(e.source, e.candidate)),))]
    return []


def languages_in_common(e: Evidence) -> list[Reason]:
    """The working languages the request asks for (else the source's) that the candidate records."""
    wanted = e.wish.languages if e.wish and e.wish.languages else e.source.languages
    languages = sorted(wanted & e.candidate.languages)
    return [Reason("language", tuple(languages))] if languages else []


def similar_size(e: Evidence) -> list[Reason]:
    """Populations within a factor of about 2.8 (a similarity of 0.85 or more)."""
    if e.features["population_similarity"] >= 0.85:
        return [Reason("similar_population", (e.candidate.population,))]
    return []


def regions_that_pair(e: Evidence) -> list[Reason]:
    """At least two partnerships already link the two regions."""
    source, candidate = e.source, e.candidate
    count = e.network.region_pairs.get(source.region, Counter()).get(candidate.region, 0) if source.region else 0
    if count >= 2 and source.region != candidate.region:
        return [Reason("region_pairs", (count,))]
    return []


def countries_that_pair(e: Evidence) -> list[Reason]:
    """The candidate's partners in the source's country; the source's partners in the candidate's
    country, else the two countries' habit of pairing, seen from either side."""
    source, candidate, f = e.source, e.candidate, e.features
    if candidate.country == source.country:
        return []
    found = []
    if f["partners_in_source_country"] > 0:
        count = e.network.country_links[(source.country, candidate.country)][candidate.id]
        found.append(Reason("partners_with_your_country", (source.country, count)))
    if f["own_country_profile"] > 0:
        found.append(Reason("partners_in_country", (candidate.country,)))
    elif f["country_affinity"] >= 0.05 or f["reverse_country_affinity"] >= 0.05:
        found.append(Reason("country_affinity", (source.country, candidate.country)))
    return found


def well_connected(e: Evidence) -> list[Reason]:
    """Ten partnerships or more."""
    degree = e.network.degree(e.candidate.id)
    return [Reason("well_connected", (degree,))] if degree >= 10 else []


# The kinds of reasons, the most telling first.
REASONS: tuple[Callable[[Evidence], list[Reason]], ...] = (
    what_the_request_seeks,
    topics_in_common,
    close_in_the_network,
    names_alike,
    near_each_other,
    languages_in_common,
    similar_size,
    regions_that_pair,
    countries_that_pair,
    well_connected,
)


# Features twinnings cannot teach (nobody's topics or requests are in the list): set by hand.
HAND_SET = frozenset({"shared_topics", "shared_language", "request_match", "offer_match", "theme_work"})


# -- fitting ----------------------------------------------------------------------------------------


def split_edges(edges: Sequence[tuple[int, int]], fraction: float, seed: int) -> tuple[list, list]:
    """(kept, hidden): ``fraction`` of the edges hidden at random with a fixed seed."""
    rng = random.Random(seed)
    order = list(edges)
    rng.shuffle(order)
    cut = int(round(len(order) * fraction))
    return order[cut:], order[:cut]


def _softmax_fit(matrix: np.ndarray, starts: np.ndarray, targets: np.ndarray, iterations: int = 300) -> list[float]:
    """Weights maximising the mean log-probability of each query's target under a softmax over
    its candidates (full-batch Adam on standardised features, a little L2), in raw feature units."""
    mean = matrix.mean(axis=0)
    scale = matrix.std(axis=0) + 1e-6
    z = (matrix - mean) / scale
    query_of = np.repeat(np.arange(len(starts)), np.diff(np.append(starts, len(matrix))))
    w = np.zeros(z.shape[1])
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    for step in range(1, iterations + 1):
        s = z @ w
        top = np.maximum.reduceat(s, starts)
        e = np.exp(s - top[query_of])
        p = e / np.add.reduceat(e, starts)[query_of]
        gradient = (z.T @ p - z[targets].sum(axis=0)) / len(starts) + 1e-3 * w
        m = 0.9 * m + 0.1 * gradient
        v = 0.999 * v + 0.001 * gradient * gradient
        w -= 0.05 * (m / (1 - 0.9**step)) / (np.sqrt(v / (1 - 0.999**step)) + 1e-8)
    return (w / scale).tolist()


def fit_weights(
    places: Sequence[Place],
    edges: Sequence[tuple[int, int]],
    *,
    seed: int = 7,
    fraction: float = 0.1,
    max_queries: int = 3000,
    k: int = 10,
    neighbours: dict[str, frozenset[str]] | None = None,
    official_languages: Mapping[str, frozenset[str]] | None = None,
) -> tuple[dict[str, float], float]:
    """Weights of the network features tuned for recall@k on a validation split of ``edges``.

    ``edges`` must be the training edges only: the caller hides its test pairs first. Candidates
    and features are computed once per validation query; coordinate ascent then re-scores the
    cached feature vectors. Returns the weights and their validation recall@k.
    """
    import numpy as np

    kept, validation = split_edges(edges, fraction, seed)
    network = Network(places, kept, neighbours=neighbours, official_languages=official_languages)
    queries = [(a, b) for a, b in validation] + [(b, a) for a, b in validation]
    random.Random(seed).shuffle(queries)
    queries = queries[:max_queries]
    blocks: list[list[float]] = []
    starts: list[int] = []
    target_rows: list[int] = []
    offset = 0
    for source, target in queries:
        rows = network.feature_table(network.places[source])
        position = next((i for i, (cid, _v, _s) in enumerate(rows) if cid == target), None)
        if position is None:  # the target is not even a candidate: a miss whatever the weights
            continue
        blocks.extend(vector for _cid, vector, _shared in rows)
        starts.append(offset)
        target_rows.append(offset + position)
        offset += len(rows)
    tunable = [name for name in FEATURES if name not in HAND_SET]
    columns = [FEATURES.index(name) for name in tunable]
    matrix = np.asarray(blocks, dtype=float)[:, columns] if blocks else np.zeros((0, len(columns)))
    starts_array = np.asarray(starts, dtype=np.int64)
    targets = np.asarray(target_rows, dtype=np.int64)
    lengths = np.diff(np.append(starts_array, offset))
    total = len(queries)

    def recall(w: dict[str, float]) -> float:
        if not total or not len(targets):
            return 0.0
        scores = matrix @ np.asarray([w[name] for name in tunable])
        # Pessimistic ranks: a candidate scoring as much as the target counts as ahead of it.
        ahead = np.add.reduceat(scores >= np.repeat(scores[targets], lengths), starts_array) - 1
        return float(np.count_nonzero(ahead < k)) / total

    # Two starting points: the defaults, and a listwise softmax fit (the likelihood that the hidden
    # partner ranks first among each query's candidates); coordinate ascent on recall@k goes on
    # from the better of the two.
    weights = {name: DEFAULT_WEIGHTS[name] for name in FEATURES}
    best = recall(weights)
    if len(targets):
        fitted = dict(weights, **dict(zip(tunable, _softmax_fit(matrix, starts_array, targets), strict=True)))
        score = recall(fitted)
        if score > best:
            best, weights = score, fitted
    for _round in range(6):
        improved = False
        for name in tunable:
            current = weights[name]
            trials = (0.0, current * 0.5, current * 0.8, current * 1.25, current * 2.0) if current else (0.25, 1.0, 4.0)
            for value in trials:
                trial = dict(weights, **{name: value})
                score = recall(trial)
                if score > best + 1e-9:
                    best, weights, improved = score, trial, True
        if not improved:
            break
    return {name: round(value, 4) for name, value in weights.items()}, best
