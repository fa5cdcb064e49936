"""Reminders of results monitoring: who is reminded of what, once, in which language; the command's counts."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from django.utils.formats import date_format

from coopdec.cooperation import monitoring
from coopdec.cooperation.models import ActivityStatus, IndicatorValue, IndicatorValueStatus, ResultReminder
from coopdec.cooperation.reminders import results_reminders_send
from tests.factories import make_member, make_organisation, make_partnership, make_project, make_user

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


@pytest.fixture
def world(settings):
    settings.SITE_URL = "https://coopdec.example/"
    settings.RESULTS_REMINDER_DAYS = 14
    paris = make_organisation("Ville de Paris")
    dakar = make_organisation("Ville de Dakar", geonameid=2253354)
    project = make_project(partnership=make_partnership(paris, dakar), lead=paris)
    paris_editor = make_member(paris, user=make_user("paris-editor"))
    result = monitoring.result_save(project=project, title={"en": "Drinking water"}, user=paris_editor)
    indicator = monitoring.indicator_save(result=result, title={"en": "Households connected"}, user=paris_editor)
    return {
        "paris": paris,
        "dakar": dakar,
        "project": project,
        "indicator": indicator,
        "paris_editor": paris_editor,
        "dakar_editor": make_member(dakar, user=make_user("dakar-editor")),
    }


def _period(world, *, due, year=2025, indicator=None) -> IndicatorValue:
    return monitoring.period_save(
        indicator=indicator or world["indicator"],
        period_start=datetime.date(year, 1, 1),
        period_end=datetime.date(year, 12, 31),
        due_date=due,
        user=world["paris_editor"],
    ).value


def _submitted(world, *, days_ago: int, year=2025) -> IndicatorValue:
    value = _period(world, due=TODAY - 20 * DAY, year=year)
    monitoring.update_save(value=value, actual="40", submit=True, user=world["paris_editor"])
    IndicatorValue.objects.filter(pk=value.pk).update(submitted_at=timezone.now() - days_ago * DAY)
    return value


def _run(capture, **options):
    with capture(execute=True):  # the mail task is queued when the run's transaction commits
        return results_reminders_send(**options)


def _sent(mailoutbox):
    return [(message.to[0].split("@")[0], message.subject) for message in mailoutbox]


def test_reminders_editors_of_every_party_before_the_due_date(world, mailoutbox, django_capture_on_commit_callbacks):
    value = _period(world, due=TODAY + 10 * DAY)
    _period(world, due=TODAY + 15 * DAY, year=2026)  # beyond the 14 days: not yet
    _run(django_capture_on_commit_callbacks)
    assert _sent(mailoutbox) == [
        ("dakar-editor", "Results to report or approve: 1 reminder"),
        ("paris-editor", "Results to report or approve: 1 reminder"),
    ]
    body = mailoutbox[0].body
    assert "Reports due soon: enter the actual of these periods" in body
    assert (
        "Access to drinking water – Households connected, Jan. 1, 2025 – Dec. 31, 2025. "
        f"Due on {date_format(value.due_date)}.\n" in body
    )
    assert (
        f"https://coopdec.example/projects/{world['project'].pk}/results/{world['indicator'].result_id}/indicators/"
    ) in body
    assert "https://coopdec.example/account/reminders/" in body
    assert ResultReminder.objects.filter(value=value, stage="due_soon", occasion=value.due_date).count() == 2


def test_reminders_overdue_periods_without_a_submitted_update(world, mailoutbox, django_capture_on_commit_callbacks):
    late = _period(world, due=TODAY - DAY)
    monitoring.update_save(value=late, actual="12", user=world["paris_editor"])  # entered, never submitted
    done = _period(world, due=TODAY - DAY, year=2024)
    monitoring.update_save(value=done, actual="10", submit=True, user=world["paris_editor"])
    _run(django_capture_on_commit_callbacks)
    assert [name for name, _subject in _sent(mailoutbox)] == ["dakar-editor", "paris-editor"]
    body = mailoutbox[1].body
    assert "Reports overdue: the due date has passed and no update was submitted." in body
    assert "Jan. 1, 2025 – Dec. 31, 2025" in body and "Jan. 1, 2024" not in body
    assert "Was due on " in body and "Reports due soon" not in body
    assert list(ResultReminder.objects.values_list("value_id", "stage").distinct()) == [(late.pk, "overdue")]


def test_reminders_approvers_of_updates_waiting_over_a_week_never_the_author(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    old = _submitted(world, days_ago=8)
    _submitted(world, days_ago=6, year=2024)  # waiting for less than a week: not yet
    make_member(world["paris"], user=make_user("paris-second"))  # a party, not the approver
    with django_capture_on_commit_callbacks(execute=True):
        pass
    mailoutbox.clear()  # the mails of the submissions themselves
    _run(django_capture_on_commit_callbacks)
    assert _sent(mailoutbox) == [("dakar-editor", "Results to report or approve: 1 reminder")]
    body = mailoutbox[0].body
    assert "Updates waiting for your approval for more than 7 days: approve them, or return them" in body
    assert f"https://coopdec.example/projects/{world['project'].pk}/updates/{old.pk}/" in body
    assert "Submitted on " in body


def test_an_indicator_with_its_own_approver_reminds_that_organisation_only(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    _submitted(world, days_ago=9)  # approved by default by the other party, Dakar
    own = monitoring.indicator_save(
        result=world["indicator"].result, title={"en": "Schools"}, approver=world["paris"], user=world["paris_editor"]
    )
    value = _period(world, due=TODAY - 20 * DAY, indicator=own)
    monitoring.update_save(value=value, actual="4", submit=True, user=world["dakar_editor"])
    IndicatorValue.objects.filter(pk=value.pk).update(submitted_at=timezone.now() - 9 * DAY)
    mailoutbox.clear()
    sent = _run(django_capture_on_commit_callbacks)
    assert [(digest.user.username, [item.value.indicator_id for item in digest.items]) for digest in sent] == [
        ("dakar-editor", [world["indicator"].pk]),
        ("paris-editor", [own.pk]),
    ]


def test_one_mail_per_person_lists_every_stage(world, mailoutbox, django_capture_on_commit_callbacks):
    _period(world, due=TODAY + 3 * DAY, year=2026)
    _period(world, due=TODAY - 3 * DAY, year=2024)
    _submitted(world, days_ago=10)
    mailoutbox.clear()
    sent = _run(django_capture_on_commit_callbacks)
    assert [(digest.user.username, [item.stage for item in digest.items]) for digest in sent] == [
        ("dakar-editor", ["overdue", "due_soon", "waiting"]),
        ("paris-editor", ["overdue", "due_soon"]),
    ]
    assert _sent(mailoutbox) == [
        ("dakar-editor", "Results to report or approve: 3 reminders"),
        ("paris-editor", "Results to report or approve: 2 reminders"),
    ]
    body = mailoutbox[0].body  # the most urgent first
    assert body.index("Reports overdue") < body.index("Reports due soon") < body.index("Updates waiting for your")


def test_a_second_run_sends_nothing_and_an_interrupted_run_sends_the_rest(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    value = _period(world, due=TODAY + 5 * DAY)
    # A run stopped after the mail of the Dakar editor: only the Paris editor is left.
    ResultReminder.objects.create(value=value, user=world["dakar_editor"], stage="due_soon", occasion=value.due_date)
    _run(django_capture_on_commit_callbacks)
    assert [name for name, _subject in _sent(mailoutbox)] == ["paris-editor"]
    assert _run(django_capture_on_commit_callbacks) == []
    assert len(mailoutbox) == 1
    # A new due date is a new reminder.
    value.due_date = TODAY + 6 * DAY
    value.save(update_fields=["due_date"])
    _run(django_capture_on_commit_callbacks)
    assert [name for name, _subject in _sent(mailoutbox)[1:]] == ["dakar-editor", "paris-editor"]


def test_the_mail_speaks_the_working_language_of_the_recipients_organisation(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    world["paris"].languages = ["fr"]
    world["paris"].save()
    world["dakar"].languages = ["wo", "es"]  # Wolof is not spoken by the site: the next one
    world["dakar"].save()
    _period(world, due=TODAY - DAY)
    _run(django_capture_on_commit_callbacks)
    assert _sent(mailoutbox) == [
        ("dakar-editor", "Resultados por informar o aprobar: 1 recordatorio"),
        ("paris-editor", "Résultats à rapporter ou à approuver : 1 rappel"),
    ]
    assert "Rapports en retard : l’échéance est passée" in mailoutbox[1].body
    assert "Accès à l'eau potable" in mailoutbox[1].body  # the project's French title
    assert "Pour ne plus recevoir ces rappels :" in mailoutbox[1].body


def test_nobody_inactive_opted_out_or_without_address_and_no_draft_or_ended_project(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    world["paris_editor"].is_active = False
    world["paris_editor"].save()
    world["dakar_editor"].results_reminders = False
    world["dakar_editor"].save()
    no_address = make_member(world["dakar"], user=make_user("no-address"))
    no_address.email = ""
    no_address.save()
    _period(world, due=TODAY - DAY)
    _run(django_capture_on_commit_callbacks)
    assert mailoutbox == []
    world["dakar_editor"].results_reminders = True
    world["dakar_editor"].save()
    for change in ({"publication_status": "draft"}, {"status": ActivityStatus.CLOSED}):
        type(world["project"]).objects.filter(pk=world["project"].pk).update(**change)
        assert _run(django_capture_on_commit_callbacks) == []
        type(world["project"]).objects.filter(pk=world["project"].pk).update(
            publication_status="published", status=ActivityStatus.IMPLEMENTATION
        )
    IndicatorValue.objects.update(status=IndicatorValueStatus.APPROVED)  # a closed period
    assert _run(django_capture_on_commit_callbacks) == []
    assert mailoutbox == [] and ResultReminder.objects.count() == 0


def test_command_prints_the_counts_and_dry_run_sends_and_records_nothing(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    _period(world, due=TODAY + 3 * DAY, year=2026)
    _period(world, due=TODAY - 3 * DAY, year=2024)
    _submitted(world, days_ago=10)
    mailoutbox.clear()
    out = StringIO()
    call_command("results_reminders", "--dry-run", stdout=out)
    assert out.getvalue() == (
        "2 e-mails would be sent: 2 reports due soon, 2 overdue, 1 updates waiting for approval\n"
    )
    assert (mailoutbox, ResultReminder.objects.count()) == ([], 0)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("results_reminders", stdout=(out := StringIO()))
    assert out.getvalue() == "2 e-mails sent: 2 reports due soon, 2 overdue, 1 updates waiting for approval\n"
    assert len(mailoutbox) == 2
    call_command("results_reminders", stdout=(out := StringIO()))
    assert out.getvalue() == "0 e-mails sent: 0 reports due soon, 0 overdue, 0 updates waiting for approval\n"


def test_a_person_turns_the_reminders_off_and_on(client, world):
    user = world["paris_editor"]
    client.force_login(user)
    page = client.get("/account/reminders/")
    assert page.status_code == 200
    assert b'name="results_reminders"' in page.content and b"checked" in page.content
    assert client.post("/account/reminders/", {}).status_code == 302
    user.refresh_from_db()
    assert user.results_reminders is False
    client.post("/account/reminders/", {"results_reminders": "on"})
    user.refresh_from_db()
    assert user.results_reminders is True
