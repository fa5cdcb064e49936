"""A small world for the practice tests: Paris and Dakar in a partnership with a project, an editor of Paris."""

from datetime import date

from coopdec.cooperation import services as cooperation_services
from coopdec.cooperation.models import IndicatorValueStatus
from coopdec.knowledge import services
from tests import factories


def world():
    paris = factories.make_organisation("Ville de Paris")
    dakar = factories.make_organisation("Ville de Dakar", geonameid=2253354)
    lyon = factories.make_organisation("Ville de Lyon", geonameid=2996944)
    editor = factories.make_member(paris)
    partnership = factories.make_partnership(paris, dakar)
    project = factories.make_project(partnership=partnership, lead=paris)
    return {"paris": paris, "dakar": dakar, "lyon": lyon, "editor": editor, "project": project}


def make_practice(w, *, publish=False, **fields):
    defaults = {
        "title": {"fr": "Comités de l'eau", "en": "Water committees"},
        "summary": {
            "fr": "Des comités d'usagers gèrent les bornes-fontaines.",
            "en": "Users' committees run the taps.",
        },
        "organisations": [w["paris"]],
        "projects": [w["project"]],
        "axes": ["water-sanitation"],
        "sectors": ["14030"],
        "sdgs": ["6"],
        "countries": ["SN"],
    }
    defaults.update(fields)
    practice = services.practice_create(user=w["editor"], **defaults)
    if publish:
        services.practice_publish(practice=practice, user=None)
    return practice


def add_results(project):
    """A result with an indicator and two values: one approved, one still submitted."""
    result = cooperation_services.result_create(project=project, title={"fr": "Accès à l'eau"})
    indicator = cooperation_services.indicator_create(result=result, title={"fr": "Foyers raccordés"})
    approved = cooperation_services.indicator_value_set(
        indicator=indicator, period_start=date(2024, 1, 1), period_end=date(2024, 12, 31), actual=120
    )
    pending = cooperation_services.indicator_value_set(
        indicator=indicator, period_start=date(2025, 1, 1), period_end=date(2025, 12, 31), actual=987654
    )
    type(pending).objects.filter(pk=pending.pk).update(status=IndicatorValueStatus.SUBMITTED)
    return approved, pending
