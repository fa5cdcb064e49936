from io import StringIO

import pytest
from django.core.management import call_command

from coopdec.atlas.models import SearchDocument
from coopdec.knowledge.models import Practice

pytestmark = pytest.mark.django_db(transaction=False)


def test_demo_data_publishes_practices_tied_to_the_demo_projects(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo_data", stdout=StringIO())
    practices = Practice.objects.order_by("source_ref")
    assert [(p.source_ref, p.is_demo, p.is_published) for p in practices] == [
        ("practice-louga-water-committees", True, True),
        ("practice-network-composting", True, True),
    ]
    louga = practices[0]
    assert [p.source_ref for p in louga.projects.all()] == ["project-louga-water"]
    assert sorted(o.name for o in louga.organisations.all()) == ["Commune de Louga", "Ville de Chambéry"]
    assert SearchDocument.objects.filter(record_type="practice").count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo_data", stdout=StringIO())
    assert Practice.objects.count() == 2
