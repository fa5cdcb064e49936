"""Benchmark: what keeping a record's relations in each version costs (``coopdec.common.versions``).

    DATABASE_URL=... python bench/registry_versions.py [--rounds 30]

Without DATABASE_URL it builds a throwaway SQLite database in a temporary folder (migrations,
countries, IATI codelists, cooperation axes and the localities of Senegal); with DATABASE_URL it
migrates and fills that database, which must be yours to write (e.g. an empty PostgreSQL database).

On a large project (10 sectors, 8 SDG targets, 4 axes, 25 places, 12 participating organisations,
30 contributions, 8 expected results with 3 indicators each and 4 values per indicator, 10 documents)
and a partnership of 12 parties, it prints the median wall and CPU time
(``time.process_time``: this process, so with SQLite the database work too) of:

- reading the relation snapshot alone;
- the bytes of ``relations`` stored with one version (as JSON text) after a title-only change, after a
  change of one small relation (SDG targets) and of one large one (a document added), and in all the
  project's versions at the end;
- a version without relations change ("still accurate"), with and without the snapshot;
- reading the relations of the latest version (walking back to the versions that recorded them);
- a project update replacing every relation (``keep`` before, ``remember`` after);
- restoring an earlier version whose relations all differ (half the results and documents removed since);
- the history entries of a project with 200 versions (fields and relations compared).
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

os.environ.setdefault("SECRET_KEY", "bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coopdec.settings")
if not os.environ.get("DATABASE_URL"):
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp(prefix='coopdec-bench-versions-')}/bench.sqlite3"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import TextField  # noqa: E402
from django.db.models.functions import Cast  # noqa: E402


def timed(function, rounds: int) -> tuple[float, float]:
    walls, cpus = [], []
    for _round in range(rounds):
        wall, cpu = time.perf_counter(), time.process_time()
        function()
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    return statistics.median(walls), statistics.median(cpus)


def stored_bytes(versions) -> int:
    """Bytes of the ``relations`` column of these versions, as the database gives it back as JSON text."""
    texts = versions.annotate(text=Cast("relations", TextField())).values_list("text", flat=True)
    return sum(len(text.encode()) for text in texts if text is not None)


def setup_data():
    from coopdec.actors.models import Organisation, User
    from coopdec.territories import loaders as places
    from coopdec.territories.models import Locality
    from coopdec.vocabularies import loaders as vocabularies
    from coopdec.vocabularies.models import Axis
    from tests.conftest import reference_slice

    call_command("migrate", verbosity=0)
    places.load_countries()
    vocabularies.load_codelists()
    vocabularies.load_axes()
    if not Locality.objects.filter(country_id="SN").exists():
        places.load_localities(records=[r for r in reference_slice() if r["countrycode"] == "SN"], force=True)
    user, _created = User.objects.get_or_create(username="bench-coordinator", defaults={"is_coordinator": True})
    organisations = [
        Organisation.objects.create(name=f"Bench organisation {index}", kind="ngo", country_id="SN")
        for index in range(30)
    ]
    places_ = list(Locality.objects.filter(country_id="SN").order_by("-population")[:50])
    axes = list(Axis.objects.values_list("code", flat=True))
    return user, organisations, places_, axes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    rounds = parser.parse_args().rounds

    from coopdec.common import services as record_services
    from coopdec.common import versions
    from coopdec.common.records import history_entries
    from coopdec.cooperation import services
    from coopdec.cooperation.models import Partnership, Project

    user, organisations, places_, axes = setup_data()
    sectors_a = ["11110", "11120", "11130", "11182", "11220", "11230", "11240", "11320", "11330", "12110"]
    sectors_b = ["14010", "14015", "14020", "14021", "14022", "14030", "14031", "14032", "14040", "14050"]

    partnership = services.partnership_create(user=user, parties=organisations[:12])
    project = services.project_create(
        user=user,
        partnership=partnership,
        title={"fr": "Banc d'essai", "en": "Bench"},
        sectors={code: 10 for code in sectors_a},
        sdgs=["4", "4.1", "4.2", "4.3", "6", "6.1", "6.2", "11.3"],
        axes=axes[:4],
        locations=[place.pk for place in places_[:25]],
    )
    for index, organisation in enumerate(organisations[:12]):
        services.participant_add(project=project, organisation=organisation, role=str(index % 4 + 1), user=user)
    for index in range(30):
        services.contribution_add(
            project=project,
            organisation=organisations[index % 30],
            amount=1000 + index,
            currency="EUR",
            year=2020 + index % 5,
            user=user,
        )
    import datetime

    for number in range(8):
        result = services.result_create(project=project, title={"fr": f"Résultat {number}"}, user=user)
        for letter in "abc":
            indicator = services.indicator_create(
                result=result, title={"fr": f"Indicateur {number}{letter}"}, user=user
            )
            for year in (2024, 2025):
                for territory in organisations[:2]:
                    services.indicator_value_set(
                        indicator=indicator,
                        territory=territory,
                        period_start=datetime.date(year, 1, 1),
                        period_end=datetime.date(year, 12, 31),
                        baseline=0,
                        target=100,
                        actual=year - 2000,
                        user=user,
                    )
    for number in range(10):
        services.document_add(
            project=project, title={"fr": f"Rapport {number}"}, url=f"https://example.org/{number}", user=user
        )
    earlier = project.history.latest()

    print(f"database: {connection.vendor}; load average {os.getloadavg()[0]:.1f}; {rounds} rounds; median ms")
    latest = project.history.order_by("-history_date", "-history_id")[:1]
    services.project_update(project=project, user=user, title={"fr": "Banc d'essai (titre changé)", "en": "Bench"})
    print(f"relations stored with a version: title-only change {stored_bytes(latest):7,d} bytes")
    services.project_update(project=project, user=user, sdgs=["4", "4.1", "4.2", "4.3", "6", "6.1", "6.2"])
    print(f"relations stored with a version: SDG targets changed {stored_bytes(latest):5,d} bytes")
    services.document_add(project=project, title={"fr": "Rapport 10"}, url="https://example.org/10", user=user)
    print(f"relations stored with a version: a document added {stored_bytes(latest):8,d} bytes")
    services.project_update(project=project, user=user, sdgs=["4", "4.1", "4.2", "4.3", "6", "6.1", "6.2", "11.3"])
    services.document_remove(document=project.documents.order_by("-pk").first(), user=user)
    earlier = project.history.latest()
    wall, cpu = timed(lambda: versions.snapshot(project), rounds)
    print(
        f"relation snapshot of the project alone        {wall:7.1f} wall  {cpu:7.1f} cpu"
        f"  ({len(json.dumps(versions.snapshot(project))) / 1024:.1f} KB of JSON per version)"
    )
    wall, cpu = timed(
        lambda: record_services.record_confirm(record=Project.objects.get(pk=project.pk), user=user), rounds
    )
    print(f"'still accurate' version, snapshot kept       {wall:7.1f} wall  {cpu:7.1f} cpu")
    registered, not_kept = versions.relations_of(Project), versions.not_kept(Project)
    versions.register(Project, [])
    wall, cpu = timed(
        lambda: record_services.record_confirm(record=Project.objects.get(pk=project.pk), user=user), rounds
    )
    versions.register(Project, registered, not_kept=not_kept)
    print(f"'still accurate' version, without snapshot    {wall:7.1f} wall  {cpu:7.1f} cpu")
    if hasattr(versions, "relations_at"):  # since relations are stored as changes (session 4)
        wall, cpu = timed(lambda: versions.relations_at(project.history.latest()), rounds)
        print(f"relations of the latest of {project.history.count()} versions  {wall:7.1f} wall  {cpu:7.1f} cpu")

    flip = [0]

    def update():
        flip[0] ^= 1
        services.project_update(
            project=project,
            user=user,
            sectors={code: 10 for code in (sectors_b if flip[0] else sectors_a)},
            sdgs=["6", "6.1"] if flip[0] else ["4", "4.1", "11.3"],
            axes=axes[4:8] if flip[0] else axes[:4],
            locations=[place.pk for place in (places_[25:50] if flip[0] else places_[:25])],
        )

    wall, cpu = timed(update, rounds)
    print(f"project update replacing every relation       {wall:7.1f} wall  {cpu:7.1f} cpu")
    services.project_update(
        project=project,
        user=user,
        sectors={code: 10 for code in sectors_b},
        sdgs=["6"],
        axes=[],
        locations=[place.pk for place in places_[25:50]],
    )
    for participant in list(project.participants.all()):
        services.participant_remove(participant=participant, user=user)
    for result in list(project.results.all())[::2]:
        services.result_remove(result=result, user=user)
    for document in list(project.documents.all())[::2]:
        services.document_remove(document=document, user=user)
    latest = project.history.latest()
    target = [earlier, latest]

    def restore():
        target.reverse()
        record_services.record_restore(
            record=Project.objects.get(pk=project.pk), history_id=target[0].history_id, user=user
        )

    wall, cpu = timed(restore, rounds)
    print(f"restore a version whose relations all differ {wall:7.1f} wall  {cpu:7.1f} cpu")
    while project.history.count() < 200:
        record_services.record_confirm(record=Project.objects.get(pk=project.pk), user=user)
    wall, cpu = timed(lambda: history_entries(Project.objects.get(pk=project.pk)), max(3, rounds // 5))
    print(f"history entries, 200 versions                 {wall:7.1f} wall  {cpu:7.1f} cpu")
    versions.register(Project, [])
    wall, cpu = timed(lambda: history_entries(Project.objects.get(pk=project.pk)), max(3, rounds // 5))
    versions.register(Project, registered, not_kept=not_kept)
    print(f"history entries, 200 versions, fields only    {wall:7.1f} wall  {cpu:7.1f} cpu")
    print(
        f"relations stored in all {project.history.count()} versions of the project "
        f"{stored_bytes(project.history.all()) / 1024:,.1f} KB"
    )
    print(
        f"(partnership of {Partnership.objects.get(pk=partnership.pk).party_links.count()} parties, project "
        f"versions {project.history.count()}; load average {os.getloadavg()[0]:.1f})"
    )


if __name__ == "__main__":
    main()
