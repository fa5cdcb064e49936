import csv
import io
import json
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from coopdec.cooperation.models import Contribution
from tests.factories import make_member, make_organisation, make_project, make_user

from .factories import make_campaign, make_declaration

pytestmark = pytest.mark.django_db


def _call(*args) -> str:
    out = io.StringIO()
    call_command("aid_declaration", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def lyon():
    return make_organisation("Lyon", geonameid=2996944)


def test_prefill_prints_the_proposal_as_json(lyon):
    project = make_project(lead=lyon)
    Contribution.objects.create(project=project, organisation=lyon, amount=Decimal("5000"), currency="EUR", year=2025)
    data = json.loads(_call("prefill", "--organisation", str(lyon.pk), "--year", "2025", "--json"))
    assert set(data) == {"organisation", "year", "currency", "lines", "totals", "notes"}
    assert (data["organisation"], data["year"], data["currency"], data["notes"]) == (lyon.pk, 2025, "EUR", [])
    assert data["totals"] == {"gross": {"EUR": "5000.00"}, "cofinancing_received": {}}
    assert [
        (line["amount"], line["sector"], line["recipient"], line["source"], line["project"]) for line in data["lines"]
    ] == [("5000.00", "14030", "unallocated", "contribution", project.pk)]
    assert not lyon.aid_declarations.exists()


def test_prefill_prints_a_table_with_notes(lyon):
    output = _call("prefill", "--organisation", str(lyon.pk), "--year", "2024")
    assert output.splitlines()[:2] == [
        "Lyon – 2024, amounts in EUR (0 lines)",
        "recipient  sector  channel  aid type  amount  co-financing  original  project",
    ]
    assert (
        "note: The register holds no disbursement, expenditure or contribution of this organisation dated 2024"
        in output
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["prefill", "--organisation", "999999", "--year", "2025"], "no organisation with id 999999"),
        (["prefill", "--organisation", "{lyon}", "--year", "2999"], "2999 is in the future"),
        (
            ["export", "--year", "2024", "--country", "fr", "--output", "x.csv"],
            "no aid declaration campaign for FR in 2024",
        ),
        (["remind", "--campaign", "999999"], "no aid declaration campaign with id 999999"),
    ],
)
def test_command_refuses_bad_arguments(lyon, args, message):
    with pytest.raises(CommandError, match=message):
        _call(*[arg.format(lyon=lyon.pk) for arg in args])


def test_export_writes_the_campaign_file(lyon, tmp_path):
    campaign = make_campaign()
    make_declaration(campaign, lyon, {"original_amount": "250"}, submit=True)
    path = tmp_path / "crs.csv"
    assert _call("export", "--year", "2025", "--country", "FR", "--format", "crs", "--output", str(path)) == (
        f"FR 2025: written to {path}\n"
    )
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert [(row["donor_name"], row["amount"], row["purpose_code"]) for row in rows] == [("Lyon", "250.00", "14030")]


def test_remind_mails_the_editors_of_organisations_not_submitted_in_their_language(
    lyon, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://coopdec.example/"
    campaign = make_campaign()
    paris = make_organisation("Paris", languages=["fr"])
    nantes = make_organisation("Nantes", geonameid=2990969)
    make_member(lyon, user=make_user("lyon-editor"))
    make_member(paris, user=make_user("paris-editor"))
    make_member(nantes, user=make_user("nantes-editor"))
    make_declaration(campaign, lyon, {}, submit=True)
    draft = make_declaration(campaign, paris, {})
    assert _call("remind", "--campaign", str(campaign.pk), "--dry-run") == (
        "2 reminders would be sent to the editors of 2 organisations\n"
    )
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):  # the mail task is queued on commit
        assert _call("remind", "--campaign", str(campaign.pk)) == "2 reminders sent to the editors of 2 organisations\n"
    assert [(message.to, message.subject) for message in mail.outbox] == [
        (["nantes-editor@example.org"], "Aid declaration 2025: Nantes has not submitted yet"),
        (["paris-editor@example.org"], "Déclaration d’aide 2025 : Paris n’a pas encore soumis sa déclaration"),
    ]
    assert f"https://coopdec.example/declarations/{draft.pk}/" in mail.outbox[1].body
    assert (
        "closes on May 31, 2026.\n\nPrepare and submit it here:\nhttps://coopdec.example/declarations/\n"
        in mail.outbox[0].body
    )
