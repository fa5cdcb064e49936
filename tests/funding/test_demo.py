"""The demo call: applications at each stage, made through the services; a second run creates nothing."""

import pytest
from django.core.management import call_command

from coopdec.funding.models import Application, Call, Tranche

pytestmark = pytest.mark.django_db


def test_demo_call_has_an_application_at_each_stage():
    call_command("demo_data", verbosity=0)
    call = Call.objects.get(is_demo=True)
    assert call.title["fr"] == "Appel à projets jeunesse 2027"
    statuses = sorted(Application.objects.filter(call=call).values_list("status", flat=True))
    assert statuses == ["awarded", "draft", "review", "submitted"]
    assert Tranche.objects.filter(application__call=call).exclude(released_at=None).count() == 1
    call_command("demo_data", verbosity=0)
    assert Call.objects.count() == 1
    assert Application.objects.count() == 4
