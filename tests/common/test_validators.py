"""Names are one line without control or text-direction characters, multilingual texts are bounded:
refused on every entry path that a person types into (services, web forms, API), cleaned by the
imports; an invitation mail goes out whatever the organisation's name holds."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from coopdec.actors import services as actor_services
from coopdec.actors.models import Invitation, Organisation
from coopdec.common.validators import I18nTextValidator, clean_line, clean_text, validate_line, validate_text
from coopdec.cooperation import services as cooperation_services
from coopdec.interop.spreadsheet.services import spreadsheet_import, spreadsheet_parse
from tests import factories
from tests.api.conftest import bearer

pytestmark = pytest.mark.django_db

ONE_LINE = "Write this on one line, without line breaks, control or text-direction characters."
RLO = "\u202e"


@pytest.mark.parametrize(
    "name",
    [
        "Ville\nde Lyon",
        "Ville\r de Lyon",
        f"Ville {RLO}noyL",
        "Ville\u2066 de Lyon\u2069",
        "Ville\x00",
        "Ville\x1b[31m",
    ],
)
def test_validate_line_refuses_breaks_controls_and_bidi_overrides(name):
    with pytest.raises(ValidationError) as refused:
        validate_line(name)
    assert refused.value.messages == [ONE_LINE]


def test_validate_line_accepts_any_script():
    for name in ("Ville de Saint-Étienne", "مدينة الرباط", "東京都", "Ouagadougou\u00a0(BF)"):
        validate_line(name)


def test_validate_text_keeps_line_breaks_and_refuses_other_controls_and_bidi_overrides():
    validate_text("Bonjour,\r\nnous proposons\tun jumelage.")
    for text in (f"Bonjour {RLO}", "Bonjour\x00", "Bonjour\x1b[31m", "Bonjour\u2028"):
        with pytest.raises(ValidationError) as refused:
            validate_text(text)
        assert refused.value.messages == ["Remove the control or text-direction characters from this text."]


def test_i18n_text_is_bounded_per_language():
    validator = I18nTextValidator(500)
    validator({"fr": "x" * 500})
    with pytest.raises(ValidationError) as refused:
        validator({"fr": "court", "en": "x" * 501})
    assert refused.value.messages == ["The text in “en” has 501 characters; at most 500 are accepted."]
    I18nTextValidator(2000, multiline=True)({"fr": "Un paragraphe.\r\nUn autre."})
    with pytest.raises(ValidationError):
        I18nTextValidator(2000, multiline=True)({"fr": f"Un {RLO}paragraphe"})


def test_clean_line_and_clean_text_make_imports_valid():
    assert clean_line(f"  Ville\r\nde\t{RLO}Lyon\x00  ") == "Ville de Lyon"
    assert clean_line("x" * 300) == "x" * 255
    assert clean_text(f"Un\r\nDeux{RLO}\x07") == "Un\nDeux"


def test_organisation_service_refuses_a_name_with_a_line_break_or_too_long():
    with pytest.raises(ValidationError) as refused:
        actor_services.organisation_create(name="Ville\nde Lyon", kind="ngo", country="FR", make_admin=False)
    assert refused.value.message_dict == {"name": [ONE_LINE]}
    with pytest.raises(ValidationError) as too_long:
        actor_services.organisation_create(name="x" * 256, kind="ngo", country="FR", make_admin=False)
    assert list(too_long.value.message_dict) == ["name"]
    assert not Organisation.objects.filter(kind="ngo").exists()


def test_project_and_partnership_texts_are_bounded_and_one_line_titles():
    paris, dakar = factories.make_organisation(), factories.make_organisation("Ville de Dakar", geonameid=2253354)
    with pytest.raises(ValidationError) as refused:
        cooperation_services.partnership_create(parties=[paris, dakar], title={"fr": f"Jumelage {RLO}"})
    assert refused.value.message_dict == {"title": [ONE_LINE]}
    partnership = factories.make_partnership(paris, dakar)
    with pytest.raises(ValidationError) as too_long:
        cooperation_services.project_create(
            partnership=partnership, title={"fr": "Eau"}, description={"fr": "x" * 20_001}
        )
    assert too_long.value.message_dict == {
        "description": ["The text in “fr” has 20001 characters; at most 20000 are accepted."]
    }


def test_web_form_shows_the_refusal_instead_of_failing(client):
    client.force_login(factories.make_user())
    response = client.post(
        "/organisations/new/",
        {"name": f"Association {RLO}", "kind": "ngo", "country": "FR"},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 200
    assert ONE_LINE in response.content.decode()
    assert not Organisation.objects.filter(kind="ngo").exists()


def test_api_refuses_a_name_with_a_bidi_override(client):
    response = client.post(
        "/api/v1/organisations",
        {"name": f"Association {RLO}", "kind": "ngo", "country": "FR"},
        content_type="application/json",
        headers=bearer(factories.make_user()),
    )
    assert response.status_code == 400
    assert response.json()["details"][0]["field"] == "name"


def test_spreadsheet_import_cleans_names_and_titles_rather_than_refusing():
    data = (
        "organisation_1,kind_1,city_1,country_1,organisation_2,kind_2,city_2,country_2,title\n"
        f'"Asso\nciation {RLO}des amis",ngo,,FR,"Autre\tassociation",ngo,,SN,"Titre\x0bsur {RLO}deux"\n'
    ).encode()
    summary = spreadsheet_import(spreadsheet_parse(data, filename="x.csv"))
    assert summary.organisations_created == 2
    assert sorted(Organisation.objects.filter(kind="ngo").values_list("name", flat=True)) == [
        "Asso ciation des amis",
        "Autre association",
    ]


def test_invitation_mail_goes_out_when_the_name_holds_a_line_break(client, django_capture_on_commit_callbacks):
    organisation = factories.make_organisation()
    Organisation.objects.filter(pk=organisation.pk).update(name="Ville de\nParis")  # typed before validation
    client.force_login(factories.make_member(organisation, role="admin"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/organisations/{organisation.pk}/members/",
            {"email": "new@example.org", "role": "editor"},
            headers={"Accept-Language": "en"},
        )
    assert response.status_code == 302
    assert Invitation.objects.filter(email="new@example.org").count() == 1
    assert [message.subject for message in mail.outbox] == [
        "Invitation to keep Ville de Paris's cooperation up to date"
    ]
