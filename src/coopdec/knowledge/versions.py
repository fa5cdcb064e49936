"""The relations each version of a good practice keeps, so that its history shows them and a
restore brings them back: its authors and the projects it comes from (``coopdec.common.versions``).

Registered when the app is ready (``apps.py``). Documents are not part of a version (as for the
other records, a document's file is not versioned): restoring leaves them as they are.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coopdec.common.i18n import localize
from coopdec.common.versions import Relation, lookup, register, sort_rows
from coopdec.cooperation.models import Project
from coopdec.cooperation.versions import missing_organisations, organisation_label, organisation_names

from .models import Practice


def id_rows(ids) -> list:
    return sort_rows([pk] for pk in ids)


def _read_authors(practice) -> list:
    return id_rows(
        Practice.organisations.through.objects.filter(practice_id=practice.pk).values_list("organisation_id", flat=True)
    )


def _write_authors(practice, rows, user) -> None:
    practice.organisations.set([pk for (pk,) in rows])


def _describe_authors(rows) -> str:
    names = organisation_names(pk for (pk,) in rows)
    return ", ".join(organisation_label(names, pk) for (pk,) in rows)


def _read_projects(practice) -> list:
    return id_rows(
        Practice.projects.through.objects.filter(practice_id=practice.pk).values_list("project_id", flat=True)
    )


def _existing_projects(rows) -> list[int]:
    ids = [pk for (pk,) in rows]
    return list(Project.objects.filter(pk__in=ids).values_list("pk", flat=True))


def _write_projects(practice, rows, user) -> None:
    practice.projects.set(_existing_projects(rows))  # a project deleted since cannot come back (``lost``)


def _project_titles(ids) -> dict[int, str]:
    def load(keys):
        return {pk: localize(title) for pk, title in Project.objects.filter(pk__in=keys).values_list("pk", "title")}

    return lookup("practice project", ids, load)


def _describe_projects(rows) -> str:
    titles = _project_titles([pk for (pk,) in rows])
    return ", ".join(titles.get(pk) or _("(deleted, #%(id)s)") % {"id": pk} for (pk,) in rows)


def _lost_projects(rows) -> list[str]:
    gone = sorted({pk for (pk,) in rows} - set(_existing_projects(rows)))
    if not gone:
        return []
    return [
        _("Projects deleted since cannot come back with this version (#%(ids)s).")
        % {"ids": ", #".join(str(pk) for pk in gone)}
    ]


def register_relations() -> None:
    register(
        Practice,
        [
            Relation(
                "organisations",
                gettext_lazy("Authors"),
                _read_authors,
                _write_authors,
                _describe_authors,
                missing=lambda rows: missing_organisations(pk for (pk,) in rows),
                organisation_column=0,
            ),
            Relation(
                "projects",
                gettext_lazy("Projects"),
                _read_projects,
                _write_projects,
                _describe_projects,
                lost=_lost_projects,
            ),
        ],
        not_kept=gettext_lazy(
            "Documents and the publication state are not part of a version: restoring one leaves them as they are."
        ),
    )
