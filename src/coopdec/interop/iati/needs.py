"""What a project still lacks for its IATI activity, said to its editors on the project page."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from coopdec.actors.models import Organisation
from coopdec.cooperation.models import Project

from .exporter import (
    _participants,
    _projects,
    _related,
    organisation_ref,
    recipient_countries,
    reporter_of,
)


@dataclass(frozen=True)
class Need:
    text: str
    url: str = ""  # where to fix it, when it is another page


def iati_needs(project: Project) -> list[Need]:
    """Each thing the IATI export of ``project`` misses or leaves out, in the order to fix them."""
    project = _projects([project.pk]).first() or project
    reporter = reporter_of(project, project.lead_organisation or Organisation())
    needs = []
    if reporter.pk and not organisation_ref(reporter):
        needs.append(
            Need(
                _(
                    "IATI needs an organisation identifier for %(name)s (add it on its page): until then "
                    "the project is left out of the IATI files."
                )
                % {"name": reporter.name},
                reporter.get_absolute_url(),
            )
        )
    seen = {reporter.pk}
    for organisation, _role, _their_id in _participants(project, reporter):
        if organisation.pk not in seen and not organisation_ref(organisation):
            needs.append(
                Need(
                    _("IATI needs an organisation identifier for %(name)s (add it on its page).")
                    % {"name": organisation.name},
                    organisation.get_absolute_url(),
                )
            )
        seen.add(organisation.pk)
    if not any((project.planned_start, project.actual_start, project.planned_end, project.actual_end)):
        needs.append(Need(_("No date: add the planned start (IATI requires a date).")))
    if not _related(project, "budgets") and not _related(project, "contributions"):
        needs.append(Need(_("No budget: add the contributions of the parties and funders.")))
    if not recipient_countries(project):
        needs.append(Need(_("No recipient country: add a place where the project takes place.")))
    if not _related(project, "sectors"):
        needs.append(Need(_("No sector: add one.")))
    return needs
