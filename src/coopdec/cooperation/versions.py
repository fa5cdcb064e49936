"""The relations each version of a partnership or a project keeps, so that restoring it brings them back.

Partnership: its parties and their roles, its agreements and documents. Project: its DAC sectors
with percentages, SDG goals and targets, cooperation axes, places, participating organisations,
recipient countries, budget contributions, expected results, their indicators and the values
measured, and its documents (support types, dates and texts are fields of the project itself).

Results, indicators, values and documents are kept with their ids: restoring updates the ones still
there in place and recreates a removed one under its former id (ids are never handed out twice, on
SQLite as on PostgreSQL), so that links to a document keep working and a restore can be undone
exactly. A document's file is not versioned: the version names the stored file, which a removal
keeps (``documents_purge`` deletes it later); a document whose file is no longer stored cannot come
back and the restore says so (``lost``).

Not kept: IATI budget lines and transactions (replaced as a whole by each IATI import).

Registered with ``coopdec.common.versions`` when the app is ready (``apps.py``).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coopdec.actors.models import Organisation
from coopdec.actors.selectors import UNPUBLISHED_NAME
from coopdec.common.i18n import localize
from coopdec.common.models import PublicationStatus
from coopdec.common.versions import Relation, Rows, lookup, register, save_with_history, sort_rows
from coopdec.territories.models import Country, Locality
from coopdec.vocabularies.models import Axis

from .models import (
    Contribution,
    ContributionKind,
    ContributorRole,
    Document,
    Indicator,
    IndicatorDisaggregation,
    IndicatorValue,
    ParticipantRole,
    Partnership,
    PartnershipParty,
    PartyRole,
    Project,
    ProjectCountry,
    ProjectLocation,
    ProjectParticipant,
    ProjectSdg,
    ProjectSector,
    Result,
)


def _text(value) -> str | None:
    """Decimals and dates as text in snapshots (JSON has neither)."""
    return None if value is None else str(value) if isinstance(value, Decimal) else value.isoformat()


def _user(user):
    return user if user is not None and user.is_authenticated else None


def organisation_names(ids) -> dict[int, str]:
    """Organisation names for history pages, which the editors of every party read: a draft
    organisation's name is for its own members, so drafts are named by a placeholder."""

    def load(keys):
        rows = Organisation.objects.filter(pk__in=keys).values_list("pk", "name", "publication_status")
        return {
            pk: name if status == PublicationStatus.PUBLISHED else str(UNPUBLISHED_NAME) for pk, name, status in rows
        }

    return lookup("organisation", ids, load)


def missing_organisations(ids) -> list[str]:
    ids = {pk for pk in ids if pk is not None}
    gone = sorted(ids - set(Organisation.objects.filter(pk__in=ids).values_list("pk", flat=True)))
    if not gone:
        return []
    return [
        _("This version names organisations that no longer exist (#%(ids)s); it cannot be restored as it was.")
        % {"ids": ", #".join(str(pk) for pk in gone)}
    ]


def organisation_label(names, pk) -> str:
    return names.get(pk) or _("(deleted, #%(id)s)") % {"id": pk}


def _delete_all(queryset, user) -> None:
    """Delete one by one, so that history rows name the user and the atlas signals run."""
    for row in queryset:
        row._history_user = _user(user)
        row.delete()


# Partnership: parties


def _read_parties(partnership) -> list:
    return sort_rows(
        (org, role, _text(joined))
        for org, role, joined in PartnershipParty.objects.filter(partnership_id=partnership.pk).values_list(
            "organisation_id", "role", "joined_on"
        )
    )


def _write_parties(partnership, rows, user) -> None:
    wanted = {org: (role, joined) for org, role, joined in rows}
    for link in PartnershipParty.objects.filter(partnership_id=partnership.pk):
        if link.organisation_id not in wanted:
            link._history_user = _user(user)
            link.delete()
            continue
        role, joined = wanted.pop(link.organisation_id)
        if (link.role, _text(link.joined_on)) != (role, joined):
            link.role, link.joined_on = role, joined
            save_with_history(link, user=user)
    for org, (role, joined) in wanted.items():
        save_with_history(
            PartnershipParty(partnership_id=partnership.pk, organisation_id=org, role=role, joined_on=joined), user=user
        )


def _describe_parties(rows) -> str:
    names, roles = organisation_names(row[0] for row in rows), dict(PartyRole.choices)
    return ", ".join(f"{organisation_label(names, org)} ({roles.get(role, role)})" for org, role, _joined in rows)


def _missing_parties(rows) -> list[str]:
    if len(rows) < 2:
        return [_("This version has fewer than two parties; a partnership keeps at least two.")]
    return missing_organisations(row[0] for row in rows)


# Project: sectors, SDGs, axes, places, participants, recipient countries, contributions


def _read_sectors(project) -> list:
    return sort_rows(
        (vocabulary, code, _text(percentage))
        for vocabulary, code, percentage in ProjectSector.objects.filter(project_id=project.pk).values_list(
            "vocabulary", "code", "percentage"
        )
    )


def _write_sectors(project, rows, user) -> None:
    ProjectSector.objects.filter(project_id=project.pk).delete()
    for vocabulary, code, percentage in rows:
        ProjectSector.objects.create(
            project_id=project.pk,
            vocabulary=vocabulary,
            code=code,
            percentage=None if percentage is None else Decimal(percentage),
        )


def _describe_sectors(rows) -> str:
    return ", ".join(
        f"{code} ({Decimal(percentage).normalize():f} %)" if percentage is not None else code
        for _vocabulary, code, percentage in rows
    )


def _read_sdgs(project) -> list:
    return sort_rows(
        [target] for target in ProjectSdg.objects.filter(project_id=project.pk).values_list("target", flat=True)
    )


def _write_sdgs(project, rows, user) -> None:
    ProjectSdg.objects.filter(project_id=project.pk).delete()
    for (target,) in rows:
        ProjectSdg.objects.create(project_id=project.pk, target=target)


def _read_axes(project) -> list:
    return sort_rows([code] for code in Axis.objects.filter(projects=project.pk).values_list("code", flat=True))


def _write_axes(project, rows, user) -> None:
    project.axes.set(Axis.objects.filter(code__in=[code for (code,) in rows]))


def _describe_axes(rows) -> str:
    codes = [code for (code,) in rows]
    names = lookup(
        "axis", codes, lambda keys: {axis.code: str(axis.name) for axis in Axis.objects.filter(code__in=keys)}
    )
    return ", ".join(names.get(code, code) for code in codes)


def _missing_axes(rows) -> list[str]:
    codes = {code for (code,) in rows}
    gone = sorted(codes - set(Axis.objects.filter(code__in=codes).values_list("code", flat=True)))
    return (
        [_("This version names cooperation axes that no longer exist (%(codes)s).") % {"codes": ", ".join(gone)}]
        if gone
        else []
    )


LOCATION_FIELDS = ("locality_id", "name", "latitude", "longitude", "country_id", "ref")


def _read_locations(project) -> list:
    return sort_rows(ProjectLocation.objects.filter(project_id=project.pk).values_list(*LOCATION_FIELDS))


def _write_locations(project, rows, user) -> None:
    ProjectLocation.objects.filter(project_id=project.pk).delete()
    known = set(Locality.objects.filter(pk__in=[row[0] for row in rows if row[0]]).values_list("pk", flat=True))
    for row in rows:
        values = dict(zip(LOCATION_FIELDS, row, strict=True))
        if values["locality_id"] not in known:  # a place gone from the gazetteer keeps its name and coordinates
            values["locality_id"] = None
        ProjectLocation.objects.create(project_id=project.pk, **values)


def _describe_locations(rows) -> str:
    return ", ".join(
        name or f"{latitude}, {longitude}" for _locality, name, latitude, longitude, _country, _ref in rows
    )


def _read_participants(project) -> list:
    return sort_rows(
        ProjectParticipant.objects.filter(project_id=project.pk).values_list("organisation_id", "role", "activity_id")
    )


def _write_participants(project, rows, user) -> None:
    ProjectParticipant.objects.filter(project_id=project.pk).delete()
    for org, role, activity_id in rows:
        ProjectParticipant.objects.create(
            project_id=project.pk, organisation_id=org, role=role, activity_id=activity_id
        )


def _describe_participants(rows) -> str:
    names, roles = organisation_names(row[0] for row in rows), dict(ParticipantRole.choices)
    return ", ".join(f"{organisation_label(names, org)} ({roles.get(role, role)})" for org, role, _activity in rows)


def _read_countries(project) -> list:
    return sort_rows(
        (country, _text(percentage))
        for country, percentage in ProjectCountry.objects.filter(project_id=project.pk).values_list(
            "country_id", "percentage"
        )
    )


def _write_countries(project, rows, user) -> None:
    ProjectCountry.objects.filter(project_id=project.pk).delete()
    for country, percentage in rows:
        ProjectCountry.objects.create(
            project_id=project.pk, country_id=country, percentage=None if percentage is None else Decimal(percentage)
        )


def _describe_countries(rows) -> str:
    return ", ".join(
        f"{country} ({Decimal(percentage).normalize():f} %)" if percentage is not None else country
        for country, percentage in rows
    )


def _missing_countries(rows) -> list[str]:
    codes = {row[0] for row in rows}
    gone = sorted(codes - set(Country.objects.filter(code__in=codes).values_list("code", flat=True)))
    return [_("Unknown country code “%(code)s”.") % {"code": code} for code in gone]


CONTRIBUTION_FIELDS = ("organisation_id", "contributor_name", "role", "kind", "amount", "currency", "year")


def _read_contributions(project) -> list:
    return sort_rows(
        (org, name, role, kind, _text(amount), currency, year)
        for org, name, role, kind, amount, currency, year in Contribution.objects.filter(
            project_id=project.pk
        ).values_list(*CONTRIBUTION_FIELDS)
    )


def _write_contributions(project, rows, user) -> None:
    _delete_all(Contribution.objects.filter(project_id=project.pk), user)
    for row in rows:
        values = dict(zip(CONTRIBUTION_FIELDS, row, strict=True))
        values["amount"] = Decimal(values["amount"])
        save_with_history(Contribution(project_id=project.pk, **values), user=user)


def _describe_contributions(rows) -> str:
    names, kinds = organisation_names(row[0] for row in rows if row[0]), dict(ContributionKind.choices)
    roles = dict(ContributorRole.choices)
    return "; ".join(
        f"{organisation_label(names, org) if org else name}: {Decimal(amount).normalize():f} {currency} "
        f"({kinds.get(kind, kind)}, {roles.get(role, role)}{f', {year}' if year else ''})"
        for org, name, role, kind, amount, currency, year in rows
    )


# Expected results, indicators, values measured and documents: rows kept with their ids


class GrowingRows(Rows):
    """Rows whose last columns were added later (results monitoring, session 6): a version written before
    them holds shorter rows, which read the added columns' defaults."""

    def __init__(self, model, owner: str, fields: tuple[str, ...], *, added: dict, **kwargs):
        super().__init__(model, owner, fields + tuple(added), **kwargs)
        self.added = list(added.values())

    def values(self, row) -> dict:
        missing = len(self.fields) + 1 - len(row)
        if missing > 0:
            row = [*row, *self.added[len(self.added) - missing :]]
        return super().values(row)


RESULT_ROWS = GrowingRows(
    Result,
    "project_id",
    ("project_id", "type", "title", "description", "position"),
    added={"aggregation_status": None, "documents": [], "references": []},
)
INDICATOR_ROWS = GrowingRows(
    Indicator,
    "result__project_id",
    ("result_id", "title", "description", "measure", "ascending", "position"),
    added={
        "cumulative": False,
        "standard_id": None,
        "approver_id": None,
        "aggregation_status": None,
        "references": [],
        "baseline_year": None,
        "baseline_date": None,
        "baseline_comment": {},
        "baseline_links": {},
        "other_baselines": [],
        "documents": [],
    },
    dates=("baseline_date",),
)
VALUE_ROWS = GrowingRows(
    IndicatorValue,
    "indicator__result__project_id",
    ("indicator_id", "territory_id", "period_start", "period_end", "baseline", "target", "actual", "comment"),
    added={
        "not_applicable": False,
        "actual_text": {},
        "score": None,
        "target_comment": {},
        "due_date": None,
        "status": "approved",
        "submitted_by_id": None,
        "submitted_at": None,
        "reviewed_by_id": None,
        "reviewed_at": None,
        "review_comment": "",
        "baseline_value_text": "",
        "target_value_text": "",
        "actual_value_text": "",
        "target_links": {},
        "actual_links": {},
    },
    dates=("period_start", "period_end", "due_date"),
    datetimes=("submitted_at", "reviewed_at"),
    decimals=("baseline", "target", "actual"),
)
DISAGGREGATION_ROWS = GrowingRows(
    IndicatorDisaggregation,
    "indicator_value__indicator__result__project_id",
    ("indicator_value_id", "measure", "dimensions", "value"),
    added={"value_text": "", "links": {}},
    decimals=("value",),
)


def _describe_disaggregations(rows) -> str:
    return "; ".join(
        f"{measure} ({', '.join(f'{k}: {v}' for k, v in sorted(dimensions.items()))}) = "
        f"{'—' if value is None else f'{Decimal(value).normalize():f}'}"
        for _pk, _value, measure, dimensions, value, *_iati in rows
    )


def _document_rows(owner: str) -> Rows:
    return Rows(
        Document,
        owner,
        (
            owner,
            "title",
            "file",
            "url",
            "format",
            "category",
            "language",
            "document_date",
            "is_agreement",
            "signed_on",
            "renewal_on",
            "uploaded_by_id",
            "created_at",
        ),
        dates=("document_date", "signed_on", "renewal_on"),
        datetimes=("created_at",),
        with_history=True,
    )


def _titles(rows, column: int) -> str:
    return "; ".join(localize(row[column]) or f"#{row[0]}" for row in rows)


def _describe_values(rows) -> str:
    indicators = lookup(
        "indicator",
        {row[1] for row in rows},
        lambda keys: {
            pk: localize(title) for pk, title in Indicator.objects.filter(pk__in=keys).values_list("pk", "title")
        },
    )
    territory = VALUE_ROWS.column("territory_id")
    names = organisation_names(row[territory] for row in rows if row[territory])
    described = []
    for _pk, indicator, where, start, end, baseline, target, actual, _comment, *_monitoring in rows:
        figures = " / ".join(
            "—" if value is None else f"{Decimal(value).normalize():f}" for value in (baseline, target, actual)
        )
        described.append(
            _("%(indicator)s, %(where)s, %(start)s – %(end)s: %(figures)s")
            % {
                "indicator": indicators.get(indicator) or f"#{indicator}",
                "where": organisation_label(names, where) if where else _("whole project"),
                "start": start,
                "end": end,
                "figures": figures,
            }
        )
    return "; ".join(described)


def _documents_relation(rows_of: Rows) -> Relation:
    file, title = rows_of.column("file"), rows_of.column("title")
    uploader, created = rows_of.column("uploaded_by_id"), rows_of.column("created_at")
    storage = Document._meta.get_field("file").storage

    def gone(rows) -> list:
        """Rows to recreate whose file was deleted since: they cannot come back."""
        present = set(Document.objects.filter(pk__in=[row[0] for row in rows]).values_list("pk", flat=True))
        return [row for row in rows if row[0] not in present and row[file] and not storage.exists(row[file])]

    def lost(rows) -> list[str]:
        return [
            _("The document “%(title)s” cannot come back: its file was deleted since.")
            % {"title": localize(row[title]) or f"#{row[0]}"}
            for row in gone(rows)
        ]

    def write(record, rows, user) -> None:
        missing = {row[0] for row in gone(rows)}
        rows = [list(row) for row in rows if row[0] not in missing]
        users = set(
            get_user_model()
            .objects.filter(pk__in=[row[uploader] for row in rows if row[uploader]])
            .values_list("pk", flat=True)
        )
        for row in rows:
            if row[uploader] not in users:
                row[uploader] = None
        present = set(rows_of.queryset(record).values_list("pk", flat=True))
        rows_of.write(record, rows, user)
        # ``created_at`` is set on creation (auto_now_add): recreated documents get their own date back.
        for row in rows:
            if row[0] not in present:
                Document.objects.filter(pk=row[0]).update(created_at=datetime.fromisoformat(row[created]))

    def describe(rows) -> str:
        """Titles; a document that no restore can bring back says so."""
        purged = {row[0] for row in gone(rows)}
        return "; ".join(
            (localize(row[title]) or f"#{row[0]}")
            + (" " + _("(file deleted since: cannot come back)") if row[0] in purged else "")
            for row in rows
        )

    return Relation("documents", gettext_lazy("Documents"), rows_of.read, write, describe, lost=lost)


def register_relations() -> None:
    register(
        Partnership,
        [
            Relation(
                "parties",
                gettext_lazy("Parties"),
                _read_parties,
                _write_parties,
                _describe_parties,
                missing=_missing_parties,
                permission="cooperation.manage_parties",
                organisation_column=0,
            ),
            _documents_relation(_document_rows("partnership_id")),
        ],
        not_kept=gettext_lazy(
            "A document whose file was deleted since cannot come back (the file of a removed "
            "document is kept for a while, then purged)."
        ),
    )
    register(
        Project,
        [
            Relation("sectors", gettext_lazy("DAC sectors"), _read_sectors, _write_sectors, _describe_sectors),
            Relation(
                "sdgs",
                gettext_lazy("SDG goals or targets"),
                _read_sdgs,
                _write_sdgs,
                lambda rows: ", ".join(target for (target,) in rows),
            ),
            Relation(
                "axes", gettext_lazy("Cooperation axes"), _read_axes, _write_axes, _describe_axes, missing=_missing_axes
            ),
            Relation("locations", gettext_lazy("Places"), _read_locations, _write_locations, _describe_locations),
            Relation(
                "participants",
                gettext_lazy("Participating organisations"),
                _read_participants,
                _write_participants,
                _describe_participants,
                missing=lambda rows: missing_organisations(row[0] for row in rows),
                permission="cooperation.manage_participants",
                organisation_column=0,
            ),
            Relation(
                "countries",
                gettext_lazy("Recipient countries"),
                _read_countries,
                _write_countries,
                _describe_countries,
                missing=_missing_countries,
            ),
            Relation(
                "contributions",
                gettext_lazy("Budget contributions"),
                _read_contributions,
                _write_contributions,
                _describe_contributions,
                missing=lambda rows: missing_organisations(row[0] for row in rows),
                organisation_column=0,
            ),
            # In this order: a result before its indicators, an indicator before its values.
            Relation(
                "results",
                gettext_lazy("Expected results"),
                RESULT_ROWS.read,
                RESULT_ROWS.write,
                lambda rows: _titles(rows, 3),
            ),
            Relation(
                "indicators",
                gettext_lazy("Indicators"),
                INDICATOR_ROWS.read,
                INDICATOR_ROWS.write,
                lambda rows: _titles(rows, 2),
            ),
            Relation(
                "indicator_values",
                gettext_lazy("Values measured"),
                VALUE_ROWS.read,
                VALUE_ROWS.write,
                _describe_values,
                organisation_column=VALUE_ROWS.column("territory_id"),
                missing=lambda rows: missing_organisations(row[VALUE_ROWS.column("territory_id")] for row in rows),
            ),
            Relation(
                "indicator_disaggregations",
                gettext_lazy("Breakdowns of the values"),
                DISAGGREGATION_ROWS.read,
                DISAGGREGATION_ROWS.write,
                _describe_disaggregations,
            ),
            _documents_relation(_document_rows("project_id")),
        ],
        not_kept=gettext_lazy(
            "A document whose file was deleted since cannot come back (the file of a removed "
            "document is kept for a while, then purged), nor IATI budget lines and transactions "
            "(each IATI import replaces them)."
        ),
    )
