"""The good-practice part of ``coopdec demo_data``: practices drawn from the demo projects.

Each is marked demonstration (``is_demo``, ``source="demo"``), written by the demo organisations
that ran the project, linked to it (so that its results show live on the practice's page) and
published, as a coordinator would after review. Idempotent: a practice already there (same
``source_ref``) is not created again.
"""

from __future__ import annotations

from typing import Any

from coopdec.actors.models import Organisation
from coopdec.common.models import Source
from coopdec.cooperation.models import Project

from . import services
from .models import Practice

PRACTICES: list[dict[str, Any]] = [
    {
        "ref": "practice-louga-water-committees",
        "project": "project-louga-water",
        "authors": ["org-chambery", "org-louga"],
        "axes": ["water-sanitation"],
        "sectors": ["14031", "14032"],
        "sdgs": ["6"],
        "countries": ["SN"],
        "title": {
            "fr": "Des comités de quartier pour gérer les bornes-fontaines",
            "en": "Neighbourhood committees to run public standpipes",
        },
        "summary": {
            "fr": "À Louga, chaque borne-fontaine installée par le projet est confiée à un comité de quartier élu, "
            "qui fixe les horaires, encaisse une redevance modeste et paie le fontainier. La commune forme les "
            "comités et contrôle les comptes deux fois par an ; Chambéry apporte l'appui technique de ses agents. "
            "Les bornes restent ouvertes et entretenues, et la redevance finance les petites réparations.",
            "en": "In Louga, every standpipe the project built is entrusted to an elected neighbourhood "
            "committee, which sets opening hours, collects a modest fee and pays the tap attendant. The "
            "municipality trains the committees and audits their accounts twice a year; Chambéry's staff give "
            "technical support. The standpipes stay open and maintained, and the fee pays for small repairs.",
        },
        "situation": {
            "fr": "Les quartiers périphériques n'étaient pas raccordés ; les habitants achetaient l'eau à des "
            "revendeurs, cher et sans garantie de qualité.",
            "en": "The outlying neighbourhoods had no connection; residents bought water from resellers, at a "
            "high price and with no guarantee of quality.",
        },
        "transferability": {
            "fr": "Il faut un réseau existant à étendre, un service technique municipal capable de suivre les "
            "comités, et un accord clair sur la redevance avant la mise en service.",
            "en": "It needs an existing network to extend, a municipal technical department able to follow the "
            "committees, and a clear agreement on the fee before the standpipes open.",
        },
    },
    {
        "ref": "practice-network-composting",
        "project": "project-waste-recovery",
        "authors": ["org-network", "org-bobo"],
        "axes": ["environment"],
        "sectors": ["14050"],
        "sdgs": ["11", "12"],
        "countries": ["BF", "MA"],
        "title": {
            "fr": "Le compostage de quartier appris entre pairs",
            "en": "Neighbourhood composting learnt from peers",
            "pt": "Compostagem de bairro aprendida entre pares",
        },
        "summary": {
            "fr": "Les villes du réseau se rendent visite pour voir fonctionner les plateformes de compostage des "
            "autres, puis lancent un site pilote avec les associations de quartier. Bobo-Dioulasso a démarré "
            "avec les déchets des marchés, faciles à trier, avant d'étendre la collecte aux ménages.",
            "en": "The network's cities visit each other to see their composting sites at work, then start a "
            "pilot site with neighbourhood associations. Bobo-Dioulasso began with market waste, easy to sort, "
            "before extending collection to households.",
            "pt": "As cidades da rede visitam-se para ver funcionar as plataformas de compostagem umas das outras "
            "e lançam depois um local-piloto com as associações de bairro.",
        },
        "lessons": {
            "fr": "Commencer par un flux de déchets homogène (les marchés) rend les premiers résultats visibles "
            "et convainc les élus.",
            "en": "Starting with one homogeneous waste stream (markets) makes the first results visible and "
            "convinces elected officials.",
        },
    },
]


def build(organisations: dict[str, Organisation]) -> int:
    """Create the missing demo practices (published); the number created."""
    created = 0
    for spec in PRACTICES:
        spec = dict(spec)
        ref = spec.pop("ref")
        if Practice.objects.filter(source=Source.DEMO, source_ref=ref).exists():
            continue
        project = Project.objects.filter(source=Source.DEMO, source_ref=spec.pop("project")).first()
        authors = [organisations[key] for key in spec.pop("authors") if key in organisations]
        if project is None or not authors:
            continue
        practice = services.practice_create(
            user=None,
            organisations=authors,
            projects=[project],
            is_demo=True,
            source=Source.DEMO,
            source_ref=ref,
            **spec,
        )
        services.practice_publish(practice=practice, user=None)
        created += 1
    return created
