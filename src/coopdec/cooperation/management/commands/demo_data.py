"""``coopdec demo_data``: a few invented organisations, partnerships and projects for the demonstration.

Every record it creates is marked ``is_demo=True`` and ``source="demo"`` (pages show a "demo" badge);
each has a stable ``source_ref``, so a second run creates nothing. A local government whose place is
registered already (``make demo`` imports the twin-towns list first) is not created again: the demo's
partnerships and projects take the register's record, left as it is. The places are real (GeoNames, ISO 3166-2);
the cooperation between them is invented. The aid declaration campaign of France for last year
(``coopdec/declarations/demo.py``) is opened too, with two pre-filled declarations.
"""

import datetime
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import ngettext

from coopdec.actors.models import Organisation
from coopdec.actors.services import local_government_at, organisation_create
from coopdec.common.models import PublicationStatus, Source
from coopdec.cooperation import results_demo, services
from coopdec.cooperation.models import Partnership, Project
from coopdec.declarations import demo as declarations_demo
from coopdec.funding import demo as funding_demo
from coopdec.knowledge import demo as knowledge_demo
from coopdec.participation import demo as participation_demo
from coopdec.strategy import demo as strategy_demo
from coopdec.territories.models import Locality, Subdivision

DEMO: dict[str, Any] = {"is_demo": True, "source": Source.DEMO, "publication_status": PublicationStatus.PUBLISHED}
D = datetime.date

ORGANISATIONS: list[dict[str, Any]] = [
    {
        "ref": "org-chambery",
        "name": "Ville de Chambéry",
        "kind": "municipality",
        "locality": 3027422,
        "languages": ["fr"],
        "description": {
            "fr": "Commune de Savoie engagée depuis les années 1990 dans la coopération avec le Sénégal, notamment "
            "sur l'eau "
            "et l'assainissement.",
            "en": "A municipality in Savoie, working with Senegal since the 1990s, mainly on water and sanitation.",
        },
    },
    {
        "ref": "org-louga",
        "name": "Commune de Louga",
        "kind": "municipality",
        "locality": 2249222,
        "languages": ["fr", "wo"],
        "description": {
            "fr": "Chef-lieu de région au nord-ouest du Sénégal ; service technique municipal de l'eau et de "
            "l'assainissement.",
            "en": "Regional capital in north-western Senegal, with a municipal water and sanitation department.",
        },
    },
    {
        "ref": "org-bw",
        "name": "Land Baden-Württemberg",
        "kind": "region",
        "subdivision": "DE-BW",
        "latitude": 48.78,
        "longitude": 9.18,
        "languages": ["de", "en"],
        "description": {
            "fr": "Land du sud-ouest de l'Allemagne ; coopération en formation professionnelle duale.",
            "en": "A state in south-western Germany; cooperation on dual vocational training.",
        },
    },
    {
        "ref": "org-mg",
        "name": "Estado de Minas Gerais",
        "kind": "region",
        "subdivision": "BR-MG",
        "latitude": -19.92,
        "longitude": -43.94,
        "languages": ["pt"],
        "description": {
            "fr": "État du sud-est du Brésil ; secrétariat d'État au développement économique.",
            "en": "A state in south-eastern Brazil; state secretariat for economic development.",
        },
    },
    {
        "ref": "org-network",
        "name": "Réseau Villes Propres Afrique–Méditerranée",
        "acronym": "RVP-AM",
        "kind": "international",
        "country": "FR",
        "latitude": 46.58,
        "longitude": 0.34,
        "languages": ["fr", "ar", "en"],
        "description": {
            "fr": "Réseau de collectivités qui partagent leurs pratiques de gestion des déchets solides.",
            "en": "A network of local governments sharing practice in solid-waste management.",
        },
    },
    {
        "ref": "org-poitiers",
        "name": "Grand Poitiers Communauté urbaine",
        "kind": "intermunicipal",
        "locality": 2986495,
        "languages": ["fr"],
        "description": {
            "fr": "Intercommunalité compétente pour la collecte et le traitement des déchets.",
            "en": "Inter-municipal body in charge of waste collection and treatment.",
        },
    },
    {
        "ref": "org-bobo",
        "name": "Commune de Bobo-Dioulasso",
        "kind": "municipality",
        "locality": 2362344,
        "languages": ["fr"],
        "description": {"fr": "Deuxième ville du Burkina Faso.", "en": "Burkina Faso's second city."},
    },
    {
        "ref": "org-agadir",
        "name": "Commune d'Agadir",
        "kind": "municipality",
        "locality": 2561668,
        "languages": ["ar", "fr"],
        "description": {
            "fr": "Commune urbaine de la région Souss-Massa.",
            "en": "Urban municipality in the Souss-Massa region.",
        },
    },
]

PARTNERSHIPS: list[dict[str, Any]] = [
    {
        "ref": "partnership-chambery-louga",
        "parties": [("org-chambery", "partner"), ("org-louga", "partner")],
        "kind": "agreement",
        "status": "active",
        "start_date": D(2004, 3, 12),
        "strategy_start_year": 2022,
        "strategy_end_year": 2027,
        "title": {
            "fr": "Chambéry – Louga : convention de coopération décentralisée",
            "en": "Chambéry – Louga decentralised cooperation agreement",
        },
    },
    {
        "ref": "partnership-bw-mg",
        "parties": [("org-bw", "partner"), ("org-mg", "partner")],
        "kind": "agreement",
        "status": "active",
        "start_date": D(2019, 9, 2),
        "title": {
            "fr": "Partenariat Bade-Wurtemberg – Minas Gerais",
            "en": "Baden-Württemberg – Minas Gerais partnership",
        },
    },
    {
        "ref": "partnership-network-waste",
        "parties": [
            ("org-network", "lead"),
            ("org-poitiers", "partner"),
            ("org-bobo", "partner"),
            ("org-agadir", "partner"),
        ],
        "kind": "network",
        "status": "active",
        "start_date": D(2021, 1, 15),
        "title": {
            "fr": "Réseau Villes Propres : gestion des déchets solides",
            "en": "Clean Cities network: solid-waste management",
        },
    },
]

PROJECTS: list[dict[str, Any]] = [
    {
        "ref": "project-louga-water",
        "partnership": "partnership-chambery-louga",
        "currency": "EUR",
        "title": {
            "fr": "Accès à l'eau potable dans les quartiers périphériques de Louga",
            "en": "Drinking water in the outlying neighbourhoods of Louga",
        },
        "summary": {
            "fr": "Extension du réseau, bornes-fontaines et branchements sociaux dans six quartiers ; formation "
            "croisée "
            "des agents techniques des deux villes.",
            "en": "Network extension, standpipes and subsidised household connections in six neighbourhoods; "
            "cross-training of both cities' technical staff.",
        },
        "sectors": {"14031": 70, "14032": 30},
        "sdgs": ["6", "6.1", "6.2"],
        "support_types": ["technical", "financial"],
        "planned_start": D(2023, 1, 1),
        "planned_end": D(2026, 12, 31),
        "actual_start": D(2023, 3, 1),
        "beneficiaries_count": 18500,
        "locations": [2249222],
        "beneficiary_groups": {
            "fr": "Ménages de six quartiers périphériques, écoles et postes de santé",
            "en": "Households of six outlying neighbourhoods, schools and health posts",
        },
        "contributions": [
            ("org-chambery", "", "party", "cash", 90000, "EUR"),
            ("org-chambery", "", "party", "staff_time", 12000, "EUR"),
            ("org-louga", "", "party", "in_kind", 19700000, "XOF"),
            (None, "Agence de l'eau Rhône Méditerranée Corse", "funder", "cash", 150000, "EUR"),
        ],
        "results": [
            (
                {
                    "fr": "Les ménages des quartiers périphériques ont accès à l'eau potable",
                    "en": "Households in outlying neighbourhoods have access to drinking water",
                },
                {"fr": "Ménages raccordés au réseau", "en": "Households connected to the network"},
                [("org-louga", D(2023, 1, 1), D(2024, 12, 31), 0, 600, 410)],
            ),
            (
                {
                    "fr": "Les services techniques des deux villes échangent leurs savoir-faire",
                    "en": "Both cities' technical departments exchange know-how",
                },
                {"fr": "Agents formés (missions d'échange)", "en": "Staff trained (exchange visits)"},
                [
                    ("org-louga", D(2023, 1, 1), D(2024, 12, 31), 0, 12, 9),
                    ("org-chambery", D(2023, 1, 1), D(2024, 12, 31), 0, 4, 4),
                ],
            ),
        ],
    },
    {
        "ref": "project-mg-vocational",
        "partnership": "partnership-bw-mg",
        "currency": "EUR",
        "title": {
            "fr": "Formation professionnelle aux énergies renouvelables dans le Minas Gerais",
            "en": "Vocational training in renewable energy in Minas Gerais",
            "pt": "Formação profissional em energias renováveis em Minas Gerais",
        },
        "summary": {
            "fr": "Trois centres de formation adoptent le modèle dual (école et entreprise) pour les métiers du "
            "solaire.",
            "en": "Three training centres adopt the dual model (school and company) for solar-energy trades.",
        },
        "sectors": {"11330": 80, "23210": 20},
        "sdgs": ["4.4", "7.2", "8.6"],
        "support_types": ["technical", "human"],
        "planned_start": D(2022, 7, 1),
        "planned_end": D(2025, 6, 30),
        "beneficiaries_count": 1200,
        "contributions": [
            ("org-bw", "", "party", "cash", 650000, "EUR"),
            ("org-mg", "", "party", "cash", 1900000, "BRL"),
            (None, "Engagement Global – SKEW", "funder", "cash", 250000, "EUR"),
        ],
        "results": [
            (
                {
                    "fr": "Des jeunes sont formés aux métiers du solaire",
                    "en": "Young people are trained in solar trades",
                },
                {"fr": "Apprentis diplômés", "en": "Apprentices graduated"},
                [("org-mg", D(2023, 1, 1), D(2023, 12, 31), 0, 300, 264)],
            )
        ],
    },
    {
        "ref": "project-waste-recovery",
        "partnership": "partnership-network-waste",
        "currency": "EUR",
        "title": {
            "fr": "Gestion des déchets solides : de la collecte à la valorisation",
            "en": "Solid-waste management: from collection to recovery",
        },
        "summary": {
            "fr": "Échanges entre pairs, diagnostic partagé et projets pilotes de compostage et de tri dans trois "
            "villes.",
            "en": "Peer exchange, a shared diagnosis and pilot composting and sorting schemes in three cities.",
        },
        "sectors": {"14050": 100},
        "sdgs": ["11.6", "12.5"],
        "support_types": ["technical", "financial"],
        "planned_start": D(2024, 1, 1),
        "planned_end": D(2027, 12, 31),
        "locations": [2362344, 2561668],
        "contributions": [
            ("org-poitiers", "", "party", "cash", 60000, "EUR"),
            ("org-bobo", "", "party", "in_kind", 25000000, "XOF"),
            ("org-agadir", "", "party", "cash", 300000, "MAD"),
            (None, "Union européenne", "funder", "cash", 400000, "EUR"),
        ],
        "results": [
            (
                {"fr": "Les déchets organiques sont compostés", "en": "Organic waste is composted"},
                {"fr": "Tonnes de déchets compostées par an", "en": "Tonnes of waste composted per year"},
                [
                    ("org-bobo", D(2024, 1, 1), D(2024, 12, 31), 0, 1500, 620),
                    ("org-agadir", D(2024, 1, 1), D(2024, 12, 31), 200, 2500, 900),
                    ("org-poitiers", D(2024, 1, 1), D(2024, 12, 31), 9000, 11000, 9800),
                ],
            )
        ],
    },
]


class Command(BaseCommand):
    help = "Create a few demonstration organisations, partnerships and projects (marked demo; idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        organisations, created = {}, 0
        for spec in ORGANISATIONS:
            spec = dict(spec)
            ref = spec.pop("ref")
            existing = Organisation.objects.filter(source=Source.DEMO, source_ref=ref).first()
            if existing is None:  # a place registered already (the twin-towns list) keeps its one record
                existing = local_government_at(
                    kind=spec["kind"], locality_id=spec.get("locality"), subdivision_id=spec.get("subdivision")
                )
            if existing is None:
                if "locality" in spec:
                    spec["locality"] = Locality.objects.get(pk=spec["locality"])
                if "subdivision" in spec:
                    spec["subdivision"] = Subdivision.objects.get(pk=spec["subdivision"])
                existing = organisation_create(source_ref=ref, **DEMO, **spec)
                created += 1
            organisations[ref] = existing
        partnerships = {}
        for spec in PARTNERSHIPS:
            spec = dict(spec)
            ref = spec.pop("ref")
            partnership = Partnership.objects.filter(source=Source.DEMO, source_ref=ref).first()
            if partnership is None:
                parties = [(organisations[key], role) for key, role in spec.pop("parties")]
                partnership = services.partnership_create(parties=parties, source_ref=ref, **DEMO, **spec)
                created += 1
            partnerships[ref] = partnership
        for spec in PROJECTS:
            spec = dict(spec)
            ref = spec.pop("ref")
            if Project.objects.filter(source=Source.DEMO, source_ref=ref).exists():
                continue
            contributions, results = spec.pop("contributions"), spec.pop("results")
            spec["partnership"] = partnerships[spec["partnership"]]
            project = services.project_create(source_ref=ref, **DEMO, **spec)
            for key, name, role, kind, amount, currency in contributions:
                services.contribution_add(
                    project=project,
                    organisation=organisations.get(key),
                    contributor_name=name,
                    role=role,
                    kind=kind,
                    amount=amount,
                    currency=currency,
                    year=spec["planned_start"].year,
                )
            for result_title, indicator_title, values in results:
                result = services.result_create(project=project, title=result_title)
                indicator = services.indicator_create(result=result, title=indicator_title)
                for key, start, end, baseline, target, actual in values:
                    services.indicator_value_set(
                        indicator=indicator,
                        territory=organisations[key],
                        period_start=start,
                        period_end=end,
                        baseline=baseline,
                        target=target,
                        actual=actual,
                    )
            created += 1
        # Results monitoring: approved, returned and late updates (cooperation/results_demo.py).
        created += results_demo.build(organisations)
        # France's aid declaration campaign for last year, open now, with the French demo partners' declarations.
        created += declarations_demo.build(organisations)
        # Chambéry's strategy 2025-2028, its objectives, targets and results, and every scorecard.
        created += strategy_demo.build(organisations)
        # Good practices drawn from the demo projects, published (coopdec/knowledge/demo.py).
        created += knowledge_demo.build(organisations)
        # An open participation space on Chambéry – Louga, with proposals in French and English (participation/demo.py).
        created += participation_demo.build(organisations)
        # "Appel à projets jeunesse 2027" of a demo funder, applications at each stage (coopdec/funding/demo.py).
        created += funding_demo.build(organisations)
        self.stdout.write(
            ngettext(
                "Demo data: %(created)s record created (the demo set has %(organisations)s organisations, "
                "%(partnerships)s partnerships and %(projects)s projects).",
                "Demo data: %(created)s records created (the demo set has %(organisations)s organisations, "
                "%(partnerships)s partnerships and %(projects)s projects).",
                created,
            )
            % {
                "created": created,
                "organisations": len(ORGANISATIONS),
                "partnerships": len(PARTNERSHIPS),
                "projects": len(PROJECTS),
            }
        )
