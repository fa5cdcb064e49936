import pytest
from django.core.management import call_command

from coopdec.actors.models import Organisation
from coopdec.cooperation.models import Contribution, IndicatorValue, Partnership, Project

pytestmark = pytest.mark.django_db


def test_demo_data_marked_demo_and_idempotent(client):
    call_command("demo_data")
    counts = (
        Organisation.objects.count(),
        Partnership.objects.count(),
        Project.objects.count(),
        Contribution.objects.count(),
        IndicatorValue.objects.count(),
    )
    # The cooperation demo's 8 organisations, 3 partnerships and 3 projects; the call's funder (funding), the
    # youth project it funds and the strategy's sanitation project; their contributions and the indicator
    # values of the results, strategy and call demos.
    assert counts == (9, 3, 5, 21, 16)
    assert set(Organisation.objects.values_list("is_demo", "source")) == {(True, "demo")}
    assert set(Project.objects.values_list("is_demo", "source", "publication_status")) == {(True, "demo", "published")}
    louga = Organisation.objects.get(name="Commune de Louga")
    assert (louga.country_id, louga.population) == ("SN", louga.locality.population)
    call_command("demo_data")
    assert (
        Organisation.objects.count(),
        Partnership.objects.count(),
        Project.objects.count(),
        Contribution.objects.count(),
        IndicatorValue.objects.count(),
    ) == counts
    page = client.get(Project.objects.get(source_ref="project-louga-water").get_absolute_url()).content.decode()
    assert 'class="badge demo"' in page


def test_demo_data_takes_the_registered_record_of_a_place():
    from tests.factories import make_organisation

    louga = make_organisation("Louga", geonameid=2249222)  # as the twin-towns import registers it

    call_command("demo_data")

    assert Organisation.objects.filter(locality_id=2249222, kind="municipality").get() == louga
    louga.refresh_from_db()
    assert (louga.name, louga.is_demo) == ("Louga", False)  # the register's record is left as it is
    agreement = Partnership.objects.get(source_ref="partnership-chambery-louga")
    assert louga in agreement.parties.all()
    assert Organisation.objects.filter(is_demo=True).count() == 8  # Louga is the register's, the funder is new
