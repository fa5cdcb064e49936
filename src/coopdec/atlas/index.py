"""Keep the atlas index current: one ``SearchDocument`` per PUBLISHED organisation, partnership
and project (drafts are never indexed, so the atlas can never show them).

Public functions:

- ``reindex(*, organisations=(), partnerships=(), projects=())``: rebuild the documents of these
  records (ids) and of the records whose documents show them (a partnership's projects and
  parties...). Called by the signal handlers in ``coopdec.atlas.signals`` after each save.
- ``reindex_all(progress=None) -> dict``: rebuild every document in batches (``coopdec
  atlas_reindex``).
- ``add_projects(facts)``: index projects an importer has just written, from the values it holds
  (``project_facts(...)``), without reading them back.

**Importers writing with ``bulk_create``/``bulk_update``/``QuerySet.update`` bypass the signals:
they must call ``reindex(...)`` with the ids they wrote, or ``reindex_all()`` after a large
import** (26,000 twinnings or 35,000 IATI activities: ``reindex_all`` is the faster path).

A document carries the record's text in every language it is written in, folded (lower case, no
accents), plus the names of its axes, sectors, SDGs, countries and partners in French, English,
Spanish and Portuguese, so that "water" finds a project on the water axis written in French.
"""

from __future__ import annotations

import json
import secrets
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from typing import Any, cast

from django.db import connection, transaction
from django.utils import timezone

from coopdec.actors.models import LOCAL_GOVERNMENT_KINDS, Organisation
from coopdec.common.i18n import localize
from coopdec.common.models import PublicationStatus
from coopdec.cooperation.models import (
    Budget,
    Contribution,
    Partnership,
    PartnershipForm,
    PartnershipParty,
    Project,
    ProjectCountry,
    ProjectSdg,
    ProjectSector,
)
from coopdec.territories.models import Country
from coopdec.territories.names import display_names, place_names
from coopdec.vocabularies.models import Axis, CodelistItem

from . import registry
from .models import IndexState, RecordType, SearchDocument
from .money import encode as encode_money
from .search import fold_text, text_backend

BATCH = 2000
MAX_TEXT_PER_FIELD = 3000  # characters of one description language kept in the index
SUMMARY_LENGTH = 280
PUBLISHED = PublicationStatus.PUBLISHED


_fold = fold_text


def bump_version() -> int:
    """Mark the index as changed (every process reloads its facet engine)."""
    version = secrets.randbits(62) or 1
    if not IndexState.objects.filter(pk=1).update(version=version):
        IndexState.objects.update_or_create(pk=1, defaults={"version": version})
    return version


def current_version() -> int:
    return IndexState.objects.filter(pk=1).values_list("version", flat=True).first() or 0


class Vocabulary:
    """Labels in every language, loaded once per reindex: axes, sectors, SDGs, countries."""

    def __init__(self):
        self.axes = list(Axis.objects.all())
        self.axis_text = {axis.code: _fold(" ".join(axis.names.values())) for axis in self.axes}
        self.axes_by_category: dict[str, set[str]] = defaultdict(set)
        for axis in self.axes:
            for category in axis.sector_categories:
                self.axes_by_category[str(category)].add(axis.code)
        self.labels: dict[tuple[str, str], str] = {}
        for codelist, code, names in CodelistItem.objects.filter(
            codelist__in=["Sector", "SectorCategory", "UNSDG-Goals"]
        ).values_list("codelist", "code", "names"):
            self.labels[codelist, code] = _fold(" ".join(names.values()))
        self.countries = {}
        self.continents = {}
        for code, names, continent in Country.objects.values_list("code", "names", "continent"):
            self.countries[code] = _fold(" ".join(dict.fromkeys(names.values())))
            self.continents[code] = continent

    def sector_text(self, codes: Iterable[str]) -> list[str]:
        out = []
        for code in codes:
            list_name = "SectorCategory" if len(code) == 3 else "Sector"
            out.append(self.labels.get((list_name, code), ""))
        return out


def _i18n_text(value, limit: int | None = None) -> list[str]:
    """The distinct texts of a multilingual value, in the order of their language codes (PostgreSQL's
    jsonb does not keep the order in which the languages were written)."""
    if not value:
        return []
    if isinstance(value, str):
        return [value[:limit] if limit else value]
    texts = (text for _code, text in sorted(value.items()) if isinstance(text, str) and text)
    return [text[:limit] if limit else text for text in dict.fromkeys(texts)]


def _summary(value) -> dict:
    if not value or isinstance(value, str):
        return {"fr": value[:SUMMARY_LENGTH]} if value else {}
    out = {}
    for code, text in value.items():
        if isinstance(text, str) and text:
            out[code] = text if len(text) <= SUMMARY_LENGTH else text[: SUMMARY_LENGTH - 1].rsplit(" ", 1)[0] + "…"
    return out


def _join(values: Iterable) -> str:
    if not values:  # an empty set or list (most facets of most records)
        return ""
    return " ".join(sorted({str(v) for v in values if v not in (None, "")}))


def _sort_title(titles) -> str:
    return _fold(localize(titles, "en"))[:100]


class _Loader:
    """Bulk reads for a batch of records: a handful of queries per batch, never one per record."""

    def __init__(self, vocabulary: Vocabulary):
        self.vocabulary = vocabulary
        self._organisations: dict[int, Mapping[str, Any]] = {}  # published organisations only
        self._seen: set[int] = set()

    def organisations(self, ids: Iterable[int]) -> dict[int, Mapping[str, Any]]:
        missing = [i for i in set(ids) if i not in self._seen]
        self._seen.update(missing)
        for start in range(0, len(missing), BATCH):
            for row in Organisation.objects.filter(
                id__in=missing[start : start + BATCH], publication_status=PUBLISHED
            ).values("id", "name", "acronym", "kind", "country_id", "latitude", "longitude", "locality_id"):
                self._organisations[row["id"]] = row
        return {i: self._organisations[i] for i in ids if i in self._organisations}

    @staticmethod
    def published_partnerships(ids: list[int]) -> dict[int, str]:
        """{id: kind} of the published partnerships among ``ids``."""
        out: dict[int, str] = {}
        for start in range(0, len(ids), BATCH):
            out.update(
                Partnership.objects.filter(id__in=ids[start : start + BATCH], publication_status=PUBLISHED).values_list(
                    "id", "kind"
                )
            )
        return out

    @staticmethod
    def parties(partnership_ids: list[int]) -> dict[int, list[int]]:
        out: dict[int, list[int]] = defaultdict(list)
        for start in range(0, len(partnership_ids), BATCH):
            for partnership_id, organisation_id in PartnershipParty.objects.filter(
                partnership_id__in=partnership_ids[start : start + BATCH]
            ).values_list("partnership_id", "organisation_id"):
                out[partnership_id].append(organisation_id)
        return out


def _published_organisation_names(loader: _Loader, ids) -> list[str]:
    """Names and acronyms of the published organisations among ``ids``, and the names in other
    languages of the places local governments are named after ("Hambourg" for Hamburg)."""
    names = []
    for row in loader.organisations(ids).values():
        names.append(row["name"])
        if row["acronym"]:
            names.append(row["acronym"])
        names.extend(_place_names(row))
    return names


def _place_names(row: Mapping[str, Any]) -> list[str]:
    return place_names(row["name"], row["locality_id"]) if row["kind"] in LOCAL_GOVERNMENT_KINDS else []


def _shown_names(row: Mapping[str, Any]) -> dict[str, str]:
    """An organisation's name per language: "Hambourg (Hamburg)" in French for the city of Hamburg."""
    if row["kind"] not in LOCAL_GOVERNMENT_KINDS:
        return {"fr": row["name"]}
    names = display_names(row["name"], row["locality_id"])
    return {"fr": row["name"]} if set(names.values()) == {row["name"]} else names


DOCUMENT_FIELDS = [
    "record_type",
    "object_id",
    "titles",
    "summary",
    "title_text",
    "body_text",
    "sort_title",
    "countries",
    "partner_countries",
    "axes",
    "sectors",
    "sdgs",
    "supports",
    "form",
    "kind",
    "status",
    "start_year",
    "latitude",
    "longitude",
    "partner_count",
    "amount",
    "currency",
    "money",
    "is_demo",
    "offers",
    "seeks",
    "record_updated_at",
]
_DEFAULTS = {
    "countries": "",
    "partner_countries": "",
    "axes": "",
    "sectors": "",
    "sdgs": "",
    "supports": "",
    "form": "",
    "kind": "",
    "status": "",
    "start_year": None,
    "latitude": None,
    "longitude": None,
    "partner_count": 0,
    "amount": None,
    "currency": "",
    "money": "",
    "is_demo": False,
    "offers": "",
    "seeks": "",
}


def _document(
    record_type, object_id, *, titles, summary, title_parts, body_parts, vocabulary_text, updated_at, **facets
) -> dict:
    """One document as a row for ``_insert_documents``; ``vocabulary_text`` is already folded."""
    body = _fold(" ".join(part for part in body_parts if part))
    return {
        **_DEFAULTS,
        "record_type": record_type,
        "object_id": object_id,
        "titles": titles,
        "summary": summary,
        "title_text": _fold(" ".join(part for part in title_parts if part)),
        "body_text": " ".join([body, *(part for part in vocabulary_text if part)]),
        "sort_title": _sort_title(titles),
        "record_updated_at": updated_at,
        **facets,
    }


def _insert_documents(rows: list[dict], *, fulltext: bool = True) -> None:
    """Insert documents with ``executemany`` (the ORM's bulk_create is ten times slower), then
    add them to the full-text index (``fulltext=False``: the caller rebuilds it at the end)."""
    if not rows:
        return
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 (fixed names)
        quote(SearchDocument._meta.db_table),
        ", ".join(quote(f) for f in DOCUMENT_FIELDS),
        ", ".join(["%s"] * len(DOCUMENT_FIELDS)),
    )
    adapt = lru_cache(maxsize=64)(connection.ops.adapt_datetimefield_value)  # an import's rows share one time
    first_id = (SearchDocument.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    values = []
    for row in rows:
        row = dict(
            row,
            titles=json.dumps(row["titles"], ensure_ascii=False),
            summary=json.dumps(row["summary"], ensure_ascii=False),
            record_updated_at=_db_datetime(row["record_updated_at"], adapt),
        )
        values.append([row[f] for f in DOCUMENT_FIELDS])
    with connection.cursor() as cursor:
        for start in range(0, len(values), 5000):
            cursor.executemany(sql, values[start : start + 5000])
    if fulltext:
        text_backend().added(first_id)


def _db_datetime(value, adapt):
    """A datetime for the database; text read with raw SQL from SQLite is already in its format."""
    return value if isinstance(value, str) else adapt(value or timezone.now())


def _delete_documents(record_type: str, ids: list[int]) -> None:
    if not ids:
        return
    placeholders = ", ".join(["%s"] * len(ids))
    where = f"record_type = %s AND object_id IN ({placeholders})"
    text_backend().removing(where, [record_type, *ids])
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM atlas_searchdocument WHERE {where}", [record_type, *ids])  # noqa: S608


def _children(model, columns: str, ids: list[int], key: str = "project_id"):
    """Rows (``key``, ``columns``...) of ``model``'s table for these ids: a range scan when the ids
    are dense (a batch of a full reindex, or of an import), an IN list otherwise; raw SQL, no ORM
    conversion (JSON comes back as text, dates as the database gives them)."""
    table = connection.ops.quote_name(model._meta.db_table)
    low, high = min(ids), max(ids)
    with connection.cursor() as cursor:
        if high - low < 4 * len(ids):
            wanted = set(ids)
            cursor.execute(f"SELECT {key}, {columns} FROM {table} WHERE {key} BETWEEN %s AND %s", [low, high])  # noqa: S608
            return [row for row in cursor.fetchall() if row[0] in wanted]
        rows = []
        for start in range(0, len(ids), 5000):
            chunk = ids[start : start + 5000]
            placeholders = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"SELECT {key}, {columns} FROM {table} WHERE {key} IN ({placeholders})", chunk)  # noqa: S608
            rows.extend(cursor.fetchall())
        return rows


_EMPTY_JSON: dict[str, Callable[[], Any]] = {"{}": dict, "[]": list, "null": lambda: None}


def _json(value):
    """A JSON column read with raw SQL: text on SQLite and on PostgreSQL (Django's jsonb loader)."""
    if not isinstance(value, str):
        return value
    empty = _EMPTY_JSON.get(value)
    return empty() if empty else json.loads(value)


# --- documents per record type ---------------------------------------------------------------
def project_facts(
    *,
    id: int,
    title: dict,
    description: dict,
    status: str,
    currency: str,
    updated_at,
    lead_organisation_id: int | None = None,
    partnership_id: int | None = None,
    summary: dict | None = None,
    support_types: Iterable[str] = (),
    start=None,
    is_demo: bool = False,
    axes: Iterable[str] = (),
    sectors: Iterable[tuple[str, str]] = (),
    sdgs: Iterable[str] = (),
    countries: Iterable[str] = (),
    budgets: Iterable[tuple] = (),
    contributions: Iterable[tuple] = (),
) -> dict:
    """What a project's atlas document is made of, as plain values.

    ``start``: actual start, else planned start (a date or an ISO string); ``sectors``: (vocabulary,
    code) pairs; ``sdgs``: SDG goals or targets; ``countries``: recipient country codes; ``budgets``
    and ``contributions``: (currency, amount) pairs, or (currency, amount, year or date) triples.
    ``_project_facts`` reads them from the database; an importer that has just written a project
    passes them to ``add_projects``.
    """
    return {
        "id": id,
        "title": title,
        "summary": summary,
        "description": description,
        "status": status,
        "currency": currency,
        "updated_at": updated_at,
        "lead_organisation_id": lead_organisation_id,
        "partnership_id": partnership_id,
        "support_types": support_types,
        "start": start,
        "is_demo": is_demo,
        "axes": axes,
        "sectors": sectors,
        "sdgs": sdgs,
        "countries": countries,
        "budgets": budgets,
        "contributions": contributions,
    }


def _project_facts(ids: list[int]) -> list[dict]:
    """The facts of these projects, published ones only: one query per table, raw SQL."""
    rows = [
        row
        for row in _children(
            Project,
            "title, summary, description, partnership_id, lead_organisation_id, status, support_types, "
            "actual_start, planned_start, currency, updated_at, is_demo, publication_status",
            ids,
            key="id",
        )
        if row[13] == PUBLISHED
    ]
    if not rows:
        return []
    ids = [row[0] for row in rows]
    children: dict[str, defaultdict[int, list]] = {
        name: defaultdict(list) for name in ("axes", "sectors", "sdgs", "countries", "budgets", "contributions")
    }
    for project_id, axis in _children(Project.axes.through, "axis_id", ids):
        children["axes"][project_id].append(axis)
    for project_id, vocab, code in _children(ProjectSector, "vocabulary, code", ids):
        children["sectors"][project_id].append((vocab, code))
    for project_id, target in _children(ProjectSdg, "target", ids):
        children["sdgs"][project_id].append(target)
    for project_id, country in _children(ProjectCountry, "country_id", ids):
        children["countries"][project_id].append(country)
    for project_id, currency, value, period_start in _children(Budget, "currency, value, period_start", ids):
        children["budgets"][project_id].append((currency, value, period_start))
    no_budget = [i for i in ids if i not in children["budgets"]]
    if no_budget:
        for project_id, currency, amount, year in _children(Contribution, "currency, amount, year", no_budget):
            children["contributions"][project_id].append((currency, amount, year))
    return [
        project_facts(
            id=pid,
            title=_json(title),
            summary=_json(summary),
            description=_json(description),
            partnership_id=partnership_id,
            lead_organisation_id=lead_id,
            status=status,
            support_types=_json(support_types) or (),
            start=actual_start or planned_start,
            currency=currency,
            updated_at=updated_at,
            is_demo=bool(is_demo),
            **{name: values.get(pid, ()) for name, values in children.items()},
        )
        for (
            pid,
            title,
            summary,
            description,
            partnership_id,
            lead_id,
            status,
            support_types,
            actual_start,
            planned_start,
            currency,
            updated_at,
            is_demo,
            _published,
        ) in rows
    ]


def _project_documents(ids: list[int], loader: _Loader) -> list[dict]:
    return _project_documents_from(_project_facts(ids), loader)


def _project_documents_from(facts: list[dict], loader: _Loader) -> list[dict]:
    if not facts:
        return []
    vocabulary = loader.vocabulary
    partnership_kinds = loader.published_partnerships(
        sorted({f["partnership_id"] for f in facts if f["partnership_id"]})
    )
    parties = loader.parties(sorted(partnership_kinds))
    loader.organisations(
        {o for ps in parties.values() for o in ps}
        | {f["lead_organisation_id"] for f in facts if f["lead_organisation_id"]}
    )

    documents = []
    for fact in facts:
        pid, partnership_id, lead_id = fact["id"], fact["partnership_id"], fact["lead_organisation_id"]
        partnership_kind = partnership_kinds.get(partnership_id, "") if partnership_id else ""
        party_ids = list(parties.get(partnership_id, [])) if partnership_kind else []
        if lead_id and lead_id not in party_ids:
            party_ids.append(lead_id)
        organisations = loader.organisations(party_ids)
        own_countries = {o["country_id"] for o in organisations.values()}
        sectors = set()
        for vocab, code in fact["sectors"]:
            if vocab in {"1", "2"} and code[:3].isdigit():
                sectors.add(code[:3])
                if len(code) == 5:
                    sectors.add(code)
        axes = set(fact["axes"])
        for category in [c for c in sectors if len(c) == 3]:
            axes |= vocabulary.axes_by_category.get(category, set())
        recipients = set(fact["countries"])
        start = fact["start"]
        form = ""
        if partnership_kind:
            form = PartnershipForm.of(len(parties.get(partnership_id, [])))
        amount, currency = _money(fact["budgets"] or fact["contributions"])
        title, summary, description = fact["title"], fact["summary"], fact["description"]
        documents.append(
            _document(
                RecordType.PROJECT,
                pid,
                titles=title or {},
                summary=_summary(summary or description),
                title_parts=_i18n_text(title),
                body_parts=[
                    *_i18n_text(summary, MAX_TEXT_PER_FIELD),
                    *_i18n_text(description, MAX_TEXT_PER_FIELD),
                    *_published_organisation_names(loader, party_ids),
                ],
                vocabulary_text=[
                    *(vocabulary.axis_text.get(a, "") for a in axes),
                    *vocabulary.sector_text(sectors),
                    *(vocabulary.countries.get(c, "") for c in own_countries | recipients),
                ],
                updated_at=fact["updated_at"],
                countries=_join(own_countries or recipients),
                partner_countries=_join(own_countries | recipients),
                axes=_join(axes),
                sectors=_join(sectors),
                sdgs=_join(t.split(".")[0] for t in fact["sdgs"]),
                supports=_join(fact["support_types"] or []),
                form=form,
                kind=partnership_kind,
                status=fact["status"],
                start_year=int(str(start)[:4]) if start else None,
                amount=amount,
                currency=currency or fact["currency"],
                is_demo=fact["is_demo"],
                money=_money_groups(fact["budgets"] or fact["contributions"], start),
            )
        )
    return documents


def _money_groups(lines: Iterable[tuple], start) -> str:
    """Every line of the project, by currency and year (``coopdec.atlas.money``): the line's
    own year (budget period start, contribution year), else the project's start year."""
    fallback = int(str(start)[:4]) if start else 0
    return encode_money(
        (line[0], int(str(line[2])[:4]) if len(line) > 2 and line[2] else fallback, line[1]) for line in lines
    )


def _money(lines: Iterable[tuple]) -> tuple[float | None, str]:
    """Budget lines (IATI) if any, else contributions, in the project's most used currency.

    Kept for the ``amount`` column only: statistics count every currency from ``money``.
    """
    by_currency: dict[str, float] = defaultdict(float)
    for currency, value, *_year in lines:
        by_currency[currency] += float(value or 0)
    if not by_currency:
        return None, ""
    currency, amount = max(by_currency.items(), key=lambda item: item[1])
    return amount, currency


def _partnership_documents(ids: list[int], loader: _Loader) -> list[dict]:
    vocabulary = loader.vocabulary
    rows = list(
        Partnership.objects.filter(id__in=ids, publication_status=PUBLISHED).values(
            "id", "title", "description", "kind", "status", "start_date", "strategy_start_year", "updated_at", "is_demo"
        )
    )
    if not rows:
        return []
    ids = [row["id"] for row in rows]
    parties = loader.parties(ids)
    loader.organisations({o for ps in parties.values() for o in ps})
    # What the partnership's published projects are about.
    axes, sectors, sdgs, supports, titles = (defaultdict[int, set[str]](set) for _ in range(5))
    project_ids: dict[int, int] = {}
    # Read by partnership, status checked here: given both conditions, SQLite walks every published
    # project through the status index (see the organisation builder).
    for project_id, partnership_id, support_types, title, status in Project.objects.filter(
        partnership_id__in=ids
    ).values_list("id", "partnership_id", "support_types", "title", "publication_status"):
        if status != PUBLISHED:
            continue
        project_ids[project_id] = partnership_id
        supports[partnership_id].update(support_types or [])
        if len(titles[partnership_id]) < 10:
            titles[partnership_id].update(_i18n_text(title))
    for partnership_id, axis in _children(Partnership.axes.through, "axis_id", ids, key="partnership_id"):
        axes[partnership_id].add(axis)  # the partnership's own themes
    if project_ids:
        wanted = sorted(project_ids)
        for project_id, axis in _children(Project.axes.through, "axis_id", wanted):
            axes[project_ids[project_id]].add(axis)
        for project_id, vocab, code in _children(ProjectSector, "vocabulary, code", wanted):
            if vocab in {"1", "2"} and code[:3].isdigit():
                sectors[project_ids[project_id]].update({code[:3], code} if len(code) == 5 else {code[:3]})
        for project_id, target in _children(ProjectSdg, "target", wanted):
            sdgs[project_ids[project_id]].add(target.split(".")[0])
    documents = []
    for row in rows:
        pid = row["id"]
        party_ids = parties.get(pid, [])
        organisations = loader.organisations(party_ids)
        names = _published_organisation_names(loader, party_ids)
        countries = {o["country_id"] for o in organisations.values()}
        for category in [c for c in sectors[pid] if len(c) == 3]:
            axes[pid] |= vocabulary.axes_by_category.get(category, set())
        start_year = row["start_date"].year if row["start_date"] else row["strategy_start_year"]
        title = row["title"] or {}
        if not localize(title) and organisations:
            shown = [_shown_names(o) for o in organisations.values()]
            title = {
                language: " – ".join(localize(s, language) for s in shown)
                for language in sorted({k for s in shown for k in s})
            }
        documents.append(
            _document(
                RecordType.PARTNERSHIP,
                pid,
                titles=title,
                summary=_summary(row["description"]),
                title_parts=[*_i18n_text(row["title"]), *names],
                body_parts=[
                    *_i18n_text(row["description"], MAX_TEXT_PER_FIELD),
                    *titles[pid],
                ],
                vocabulary_text=[
                    *(vocabulary.axis_text.get(a, "") for a in axes[pid]),
                    *vocabulary.sector_text(sectors[pid]),
                    *(vocabulary.countries.get(c, "") for c in countries),
                ],
                updated_at=row["updated_at"],
                countries=_join(countries),
                partner_countries=_join(countries),
                axes=_join(axes[pid]),
                sectors=_join(sectors[pid]),
                sdgs=_join(sdgs[pid]),
                supports=_join(supports[pid]),
                form=PartnershipForm.of(len(party_ids)),
                kind=row["kind"],
                status=row["status"],
                start_year=start_year,
                is_demo=row["is_demo"],
            )
        )
    return documents


def _organisation_documents(ids: list[int], loader: _Loader) -> list[dict]:
    vocabulary = loader.vocabulary
    rows = list(
        Organisation.objects.filter(id__in=ids, publication_status=PUBLISHED).values(
            "id",
            "name",
            "acronym",
            "kind",
            "description",
            "country_id",
            "latitude",
            "longitude",
            "locality_id",
            "locality__latitude",
            "locality__longitude",
            "locality__name",
            "subdivision__name",
            "updated_at",
            "is_demo",
        )
    )
    if not rows:
        return []
    ids = [row["id"] for row in rows]
    # Published partnerships of these organisations, and the countries of the other parties. Two
    # plain look-ups rather than one join: given the join, SQLite (no table statistics) prefers the
    # publication-status index, walks every published partnership and probes the organisations
    # (10 s per batch of 2,000 with the twinnings loaded, not 0.1 s).
    links = list(
        PartnershipParty.objects.filter(organisation_id__in=ids).values_list("organisation_id", "partnership_id")
    )
    published = _values_in(Partnership.objects.filter(publication_status=PUBLISHED), "id", "id", {p for _o, p in links})
    links = [(o, p) for o, p in links if p in published]
    parties = loader.parties(sorted({p for _o, p in links}))
    loader.organisations({o for ps in parties.values() for o in ps})
    partner_countries: defaultdict[int, set[str]] = defaultdict(set)
    partnership_count: defaultdict[int, int] = defaultdict(int)
    offered, sought = registry.listing_axes(ids)  # the "offers" and "seeks" facets (matching)
    for organisation_id, partnership_id in links:
        partnership_count[organisation_id] += 1
        for other in parties.get(partnership_id, []):
            partner = loader.organisations([other]).get(other)
            if other != organisation_id and partner:
                partner_countries[organisation_id].add(partner["country_id"])
    documents = []
    for row in rows:
        oid = row["id"]
        latitude = row["latitude"] if row["latitude"] is not None else row["locality__latitude"]
        longitude = row["longitude"] if row["longitude"] is not None else row["locality__longitude"]
        is_local = row["kind"] in LOCAL_GOVERNMENT_KINDS
        documents.append(
            _document(
                RecordType.ORGANISATION,
                oid,
                titles=_shown_names(row),
                summary=_summary(row["description"]),
                title_parts=[row["name"], row["acronym"], *_place_names(row)],
                body_parts=[
                    *_i18n_text(row["description"], MAX_TEXT_PER_FIELD),
                    row["locality__name"] or "",
                    row["subdivision__name"] or "",
                ],
                vocabulary_text=[vocabulary.countries.get(row["country_id"], "")],
                updated_at=row["updated_at"],
                countries=row["country_id"],
                partner_countries=_join(partner_countries[oid]),
                kind=row["kind"],
                latitude=latitude if is_local else None,
                longitude=longitude if is_local else None,
                partner_count=partnership_count[oid],
                is_demo=row["is_demo"],
                offers=_join(offered.get(oid, ())),
                seeks=_join(sought.get(oid, ())),
            )
        )
    return documents


BUILDERS: dict[str, Callable[[list[int], _Loader], list[dict]]] = {
    RecordType.ORGANISATION: _organisation_documents,
    RecordType.PARTNERSHIP: _partnership_documents,
    RecordType.PROJECT: _project_documents,
}


def document(record_type: str, object_id: int, **parts) -> dict:
    """A document of a record type registered by another app (``coopdec.atlas.registry``): the
    arguments of ``_document`` (titles, summary, title_parts, body_parts, vocabulary_text,
    updated_at, then facet columns such as countries, axes, sectors, sdgs, kind, latitude)."""
    return _document(record_type, object_id, **parts)


def _builder(record_type: str) -> Callable[[list[int], _Loader], list[dict]]:
    if record_type in BUILDERS:
        return BUILDERS[record_type]
    build = registry.extra_types()[record_type].build
    return lambda ids, loader: build(ids, loader.vocabulary)


def _write(record_type: str, ids: list[int], documents: list[dict]) -> None:
    _delete_documents(record_type, ids)
    _insert_documents(documents)


def _values_in(queryset, lookup: str, field: str, ids: set[int]) -> set[int]:
    """``field`` of the rows whose ``lookup`` is in ``ids``, asked in chunks (SQLite caps the
    number of parameters of one statement)."""
    ordered = sorted(ids)
    out: set[int | None] = set()
    for start in range(0, len(ordered), 5000):
        out.update(queryset.filter(**{f"{lookup}__in": ordered[start : start + 5000]}).values_list(field, flat=True))
    out.discard(None)
    return cast(set[int], out)  # None (a null ``field``) was just removed


def _expand(organisations: set[int], partnerships: set[int], projects: set[int]) -> tuple[set, set, set]:
    """Add the records whose documents show the given ones (names, countries, kinds, axes)."""
    if organisations:
        partnerships |= _values_in(PartnershipParty.objects, "organisation_id", "partnership_id", organisations)
        projects |= _values_in(Project.objects, "lead_organisation_id", "id", organisations)
    if projects:
        partnerships |= _values_in(Project.objects, "id", "partnership_id", projects)
    if partnerships:
        projects |= _values_in(Project.objects, "partnership_id", "id", partnerships)
        organisations |= _values_in(PartnershipParty.objects, "partnership_id", "organisation_id", partnerships)
    return organisations, partnerships, projects


def reindex(
    *,
    organisations: Iterable[int] = (),
    partnerships: Iterable[int] = (),
    projects: Iterable[int] = (),
    expand: bool = True,
    others: Mapping[str, Iterable[int]] | None = None,
) -> int:
    """Rebuild the documents of these records (and, with ``expand``, of the records showing them).

    ``others``: {registered record type: ids} (``coopdec.atlas.registry``), rebuilt as given.
    Drafts and deleted records lose their document. Returns the number of documents written.
    """
    wanted: dict[str, set[int]] = {
        RecordType.ORGANISATION: {int(i) for i in organisations},
        RecordType.PARTNERSHIP: {int(i) for i in partnerships},
        RecordType.PROJECT: {int(i) for i in projects},
    }
    for record_type, ids in (others or {}).items():
        wanted[record_type] = {int(i) for i in ids}
    if not any(wanted.values()):
        return 0
    if expand:
        wanted[RecordType.ORGANISATION], wanted[RecordType.PARTNERSHIP], wanted[RecordType.PROJECT] = _expand(
            wanted[RecordType.ORGANISATION], wanted[RecordType.PARTNERSHIP], wanted[RecordType.PROJECT]
        )
    loader = _Loader(Vocabulary())
    written = 0
    with transaction.atomic():
        for record_type, id_set in wanted.items():
            ids = sorted(id_set)
            for start in range(0, len(ids), BATCH):
                chunk = ids[start : start + BATCH]
                documents = _builder(record_type)(chunk, loader)
                _write(record_type, chunk, documents)
                written += len(documents)
        bump_version()
    return written


def add_projects(facts: list[dict], *, vocabulary: Vocabulary | None = None) -> int:
    """Index PUBLISHED projects that an importer has just written, from the facts it holds
    (``project_facts``) instead of reading them back: the documents are those ``reindex`` would
    build. ``vocabulary``: labels already loaded (an importer keeps one for the whole import).
    Returns the number of documents written."""
    if not facts:
        return 0
    loader = _Loader(vocabulary or Vocabulary())
    written = 0
    with transaction.atomic():
        for start in range(0, len(facts), BATCH):
            chunk = facts[start : start + BATCH]
            documents = _project_documents_from(chunk, loader)
            _write(RecordType.PROJECT, [fact["id"] for fact in chunk], documents)
            written += len(documents)
        bump_version()
    return written


def reindex_all(progress=None) -> dict[str, int]:
    """Rebuild the whole index, batch by batch (one transaction). Returns documents per type."""
    loader = _Loader(Vocabulary())
    counts: dict[str, int] = {}
    backend = text_backend()
    with transaction.atomic():
        backend.clear()
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(SearchDocument._meta.db_table)}")  # noqa: S608
        first_id = 1
        for record_type, model in (
            (RecordType.ORGANISATION, Organisation),
            (RecordType.PARTNERSHIP, Partnership),
            (RecordType.PROJECT, Project),
        ):
            ids = list(model.objects.filter(publication_status=PUBLISHED).order_by("id").values_list("id", flat=True))
            counts[record_type] = 0
            for start in range(0, len(ids), BATCH):
                documents = BUILDERS[record_type](ids[start : start + BATCH], loader)
                _insert_documents(documents, fulltext=False)
                counts[record_type] += len(documents)
                if progress:
                    progress(record_type, start + len(documents), len(ids))
        for extra_type, extra in registry.extra_types().items():
            ids = sorted(extra.published_ids())
            counts[extra_type] = 0
            for start in range(0, len(ids), BATCH):
                documents = extra.build(ids[start : start + BATCH], loader.vocabulary)
                _insert_documents(documents, fulltext=False)
                counts[extra_type] += len(documents)
                if progress:
                    progress(extra_type, start + len(documents), len(ids))
        backend.added(first_id)
        bump_version()
    return counts


def drop(record_type: str, ids: Iterable[int]) -> None:
    """Remove the documents of deleted records."""
    ids = [int(i) for i in ids]
    if ids:
        _delete_documents(record_type, ids)
        bump_version()
