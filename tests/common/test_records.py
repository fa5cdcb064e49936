"""The shared history's reasons: each app registers its own codes, one meaning per code."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy, override

from coopdec.common import records
from coopdec.knowledge.apps import REASONS as KNOWLEDGE_REASONS


def test_an_apps_reasons_are_named_in_the_readers_language():
    assert records.REASONS["review requested"] is KNOWLEDGE_REASONS["review requested"]
    with override("fr"):
        assert records.reason_label("published") == "publication"
    assert records.reason_label("an unknown code") == "an unknown code"


def test_a_code_registered_again_with_another_label_is_refused(monkeypatch):
    monkeypatch.setattr(records, "REASONS", dict(records.REASONS))
    records.register_reasons(KNOWLEDGE_REASONS)  # the same labels again: nothing to refuse
    with pytest.raises(ImproperlyConfigured, match="published"):
        records.register_reasons({"published": gettext_lazy("put online"), "new code": gettext_lazy("new")})
    assert "new code" not in records.REASONS
