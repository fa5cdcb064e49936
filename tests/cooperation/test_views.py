"""The permission matrix through the HTTP views, and the record pages as a person uses them."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from coopdec.actors.models import Organisation
from coopdec.cooperation import services
from coopdec.cooperation.models import Partnership, Project
from tests.cooperation.test_rules import PERSONAS, build_world, record_for
from tests.factories import (
    make_member,
    make_organisation,
    make_partnership,
    make_project,
    make_user,
)

pytestmark = pytest.mark.django_db

URL_PREFIX = {
    "organisation": "actors:organisation",
    "partnership": "cooperation:partnership",
    "project": "cooperation:project",
}

# What each persona gets over HTTP: ok (200, or a redirect after success), login (sent to sign in),
# forbidden (403), missing (404: a draft one may not see does not exist for them).
EXPECTED_HTTP = {
    "anonymous": {
        "view_draft": "missing",
        "view_published": "ok",
        "edit": "login",
        "delete": "login",
        "manage_members": "login",
    },
    "unrelated_member": {
        "view_draft": "missing",
        "view_published": "ok",
        "edit": "forbidden",
        "delete": "forbidden",
        "manage_members": "forbidden",
    },
    "party_editor": {
        "view_draft": "ok",
        "view_published": "ok",
        "edit": "ok",
        "delete": "forbidden",
        "manage_members": "forbidden",
    },
    "party_admin": {"view_draft": "ok", "view_published": "ok", "edit": "ok", "delete": "ok", "manage_members": "ok"},
    "coordinator": {"view_draft": "ok", "view_published": "ok", "edit": "ok", "delete": "ok", "manage_members": "ok"},
}


def outcome(response) -> str:
    if response.status_code == 302:
        return "login" if response["Location"].startswith("/accounts/login/") else "ok"
    return {200: "ok", 403: "forbidden", 404: "missing"}[response.status_code]


def request_action(client, record_type, record, action, extra):
    prefix = URL_PREFIX[record_type]
    if action.startswith("view"):
        return client.get(reverse(f"{prefix}_detail", args=[record.pk]))
    if action == "edit":
        return client.get(reverse(f"{prefix}_update", args=[record.pk]))
    if action == "delete":
        return client.get(reverse(f"{prefix}_delete", args=[record.pk]))
    if record_type == "organisation":
        # Managing members: changing a member's role (editors may only invite editors).
        membership = record.memberships.first()
        return client.post(reverse("actors:membership_change", args=[record.pk, membership.pk]), {"role": "editor"})
    # Partnerships: "manage members" is adding a party.
    return client.post(
        reverse("cooperation:party_add", args=[record.pk]), {"organisations": [extra.pk], "role": "partner"}
    )


@pytest.mark.parametrize("record_type", ["organisation", "partnership"])
def test_permission_matrix_http_matches_expectations(client, record_type):
    draft_users, drafts = build_world(published=False)
    users, published = build_world(published=True)
    extra = make_organisation("Ville de Thiès", geonameid=2244802)
    got = {}
    for persona in PERSONAS:
        got[persona] = {}
        for action in EXPECTED_HTTP[persona]:
            client.logout()
            actor = (draft_users if action == "view_draft" else users)[persona]
            if actor.is_authenticated:
                client.force_login(actor)
            record = record_for(drafts if action == "view_draft" else published, record_type, persona)
            got[persona][action] = outcome(request_action(client, record_type, record, action, extra))
    assert got == EXPECTED_HTTP


def test_permission_matrix_http_projects(client):
    """Projects: the same answers (their members are the parties' members, managed on the organisations)."""
    draft_users, drafts = build_world(published=False)
    users, published = build_world(published=True)
    got = {}
    for persona in PERSONAS:
        got[persona] = {}
        for action in ("view_draft", "view_published", "edit", "delete"):
            client.logout()
            actor = (draft_users if action == "view_draft" else users)[persona]
            if actor.is_authenticated:
                client.force_login(actor)
            record = (drafts if action == "view_draft" else published)["project"]
            got[persona][action] = outcome(request_action(client, "project", record, action, None))
    assert got == {
        persona: {k: v for k, v in row.items() if k != "manage_members"} for persona, row in EXPECTED_HTTP.items()
    }


def test_delete_by_admin_removes_the_project(client):
    lyon = make_organisation("Ville de Lyon", geonameid=2996944)
    project = make_project(lead=lyon)
    client.force_login(make_member(lyon, role="admin"))
    response = client.post(reverse("cooperation:project_delete", args=[project.pk]))
    assert response.status_code == 302
    assert Project.objects.count() == 0


def test_organisation_page_escapes_html_and_hides_contacts_from_anonymous(client):
    organisation = make_organisation(
        "<script>alert('x')</script> Lyon", geonameid=2996944, description={"fr": "<img src=x onerror=alert(1)>"}
    )
    organisation.contacts.create(name="Awa Diop", email="awa@example.org")
    page = client.get(organisation.get_absolute_url()).content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; Lyon" in page
    assert "<img src=x" not in page
    assert "awa@example.org" not in page
    assert f'id="organisation-map" data-geojson-url="/organisations/{organisation.pk}/map.geojson"' in page
    client.force_login(make_user())
    assert "awa@example.org" in client.get(organisation.get_absolute_url()).content.decode()


def test_partnership_create_form_with_one_party_shows_actionable_message(client):
    lyon = make_organisation("Ville de Lyon", geonameid=2996944)
    client.force_login(make_member(lyon))
    response = client.post(
        reverse("cooperation:partnership_create"), {"parties": [lyon.pk], "kind": "twinning", "status": "active"}
    )
    assert response.status_code == 200
    assert "A partnership needs at least two parties" in response.content.decode()
    assert Partnership.objects.count() == 0


def test_project_form_sector_percentages_message(client):
    lyon = make_organisation("Ville de Lyon", geonameid=2996944)
    client.force_login(make_member(lyon))
    response = client.post(
        reverse("cooperation:project_create"),
        {
            "lead": lyon.pk,
            "title_fr": "Eau potable",
            "status": "2",
            "currency": "EUR",
            "sector_0": "14030",
            "sector_0_percentage": "50",
            "sector_1": "14031",
            "sector_1_percentage": "40",
            "planned_start": "2025-01-01",
            "planned_end": "2024-01-01",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "The sector percentages add up to 90%, not 100%" in page
    assert "The end date is before the start date." in page
    assert Project.objects.count() == 0


def test_project_create_then_edit_through_the_forms(client):
    lyon, dakar = (
        make_organisation("Ville de Lyon", geonameid=2996944),
        make_organisation("Ville de Dakar", geonameid=2253354),
    )
    partnership = make_partnership(lyon, dakar)
    client.force_login(make_member(dakar))
    response = client.post(
        reverse("cooperation:project_create"),
        {
            "partnership": partnership.pk,
            "title_fr": "Eau potable à Dakar",
            "title_en": "Drinking water in Dakar",
            "status": "2",
            "currency": "XOF",
            "sector_0": "14030",
            "sector_0_percentage": "100",
            "sdgs": "6, 6.1",
            "locations": [2253354],
        },
    )
    project = Project.objects.get()
    assert response["Location"] == reverse("cooperation:project_update", args=[project.pk])
    assert project.title == {"fr": "Eau potable à Dakar", "en": "Drinking water in Dakar"}
    assert list(project.locations.values_list("locality_id", flat=True)) == [2253354]
    response = client.post(
        reverse("cooperation:project_add", args=[project.pk, "contribution"]),
        {"organisation": lyon.pk, "role": "party", "kind": "cash", "amount": "250000", "currency": "EUR"},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("cooperation:project_add", args=[project.pk, "contribution"]),
        {"organisation": lyon.pk, "role": "party", "kind": "cash", "amount": "10", "currency": "EUX"},
    )
    assert response.status_code == 400
    assert "“EUX” is not a known currency code" in response.content.decode()
    page = client.get(project.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Drinking water in Dakar" in page
    assert "250,000 EUR" in page


def test_history_page_and_restore(client):
    lyon = make_organisation("Ville de Lyon", geonameid=2996944)
    editor = make_member(lyon)
    client.force_login(editor)
    client.post(
        reverse("actors:organisation_update", args=[lyon.pk]),
        {"name": "Métropole de Lyon", "kind": "municipality", "locality": 2996944},
    )
    lyon.refresh_from_db()
    assert lyon.name == "Métropole de Lyon"
    page = client.get(reverse("actors:organisation_history", args=[lyon.pk])).content.decode()
    assert "Métropole de Lyon" in page and editor.username in page
    first = lyon.history.earliest()
    response = client.post(reverse("actors:organisation_restore", args=[lyon.pk, first.history_id]))
    assert response.status_code == 302
    lyon.refresh_from_db()
    assert lyon.name == "Ville de Lyon"
    assert lyon.history.count() == 3


def test_still_accurate_button_and_dashboards(client):
    lyon = make_organisation("Ville de Lyon", geonameid=2996944)
    partnership = make_partnership(lyon, make_organisation("Ville de Dakar", geonameid=2253354))
    long_ago = timezone.now() - datetime.timedelta(days=400)
    Partnership.objects.filter(pk=partnership.pk).update(updated_at=long_ago)
    member = make_member(lyon)
    client.force_login(member)
    dashboard = reverse("actors:organisation_dashboard", args=[lyon.pk])
    assert partnership.get_absolute_url() in client.get(dashboard).content.decode()
    assert client.get(reverse("actors:coordinator_dashboard")).status_code == 403
    client.post(reverse("cooperation:partnership_confirm", args=[partnership.pk]))
    assert partnership.get_absolute_url() not in client.get(dashboard).content.decode()
    client.force_login(make_user(is_coordinator=True))
    assert client.get(reverse("actors:coordinator_dashboard")).status_code == 200


def test_place_search_accent_insensitive_with_country(client):
    response = client.get(reverse("actors:place_search"), {"q": "thies", "format": "json"})
    first = response.json()["results"][0]
    assert (first["name"], first["country"]) == ("Thiès", "SN")
    html = client.get(
        reverse("actors:place_search"), {"locality_q": "Saint-Etienne", "field": "locality"}
    ).content.decode()
    assert 'name="locality"' in html and "Saint-Étienne" in html


def test_invitation_accept_page_signs_up_and_joins(client):
    from coopdec.actors import services

    lyon = make_organisation("Ville de Lyon", geonameid=2996944)
    invitation = services.invitation_create(organisation=lyon, email="ama@example.org", send=False)
    url = services.invitation_link(invitation).split("127.0.0.1:8000")[-1]
    response = client.post(
        url,
        {
            "username": "ama",
            "email": "ama@example.org",
            "password1": "a-long-passphrase-42",
            "password2": "a-long-passphrase-42",
        },
    )
    assert response["Location"] == lyon.get_absolute_url()
    assert Organisation.objects.get(pk=lyon.pk).memberships.get().user.username == "ama"
    assert client.get(url).status_code == 410


def test_invitation_accept_page_signed_in_with_another_address_offers_to_sign_out(client):
    from coopdec.actors import services

    lyon = make_organisation("Ville de Lyon", geonameid=2996944)
    invitation = services.invitation_create(organisation=lyon, email="ama@example.org", send=False)
    url = services.invitation_link(invitation).split("127.0.0.1:8000")[-1]
    client.force_login(make_user("moussa"))
    page = client.get(url)
    assert page.status_code == 403
    html = page.content.decode()
    assert "This invitation was sent to ama@example.org, but you are signed in as moussa@example.org." in html
    assert f'<input type="hidden" name="next" value="{url}">' in html
    assert client.post(url).status_code == 403
    assert lyon.memberships.count() == 0
    response = client.post(reverse("logout"), {"next": url})
    assert response["Location"] == url
    assert "Create my account and join" in client.get(url).content.decode()


def test_invitation_accept_page_signed_in_with_the_invited_address_in_other_case_joins(client):
    from coopdec.actors import services

    lyon = make_organisation("Ville de Lyon", geonameid=2996944)
    invitation = services.invitation_create(organisation=lyon, email="AMA@Example.org", send=False)
    url = services.invitation_link(invitation).split("127.0.0.1:8000")[-1]
    ama = make_user("ama")
    client.force_login(ama)
    assert client.post(url)["Location"] == lyon.get_absolute_url()
    assert lyon.memberships.get().user == ama


def test_invitation_sign_up_keeps_the_invited_address(client):
    from coopdec.actors import services

    lyon = make_organisation("Ville de Lyon", geonameid=2996944)
    invitation = services.invitation_create(organisation=lyon, email="ama@example.org", send=False)
    url = services.invitation_link(invitation).split("127.0.0.1:8000")[-1]
    client.post(
        url,
        {
            "username": "ama",
            "email": "someone.else@example.org",
            "password1": "a-long-passphrase-42",
            "password2": "a-long-passphrase-42",
        },
    )
    assert lyon.memberships.get().user.email == "ama@example.org"


def test_invitation_sign_up_with_an_address_already_used_asks_to_sign_in(client):
    from coopdec.actors import services

    make_user("ama")
    lyon = make_organisation("Ville de Lyon", geonameid=2996944)
    invitation = services.invitation_create(organisation=lyon, email="AMA@example.org", send=False)
    url = services.invitation_link(invitation).split("127.0.0.1:8000")[-1]
    response = client.post(
        url, {"username": "ama2", "password1": "a-long-passphrase-42", "password2": "a-long-passphrase-42"}
    )
    assert response.status_code == 200
    assert "An account already uses this address: sign in with it" in response.content.decode()
    assert lyon.memberships.count() == 0


def test_counts_on_registry_pages_use_singular_and_plural_forms(client):
    lyon = make_organisation("Ville de Lyon", geonameid=2996944, population=1)
    project = make_project(lead=lyon, beneficiaries_count=1)
    assert "1 beneficiary</p>" in client.get(project.get_absolute_url()).content.decode()
    assert "1 inhabitant</p>" in client.get(lyon.get_absolute_url()).content.decode()
    Project.objects.filter(pk=project.pk).update(beneficiaries_count=2500)
    assert "2,500 beneficiaries</p>" in client.get(project.get_absolute_url()).content.decode()
    Organisation.objects.filter(pk=lyon.pk).update(updated_at=timezone.now() - datetime.timedelta(days=400))
    client.force_login(make_user(is_coordinator=True))
    page = client.get(reverse("actors:coordinator_dashboard")).content.decode()
    assert "<li>1 organisation</li>" in page and "<li>0 partnerships</li>" in page and "<li>0 projects</li>" in page


def test_party_add_message_counts_the_parties_added(client):
    lyon, dakar = (
        make_organisation("Ville de Lyon", geonameid=2996944),
        make_organisation("Ville de Dakar", geonameid=2253354),
    )
    thies, louga = make_organisation("Ville de Thiès", geonameid=2244802), make_organisation("Louga", geonameid=2249222)
    partnership = make_partnership(lyon, dakar)
    client.force_login(make_member(lyon, role="admin"))
    url = reverse("cooperation:party_add", args=[partnership.pk])
    page = client.post(url, {"organisations": [thies.pk], "role": "partner"}, follow=True).content.decode()
    assert "1 party added." in page
    page = client.post(
        url,
        {"organisations": [louga.pk, make_organisation("Rufisque", geonameid=2246452).pk], "role": "partner"},
        follow=True,
    ).content.decode()
    assert "2 parties added." in page


def test_my_organisations_listed(client):
    lyon = make_organisation("Ville de Lyon", geonameid=2996944)
    client.force_login(make_member(lyon, role="admin"))
    page = client.get(reverse("actors:mine")).content.decode()
    assert "Ville de Lyon" in page and reverse("actors:members", args=[lyon.pk]) in page


def test_partnership_create_through_the_form_with_picker_choices(client):
    lyon, dakar = (
        make_organisation("Ville de Lyon", geonameid=2996944),
        make_organisation("Ville de Dakar", geonameid=2253354),
    )
    client.force_login(make_member(lyon))
    form_page = client.get(reverse("cooperation:partnership_create"), {"party": lyon.pk}).content.decode()
    assert f'name="parties" value="{lyon.pk}" checked' in form_page
    found = client.get(
        reverse("actors:organisation_search"), {"parties_q": "dakar", "field": "parties", "type": "checkbox"}
    )
    assert f'type="checkbox" name="parties" value="{dakar.pk}"' in found.content.decode()
    response = client.post(
        reverse("cooperation:partnership_create"),
        {
            "parties": [lyon.pk, dakar.pk],
            "kind": "twinning",
            "status": "active",
            "title_fr": "Lyon – Dakar",
            "start_date": "2001-05-10",
        },
    )
    partnership = Partnership.objects.get()
    assert response["Location"] == partnership.get_absolute_url()
    assert partnership.form == "bilateral"
    assert partnership.publication_status == "draft"


def test_members_page_invites_by_email(client, mailoutbox, django_capture_on_commit_callbacks):
    lyon = make_organisation("Ville de Lyon", geonameid=2996944)
    client.force_login(make_member(lyon, role="admin"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("actors:members", args=[lyon.pk]), {"email": "ama@example.org", "role": "editor"}
        )
    assert response.status_code == 302
    assert [message.to for message in mailoutbox] == [["ama@example.org"]]
    page = client.get(reverse("actors:members", args=[lyon.pk])).content.decode()
    assert "ama@example.org" in page


def test_project_results_indicators_values_and_documents_through_the_pages(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    from django.core.files.uploadedfile import SimpleUploadedFile

    from coopdec.cooperation.models import Document, Indicator, IndicatorValue, Result

    lyon, dakar = (
        make_organisation("Ville de Lyon", geonameid=2996944),
        make_organisation("Ville de Dakar", geonameid=2253354),
    )
    project = make_project(partnership=make_partnership(lyon, dakar))
    client.force_login(make_member(lyon))

    def add(what, data):
        return client.post(reverse("cooperation:project_add", args=[project.pk, what]), data)

    assert add("result", {"type": "1", "title_fr": "Accès à l'eau amélioré"}).status_code == 302
    result = Result.objects.get()
    assert add("indicator", {"result": result.pk, "title_fr": "Ménages raccordés", "measure": "1"}).status_code == 302
    indicator = Indicator.objects.get()
    # Values are entered in the results editor and approved there: this path never writes one.
    value = {"indicator": indicator.pk, "period_start": "2024-01-01", "period_end": "2024-12-31", "actual": "410"}
    assert add("value", value).status_code == 404
    assert IndicatorValue.objects.count() == 0
    for territory, actual in ((lyon, 3), (dakar, 410)):
        services.indicator_value_set(
            indicator=indicator,
            territory=territory,
            period_start=datetime.date(2024, 1, 1),
            period_end=datetime.date(2024, 12, 31),
            baseline=0,
            target=600,
            actual=actual,
        )
    svg = SimpleUploadedFile("map.svg", b"<svg onload='alert(1)'/>", content_type="image/svg+xml")
    response = add("document", {"title_fr": "Carte", "file": svg})
    assert response.status_code == 400
    assert "are not accepted" in response.content.decode()
    pdf = SimpleUploadedFile("convention.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    assert (
        add(
            "document", {"title_fr": "Convention", "file": pdf, "is_agreement": "on", "signed_on": "2023-02-01"}
        ).status_code
        == 302
    )
    assert Document.objects.get().is_agreement is True
    page = client.get(project.get_absolute_url()).content.decode()
    assert "Ville de Dakar" in page and "410" in page and "Convention" in page


def test_history_shows_reasons_in_the_readers_language(client):
    lyon, dakar = (
        make_organisation("Ville de Lyon", geonameid=2996944),
        make_organisation("Ville de Dakar", geonameid=2253354),
    )
    project = make_project(partnership=make_partnership(lyon, dakar))
    client.force_login(make_member(lyon))
    client.post(reverse("cooperation:project_confirm", args=[project.pk]))
    client.post(
        reverse("cooperation:project_add", args=[project.pk, "contribution"]),
        {"organisation": lyon.pk, "role": "party", "kind": "cash", "amount": "1000", "currency": "EUR"},
    )
    page = client.get(
        reverse("cooperation:project_history", args=[project.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "confirmed still accurate" in page
    assert "contribution added" in page


def test_editors_invite_editors_only(client):
    from coopdec.actors.models import Invitation

    lyon = make_organisation("Ville de Lyon", geonameid=2996944)
    client.force_login(make_member(lyon, role="editor"))
    url = reverse("actors:members", args=[lyon.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"email": "boss@example.org", "role": "admin"})
    assert response.status_code == 200
    assert Invitation.objects.count() == 0
    assert client.post(url, {"email": "ama@example.org", "role": "editor"}).status_code == 302
    assert list(Invitation.objects.values_list("email", "role")) == [("ama@example.org", "editor")]


def test_document_file_follows_the_access_of_its_project(client, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from coopdec.cooperation import services
    from tests.cooperation.test_services import PDF

    settings.MEDIA_ROOT = tmp_path
    paris, dakar = make_organisation(), make_organisation(geonameid=2253354)
    draft = make_project(partnership=make_partnership(paris, dakar), published=False)
    document = services.document_add(
        project=draft, title={"fr": "Convention"}, file=SimpleUploadedFile("convention.pdf", PDF)
    )
    url = reverse("cooperation:document_file", args=[document.pk])

    assert client.get(url).status_code == 404  # a visitor may not see the draft, nor its documents
    assert client.get("/media/" + document.file.name).status_code == 404  # never served by path
    client.force_login(make_member(dakar))
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment")
