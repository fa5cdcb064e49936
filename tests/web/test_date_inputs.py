"""Every day field is a browser date picker whose value is ISO whatever the reader's language: a
value written the French way ("01/03/2026") shows an empty picker, and the day is lost on saving."""

import importlib
from datetime import date

import pytest
from django import forms
from django.apps import apps
from django.urls import reverse
from django.utils import translation

from tests.funding.helpers import make_world


def _form_classes():
    for config in apps.get_app_configs():
        if config.name.startswith("coopdec."):
            try:
                importlib.import_module(f"{config.name}.forms")
            except ModuleNotFoundError:
                continue
    found, todo = set(), [forms.Form, forms.ModelForm]
    while todo:
        for subclass in todo.pop().__subclasses__():
            if subclass not in found:
                found.add(subclass)
                todo.append(subclass)
    return sorted((cls for cls in found if cls.__module__.startswith("coopdec.")), key=lambda cls: cls.__qualname__)


def test_every_date_field_of_every_form_is_an_iso_date_picker():
    fields = [
        (f"{cls.__module__}.{cls.__qualname__}.{name}", field.widget)
        for cls in _form_classes()
        for name, field in cls.base_fields.items()
        if isinstance(field, forms.DateField)
    ]
    assert len(fields) >= 20  # the walk finds the forms (calls, projects, declarations, offers...)
    wrong = [name for name, widget in fields if widget.input_type != "date" or widget.format != "%Y-%m-%d"]
    assert wrong == []
    with translation.override("fr"):
        assert fields[0][1].format_value(date(2026, 3, 1)) == "2026-03-01"


@pytest.mark.django_db
def test_a_funder_editing_a_call_in_french_sees_its_dates(client):
    world = make_world()
    client.force_login(world.funder_editor)
    page = client.get(reverse("funding:call_edit", args=[world.call.pk]), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert 'lang="fr"' in page
    assert f'name="deadline" value="{world.call.deadline.isoformat()}"' in page
    assert f'name="opens_on" value="{world.call.opens_on.isoformat()}"' in page
