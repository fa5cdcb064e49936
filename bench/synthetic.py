"""A realistic synthetic cooperation data set for benchmarks (never shown as real: is_demo, source demo).

    build(n_projects, *, seed=1) -> dict     # writes into the configured database, then reindexes

Proportions follow the registers we know (French and European atlases): about one partnership
per 10 projects, one organisation per 16 projects; 85 % of partnerships bilateral; most parties
in a few "northern" countries, partners in Africa, Latin America and Asia; projects in French,
English, Spanish, Portuguese and German (a third bilingual), on the real cooperation axes with
their DAC sectors and SDGs, start years skewed to recent ones, budgets mostly in euros.
Places are real GeoNames localities of the reference data (run ``coopdec load_reference`` first).

Usable from any benchmark (``bench/atlas.py``, ``bench/api.py``)::

    from synthetic import build
    build(100_000)
"""

from __future__ import annotations

import json
import random
import time
from datetime import date
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from coopdec.actors.models import Organisation, OrganisationKind
from coopdec.atlas.index import reindex_all
from coopdec.common.models import PublicationStatus, Source
from coopdec.common.text import fold
from coopdec.cooperation.models import (
    Budget,
    Partnership,
    PartnershipKind,
    PartnershipParty,
    PartnershipStatus,
    Project,
    ProjectSdg,
    ProjectSector,
)
from coopdec.territories.models import Locality
from coopdec.vocabularies.models import Axis

NORTH = {
    "FR": 30,
    "DE": 14,
    "IT": 8,
    "ES": 7,
    "BE": 5,
    "NL": 4,
    "GB": 4,
    "PT": 3,
    "CA": 3,
    "US": 3,
    "JP": 2,
    "CH": 2,
    "SE": 2,
    "PL": 2,
}
SOUTH = {
    "SN": 8,
    "BF": 7,
    "ML": 5,
    "MA": 6,
    "TN": 5,
    "BJ": 5,
    "CM": 4,
    "CI": 4,
    "MG": 4,
    "NE": 3,
    "TG": 3,
    "HT": 3,
    "VN": 4,
    "BR": 4,
    "MX": 3,
    "CO": 3,
    "PE": 2,
    "BO": 2,
    "NI": 3,
    "PS": 3,
    "LB": 2,
    "AM": 2,
    "UA": 3,
    "RO": 2,
    "MZ": 2,
    "CV": 2,
    "GN": 2,
    "KH": 2,
    "LA": 1,
    "CN": 2,
    "IN": 2,
    "DZ": 2,
    "MR": 2,
    "TD": 1,
    "GH": 1,
    "ZA": 1,
}
PHRASES = {
    "water-sanitation": {
        "fr": ["Accès à l'eau potable", "Assainissement et gestion des eaux usées", "Forages et bornes-fontaines"],
        "en": ["Access to drinking water", "Sanitation and wastewater management", "Boreholes and water points"],
        "es": ["Acceso al agua potable", "Saneamiento y aguas residuales"],
        "pt": ["Acesso à água potável", "Saneamento básico"],
        "de": ["Trinkwasserversorgung", "Abwasserentsorgung"],
    },
    "education": {
        "fr": ["Construction d'écoles primaires", "Formation professionnelle des jeunes", "Cantines scolaires"],
        "en": ["Primary school building", "Vocational training for young people", "School canteens"],
        "es": ["Formación profesional de jóvenes", "Comedores escolares"],
        "pt": ["Formação profissional", "Escolas primárias"],
        "de": ["Berufsausbildung für Jugendliche", "Schulbau"],
    },
    "health": {
        "fr": ["Centre de santé communautaire", "Santé maternelle et infantile"],
        "en": ["Community health centre", "Maternal and child health"],
        "es": ["Centro de salud comunitario"],
        "pt": ["Centro de saúde comunitário"],
        "de": ["Gesundheitszentrum"],
    },
    "local-governance": {
        "fr": [
            "Renforcement des capacités des élus locaux",
            "État civil et budget participatif",
            "Coopération décentralisée et gouvernance",
        ],
        "en": ["Capacity building for local councillors", "Civil registration and participatory budgeting"],
        "es": ["Presupuesto participativo municipal"],
        "pt": ["Orçamento participativo"],
        "de": ["Kommunale Verwaltungspartnerschaft"],
    },
    "urban-development": {
        "fr": ["Aménagement urbain et cadastre", "Gestion des déchets ménagers"],
        "en": ["Urban planning and land registry", "Household waste management"],
        "es": ["Gestión de residuos sólidos"],
        "pt": ["Gestão de resíduos sólidos"],
        "de": ["Stadtentwicklung und Abfallwirtschaft"],
    },
    "environment": {
        "fr": ["Plan climat territorial", "Reboisement et biodiversité"],
        "en": ["Local climate plan", "Reforestation and biodiversity"],
        "es": ["Plan climático local"],
        "pt": ["Reflorestamento"],
        "de": ["Klimapartnerschaft", "Aufforstung"],
    },
    "culture": {
        "fr": ["Échanges culturels et patrimoine", "Festival des arts"],
        "en": ["Cultural exchange and heritage", "Arts festival"],
        "es": ["Intercambio cultural"],
        "pt": ["Intercâmbio cultural"],
        "de": ["Kulturaustausch"],
    },
    "economic-development": {
        "fr": ["Appui aux filières agricoles locales", "Microcrédit et artisanat"],
        "en": ["Local value chains", "Microcredit and crafts"],
        "es": ["Desarrollo económico local"],
        "pt": ["Desenvolvimento econômico local"],
        "de": ["Lokale Wirtschaftsförderung"],
    },
    "youth-mobility": {
        "fr": ["Chantiers de jeunes et volontariat", "Échanges scolaires"],
        "en": ["Youth work camps and volunteering", "School exchanges"],
        "es": ["Voluntariado juvenil"],
        "pt": ["Voluntariado jovem"],
        "de": ["Jugendaustausch"],
    },
    "agriculture-food": {
        "fr": ["Maraîchage et sécurité alimentaire", "Banques de céréales"],
        "en": ["Market gardening and food security", "Cereal banks"],
        "es": ["Seguridad alimentaria"],
        "pt": ["Segurança alimentar"],
        "de": ["Ernährungssicherung"],
    },
    "gender-equality": {
        "fr": ["Autonomisation des femmes", "Égalité femmes-hommes dans les conseils"],
        "en": ["Women's empowerment", "Gender equality in councils"],
        "es": ["Empoderamiento de las mujeres"],
        "pt": ["Empoderamento das mulheres"],
        "de": ["Gleichstellung"],
    },
    "emergency-reconstruction": {
        "fr": ["Reconstruction après le séisme", "Aide d'urgence aux déplacés"],
        "en": ["Post-earthquake reconstruction", "Emergency aid to displaced people"],
        "es": ["Reconstrucción"],
        "pt": ["Reconstrução"],
        "de": ["Wiederaufbau"],
    },
}
AXIS_WEIGHTS = {
    "local-governance": 18,
    "water-sanitation": 12,
    "education": 12,
    "culture": 11,
    "youth-mobility": 9,
    "economic-development": 8,
    "health": 7,
    "urban-development": 7,
    "environment": 7,
    "agriculture-food": 5,
    "gender-equality": 2,
    "emergency-reconstruction": 2,
}
AXIS_SDGS = {
    "water-sanitation": "6",
    "education": "4",
    "health": "3",
    "local-governance": "16",
    "urban-development": "11",
    "environment": "13",
    "culture": "11",
    "economic-development": "8",
    "youth-mobility": "4",
    "agriculture-food": "2",
    "gender-equality": "5",
    "emergency-reconstruction": "1",
}
LANGUAGES = {"fr": 45, "en": 25, "es": 10, "pt": 6, "de": 14}
SUMMARY = {
    "fr": "Projet mené en coopération décentralisée entre {a} et {b} : {t}, avec les services techniques "
    "et les associations locales.",
    "en": "Project run jointly by {a} and {b}: {t}, with the technical departments and local associations.",
    "es": "Proyecto de cooperación descentralizada entre {a} y {b}: {t}, con los servicios técnicos municipales.",
    "pt": "Projeto de cooperação descentralizada entre {a} e {b}: {t}, com os serviços técnicos municipais.",
    "de": "Kommunale Partnerschaft zwischen {a} und {b}: {t}, gemeinsam mit den Fachämtern und Vereinen.",
}
PREFIX = {
    "fr": ("Ville de", "Commune de", "Département de"),
    "en": ("City of", "County of"),
    "es": ("Municipio de",),
    "pt": ("Município de",),
    "de": ("Stadt", "Landkreis"),
}
COUNTRY_LANGUAGE = {
    "FR": "fr",
    "BE": "fr",
    "SN": "fr",
    "BF": "fr",
    "ML": "fr",
    "BJ": "fr",
    "CI": "fr",
    "NE": "fr",
    "TG": "fr",
    "HT": "fr",
    "MG": "fr",
    "CM": "fr",
    "MA": "fr",
    "TN": "fr",
    "DE": "de",
    "CH": "de",
    "ES": "es",
    "MX": "es",
    "CO": "es",
    "PE": "es",
    "BO": "es",
    "NI": "es",
    "PT": "pt",
    "BR": "pt",
    "MZ": "pt",
    "CV": "pt",
}


def _weighted(rng: random.Random, weights: dict, k: int) -> list:
    return rng.choices(list(weights), weights=list(weights.values()), k=k)


def _localities(rng: random.Random, countries: dict[str, int], n: int) -> list[Locality]:
    by_country = {}
    for code in countries:
        places = list(
            Locality.objects.filter(country_id=code, population__gte=2000)
            .order_by("-population")
            .values_list("geonameid", "name", "latitude", "longitude", "population")[:3000]
        )
        if places:
            by_country[code] = places
    picked = []
    codes = [c for c in countries if c in by_country]
    for code in _weighted(rng, {c: countries[c] for c in codes}, n):
        places = by_country[code]
        # Larger places cooperate more: pick among the first places more often.
        picked.append((code, places[min(int(rng.paretovariate(0.9)) - 1, len(places) - 1)]))
    return picked


def _insert(model, rows: list[dict], batch: int = 5000) -> None:
    """Insert rows (dicts of attribute values) with COPY on PostgreSQL, executemany on SQLite:
    the ORM's bulk_create spends most of its time preparing values; fields left out take their
    model default."""
    if not rows:
        return
    now = timezone.now()
    ops = connection.ops
    fields = [f for f in model._meta.concrete_fields if not (f.primary_key and f.attname not in rows[0])]
    convert, defaults = [], []
    for f in fields:
        kind = f.get_internal_type()
        if kind == "JSONField":
            convert.append(lambda v: json.dumps(v, ensure_ascii=False))
        elif kind == "DateTimeField":
            convert.append(ops.adapt_datetimefield_value)
        elif kind == "DateField":
            convert.append(ops.adapt_datefield_value)
        elif kind == "DecimalField":
            convert.append(lambda v, f=f: ops.adapt_decimalfield_value(v, f.max_digits, f.decimal_places))
        else:
            convert.append(None)
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            defaults.append(now)
        else:
            defaults.append(f.get_default())  # "" for text fields without a default, None for nullable ones
    table, columns = ops.quote_name(model._meta.db_table), ", ".join(ops.quote_name(f.column) for f in fields)
    sql = "INSERT INTO {} ({}) VALUES ({})".format(table, columns, ", ".join(["%s"] * len(fields)))  # noqa: S608 (model names)
    plan = list(zip([f.attname for f in fields], convert, defaults, strict=True))
    values = []
    for row in rows:
        line = []
        for name, converter, default in plan:
            value = row.get(name, default)
            line.append(converter(value) if converter and value is not None else value)
        values.append(line)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for line in values:
                    copy.write_row(line)
            return
        for start in range(0, len(values), batch):
            cursor.executemany(sql, values[start : start + batch])


def _reset_sequences() -> None:
    """Rows were inserted with explicit ids: move PostgreSQL's sequences past them, or the next
    record created through the ORM would collide with a synthetic one (SQLite needs nothing)."""
    if connection.vendor != "postgresql":
        return
    from django.core.management.color import no_style

    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Organisation, Partnership, Project]):
            cursor.execute(sql)


def build(n_projects: int, *, seed: int = 1, reindex: bool = True, progress=print) -> dict:
    """Write a synthetic data set of ``n_projects`` projects (with organisations and partnerships
    in proportion) into the default database, then rebuild the atlas index. Returns counts/timings."""
    rng = random.Random(seed)
    started = time.monotonic()
    axes = {axis.code: axis for axis in Axis.objects.all()}
    if not axes:
        raise SystemExit("No cooperation axes: run `coopdec load_reference` first.")
    n_orgs = max(20, n_projects // 16)
    n_partnerships = max(10, n_projects // 10)
    demo = {"is_demo": True, "source": Source.DEMO, "publication_status": PublicationStatus.PUBLISHED}

    with transaction.atomic():
        # Organisations: 55 % in the north, 45 % in partner countries; a few NGOs and universities.
        north = _localities(rng, NORTH, int(n_orgs * 0.55))
        south = _localities(rng, SOUTH, n_orgs - len(north))
        first_id = (Organisation.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
        organisations, names_seen = [], set()
        for i, (code, (geonameid, place, lat, lon, population)) in enumerate(north + south):
            language = COUNTRY_LANGUAGE.get(code, "en")
            kind = rng.choices(
                [
                    OrganisationKind.MUNICIPALITY,
                    OrganisationKind.COUNTY,
                    OrganisationKind.REGION,
                    OrganisationKind.INTERMUNICIPAL,
                    OrganisationKind.NGO,
                    OrganisationKind.ACADEMIC,
                ],
                weights=[78, 8, 4, 4, 4, 2],
            )[0]
            name = f"{rng.choice(PREFIX[language])} {place}"
            if name in names_seen:
                name = f"{name} ({i})"
            names_seen.add(name)
            organisations.append(
                dict(
                    id=first_id + i,
                    name=name,
                    name_folded=fold(name),
                    kind=kind,
                    country_id=code,
                    locality_id=geonameid,
                    latitude=lat,
                    longitude=lon,
                    population=population,
                    languages=[language],
                    **demo,
                )
            )
        _insert(Organisation, organisations)
        north_ids = [o["id"] for o in organisations[: len(north)]]
        south_ids = [o["id"] for o in organisations[len(north) :]]
        org = {o["id"]: o for o in organisations}
        progress(f"  {len(organisations)} organisations ({time.monotonic() - started:.0f} s)")

        first_id = (Partnership.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
        partnerships, parties, partnership_parties = [], [], {}
        for i in range(n_partnerships):
            pid = first_id + i
            size = 2 if rng.random() < 0.85 else rng.randint(3, 6)
            members = [rng.choice(north_ids)]
            while len(members) < size:
                candidate = rng.choice(south_ids if rng.random() < 0.75 else north_ids)
                if candidate not in members:
                    members.append(candidate)
            start = rng.choices(range(1960, 2027), weights=[1 + (y - 1960) ** 2 // 40 for y in range(1960, 2027)])[0]
            partnerships.append(
                dict(
                    id=pid,
                    kind=_weighted(
                        rng,
                        {
                            PartnershipKind.TWINNING: 55,
                            PartnershipKind.AGREEMENT: 30,
                            PartnershipKind.FRIENDSHIP: 6,
                            PartnershipKind.NETWORK: 5,
                            PartnershipKind.CONSORTIUM: 4,
                        },
                        1,
                    )[0],
                    status=_weighted(
                        rng,
                        {
                            PartnershipStatus.ACTIVE: 60,
                            PartnershipStatus.DORMANT: 20,
                            PartnershipStatus.ENDED: 12,
                            PartnershipStatus.PREPARATION: 8,
                        },
                        1,
                    )[0],
                    start_date=date(start, rng.randint(1, 12), 1),
                    **demo,
                )
            )
            partnership_parties[pid] = members
            parties.extend(dict(partnership_id=pid, organisation_id=m) for m in members)
        _insert(Partnership, partnerships)
        _insert(PartnershipParty, parties, batch=10000)
        progress(f"  {len(partnerships)} partnerships, {len(parties)} parties ({time.monotonic() - started:.0f} s)")

        first_id = (Project.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
        partnership_ids = [p["id"] for p in partnerships]
        axis_codes = [code for code in AXIS_WEIGHTS if code in axes]
        chunk = 50_000
        for start_index in range(0, n_projects, chunk):
            projects, sectors, sdgs, axis_links, budgets = [], [], [], [], []
            for i in range(start_index, min(n_projects, start_index + chunk)):
                project_id = first_id + i
                partnership_id = rng.choice(partnership_ids) if rng.random() < 0.92 else None
                members = partnership_parties[partnership_id] if partnership_id else [rng.choice(north_ids)]
                axis_code = _weighted(rng, {c: AXIS_WEIGHTS[c] for c in axis_codes}, 1)[0]
                languages = _weighted(rng, LANGUAGES, 2 if rng.random() < 0.33 else 1)
                phrases = PHRASES.get(axis_code, PHRASES["local-governance"])
                place = org[members[-1]]["name"].split(" ", 2)[-1]
                title, summary = {}, {}
                choice = rng.randrange(10)
                for language in dict.fromkeys(languages):
                    options = phrases.get(language) or phrases["en"]
                    text = options[choice % len(options)]
                    title[language] = f"{text} – {place}"
                    summary[language] = SUMMARY[language].format(
                        a=org[members[0]]["name"], b=org[members[-1]]["name"], t=text.lower()
                    )
                year = rng.choices(range(1995, 2027), weights=[1 + (y - 1995) for y in range(1995, 2027)])[0]
                projects.append(
                    dict(
                        id=project_id,
                        partnership_id=partnership_id,
                        lead_organisation_id=members[0],
                        title=title,
                        summary=summary,
                        support_types=rng.sample(
                            ["technical", "financial", "human", "in_kind"], k=rng.choice([1, 1, 2, 2, 3])
                        ),
                        status=_weighted(rng, {"2": 45, "3": 10, "4": 35, "1": 7, "5": 2, "6": 1}, 1)[0],
                        planned_start=date(year, rng.randint(1, 12), 1),
                        language=languages[0],
                        **demo,
                    )
                )
                axis = axes[axis_code]
                codes = list(
                    dict.fromkeys(
                        rng.sample(
                            axis.sectors or ["15110"], k=min(len(axis.sectors or ["15110"]), rng.choice([1, 1, 2]))
                        )
                    )
                )
                for code in codes:
                    sectors.append(dict(project_id=project_id, code=code, percentage=Decimal(100 // len(codes))))
                sdgs.append(dict(project_id=project_id, target=AXIS_SDGS.get(axis_code, "17")))
                axis_links.append(dict(project_id=project_id, axis_id=axis_code))
                if rng.random() < 0.8:
                    currency = _weighted(rng, {"EUR": 82, "XOF": 8, "USD": 6, "CAD": 2, "GBP": 2}, 1)[0]
                    value = round(rng.lognormvariate(10.5, 1.3), -2) * (655 if currency == "XOF" else 1)
                    budgets.append(
                        dict(
                            project_id=project_id,
                            period_start=date(year, 1, 1),
                            period_end=date(year + rng.randint(0, 3), 12, 31),
                            value=Decimal(value),
                            currency=currency,
                        )
                    )
            _insert(Project, projects)
            _insert(ProjectSector, sectors, batch=10000)
            _insert(ProjectSdg, sdgs, batch=10000)
            _insert(Project.axes.through, axis_links, batch=10000)
            _insert(Budget, budgets, batch=10000)
            progress(f"  {start_index + len(projects)} projects ({time.monotonic() - started:.0f} s)")
        _reset_sequences()
    built = time.monotonic() - started
    counts = {
        "organisations": len(organisations),
        "partnerships": len(partnerships),
        "projects": n_projects,
        "build_seconds": round(built, 1),
    }
    if reindex:
        started = time.monotonic()
        reindex_all()
        counts["reindex_seconds"] = round(time.monotonic() - started, 1)
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("INSERT INTO atlas_search_fts(atlas_search_fts) VALUES ('optimize')")
                cursor.execute("ANALYZE")
        else:
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
    return counts
