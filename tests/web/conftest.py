from io import StringIO

import pytest
from django.core.management import call_command


@pytest.fixture
def demo(settings, tmp_path):
    """The demonstration (`make demo`'s last two steps) on the test database's reference slice."""
    settings.VAR_DIR = tmp_path
    call_command("demo_setup", stdout=StringIO())
    call_command("demo_data", stdout=StringIO())
