"""`make demo` ends by printing the demo accounts one can sign in as, the same passwords on every run."""

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

pytestmark = pytest.mark.django_db

User = get_user_model()
LINE = re.compile(r"^  (\S+) +(\S+) +(.+)$", re.MULTILINE)


def _accounts() -> dict[str, str]:
    output = StringIO()
    call_command("demo_accounts", stdout=output)
    return {username: password for username, password, _role in LINE.findall(output.getvalue())}


def test_every_demo_persona_gets_a_password_that_signs_in_and_stays(settings, tmp_path, client):
    settings.VAR_DIR = tmp_path
    call_command("demo_setup", stdout=StringIO())
    call_command("demo_data", stdout=StringIO())
    first = _accounts()
    assert set(first) == {
        "admin",
        "coordinator-fr",
        "chambery-demo",
        "partner-demo",
        "poitiers-demo",
        "funder-demo",
        "reviewer-demo",
        "demo-participant-louga-1",
    }
    assert _accounts() == first  # kept in the var folder, printed again
    for username, password in first.items():
        assert client.login(username=username, password=password), username
    assert (tmp_path / "demo_funder-demo_password").stat().st_mode & 0o777 == 0o600
    # the other invented participants still cannot sign in
    assert not User.objects.get(username="demo-participant-louga-2").has_usable_password()


def test_a_password_changed_by_hand_is_replaced_and_printed(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    call_command("demo_data", stdout=StringIO())
    before = _accounts()["funder-demo"]
    funder = User.objects.get(username="funder-demo")
    funder.set_password("changed by hand")
    funder.save()
    after = _accounts()["funder-demo"]
    assert after != before
    funder.refresh_from_db()
    assert funder.check_password(after)


def test_before_the_demo_data_it_says_what_to_run(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    output = StringIO()
    call_command("demo_accounts", stdout=output)
    assert "run `coopdec demo_setup` and `coopdec demo_data` first" in output.getvalue()
    assert not list(tmp_path.iterdir())
