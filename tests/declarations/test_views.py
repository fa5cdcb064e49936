from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from coopdec.actors.models import CountryCoordinator
from coopdec.declarations import services
from coopdec.declarations.models import Campaign, Declaration, DeclarationLine, DeclarationStatus
from coopdec.territories.models import Country
from tests.factories import make_member, make_organisation, make_user

pytestmark = pytest.mark.django_db

LINE = {
    "recipient_type": "country",
    "recipient_code": "SN",
    "sector": "14030",
    "channel": "12000",
    "flow_type": "10",
    "finance_type": "110",
    "aid_type": "C01",
    "original_amount": "1 000,50",
    "original_currency": "EUR",
    "cofinancing": "",
    "cofinancing_confirmed": "",
    "description": "Eau potable à Dakar",
}


@pytest.fixture
def campaign():
    today = timezone.localdate()
    return services.campaign_create(
        user=None,
        country=Country.objects.get(code="FR"),
        year=today.year - 1,
        opens_on=today - timedelta(days=10),
        closes_on=today + timedelta(days=30),
    )


@pytest.fixture
def lyon():
    return make_organisation("Lyon", geonameid=2996944)


@pytest.fixture
def officer(lyon):
    return make_member(lyon)


@pytest.fixture
def france_coordinator():
    user = make_user("delegation")
    CountryCoordinator.objects.create(user=user, country_id="FR")
    return user


@pytest.fixture
def declaration(campaign, lyon):
    return services.declaration_start(campaign=campaign, organisation=lyon, user=None)


def _signed_in(client, user):
    client.force_login(user)
    return client


def test_home_lists_the_open_campaign_with_a_start_button_for_an_officer(client, campaign, officer):
    response = _signed_in(client, officer).get(reverse("declarations:home"))
    assert response.status_code == 200
    assert reverse("declarations:start", args=[campaign.pk]) in response.content.decode()


def test_home_asks_an_anonymous_visitor_to_sign_in(client):
    response = client.get(reverse("declarations:home"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_home_shows_a_user_of_no_local_government_no_start_button(client, campaign):
    ngo = make_member(make_organisation("Une ONG", geonameid=None, kind="ngo", country_id="FR"))
    page = _signed_in(client, ngo).get(reverse("declarations:home")).content.decode()
    assert reverse("declarations:start", args=[campaign.pk]) not in page
    assert "No campaign is open for the countries of your local governments." in page


def test_home_lists_the_campaigns_a_coordinator_manages(client, campaign, france_coordinator):
    response = _signed_in(client, france_coordinator).get(reverse("declarations:home"))
    assert reverse("declarations:campaign_detail", args=[campaign.pk]) in response.content.decode()
    assert reverse("declarations:campaign_add") in response.content.decode()


def test_start_refused_to_an_editor_of_another_organisation(client, campaign, lyon):
    outsider = make_member(make_organisation("Paris"))
    response = _signed_in(client, outsider).post(
        reverse("declarations:start", args=[campaign.pk]), {"organisation": lyon.pk}
    )
    assert response.status_code == 403
    assert not Declaration.objects.exists()


def test_full_flow_start_add_submit_reopen_resubmit(client, campaign, lyon, officer, france_coordinator):
    _signed_in(client, officer)
    response = client.post(reverse("declarations:start", args=[campaign.pk]), {"organisation": lyon.pk})
    declaration = Declaration.objects.get(campaign=campaign, organisation=lyon)
    assert response["Location"] == declaration.get_absolute_url()
    response = client.post(
        reverse("declarations:line_add", args=[declaration.pk]),
        {**LINE, "revision": declaration.revision, "marker_gender": "1"},
    )
    assert response.status_code == 302
    line = declaration.lines.get()
    assert (line.amount, line.marker_gender, line.marker_environment) == (Decimal("1000.50"), 1, None)
    declaration.refresh_from_db()
    page = client.get(declaration.get_absolute_url()).content.decode()
    assert "14030 – " in page
    assert "1,000.50" in page
    client.post(reverse("declarations:submit", args=[declaration.pk]), {"revision": declaration.revision})
    declaration.refresh_from_db()
    assert (declaration.status, declaration.submitted_by) == (DeclarationStatus.SUBMITTED, officer)

    _signed_in(client, france_coordinator)
    dashboard = client.get(reverse("declarations:campaign_detail", args=[campaign.pk])).content.decode()
    assert declaration.get_absolute_url() in dashboard
    client.post(
        reverse("declarations:reopen", args=[declaration.pk]),
        {"revision": declaration.revision, "reason": "Le secteur de la ligne 1 est à revoir."},
    )
    declaration.refresh_from_db()
    assert (declaration.status, declaration.reopen_reason) == (
        DeclarationStatus.REOPENED,
        "Le secteur de la ligne 1 est à revoir.",
    )

    _signed_in(client, officer)
    assert "Le secteur de la ligne 1 est à revoir." in client.get(declaration.get_absolute_url()).content.decode()
    client.post(reverse("declarations:submit", args=[declaration.pk]), {"revision": declaration.revision})
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.SUBMITTED


def test_line_add_with_a_stale_revision_keeps_the_input_and_says_who_changed_it(client, declaration, officer):
    other = make_member(declaration.organisation)
    other.first_name, other.last_name = "Amina", "Diallo"
    other.save()
    stale = declaration.revision
    services.declaration_set_nil(declaration=declaration, user=other, is_nil=False, revision=stale)
    response = _signed_in(client, officer).post(
        reverse("declarations:line_add", args=[declaration.pk]), {**LINE, "revision": stale}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Amina Diallo changed this declaration" in page
    assert 'value="Eau potable à Dakar"' in page
    assert not DeclarationLine.objects.exists()


def test_line_add_bad_sector_shows_the_message_and_writes_nothing(client, declaration, officer):
    response = _signed_in(client, officer).post(
        reverse("declarations:line_add", args=[declaration.pk]),
        {**LINE, "sector": "99999", "revision": declaration.revision},
    )
    assert response.status_code == 400
    assert "“99999” is not in the IATI Sector codelist." in response.content.decode()
    declaration.refresh_from_db()
    assert (declaration.lines.count(), declaration.revision) == (0, 1)


def test_nil_declaration_can_be_submitted_without_lines(client, declaration, officer):
    _signed_in(client, officer)
    client.post(reverse("declarations:nil", args=[declaration.pk]), {"revision": declaration.revision, "is_nil": "1"})
    declaration.refresh_from_db()
    assert declaration.is_nil is True
    client.post(reverse("declarations:submit", args=[declaration.pk]), {"revision": declaration.revision})
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.SUBMITTED


def test_submit_without_lines_shows_the_check_and_stays_draft(client, declaration, officer):
    response = _signed_in(client, officer).post(
        reverse("declarations:submit", args=[declaration.pk]), {"revision": declaration.revision}, follow=True
    )
    assert "The declaration has no line" in response.content.decode()
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.DRAFT


def test_line_change_and_remove(client, declaration, officer):
    line = services.line_add(
        declaration=declaration, user=None, **{k: v for k, v in LINE.items() if k != "cofinancing_confirmed"}
    )
    declaration.refresh_from_db()
    _signed_in(client, officer)
    assert client.get(reverse("declarations:line_change", args=[declaration.pk, line.pk])).status_code == 200
    client.post(
        reverse("declarations:line_change", args=[declaration.pk, line.pk]),
        {**LINE, "original_amount": "2000", "revision": declaration.revision},
    )
    line.refresh_from_db()
    assert line.amount == Decimal("2000.00")
    declaration.refresh_from_db()
    client.post(reverse("declarations:line_remove", args=[declaration.pk, line.pk]), {"revision": declaration.revision})
    assert not DeclarationLine.objects.exists()


def test_cofinancing_confirmed_from_the_table(client, declaration, officer):
    line = services.line_add(
        declaration=declaration, user=None, **{**LINE, "cofinancing": "200", "cofinancing_confirmed": None}
    )
    declaration.refresh_from_db()
    _signed_in(client, officer).post(
        reverse("declarations:line_cofinancing", args=[declaration.pk, line.pk]),
        {"revision": declaration.revision, "deduct": "1"},
    )
    line.refresh_from_db()
    assert (line.cofinancing_confirmed, line.net_amount) == (True, Decimal("800.50"))


def test_declaration_page_refused_to_outsiders(client, declaration):
    assert client.get(declaration.get_absolute_url()).status_code == 302
    outsider = make_member(make_organisation("Paris"))
    assert _signed_in(client, outsider).get(declaration.get_absolute_url()).status_code == 403


def test_reopen_refused_to_the_officer(client, declaration, officer):
    declaration.lines.all().delete()
    services.declaration_set_nil(declaration=declaration, user=None, is_nil=True)
    services.declaration_submit(declaration=declaration, user=None)
    response = _signed_in(client, officer).post(
        reverse("declarations:reopen", args=[declaration.pk]), {"revision": 3, "reason": "Non"}
    )
    assert response.status_code == 403
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.SUBMITTED


def test_reopen_without_reason_keeps_the_page_and_says_why(client, declaration, france_coordinator):
    services.declaration_set_nil(declaration=declaration, user=None, is_nil=True)
    services.declaration_submit(declaration=declaration, user=None)
    response = _signed_in(client, france_coordinator).post(
        reverse("declarations:reopen", args=[declaration.pk]), {"revision": 3, "reason": "  "}
    )
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.SUBMITTED


def test_extend_sets_the_deadline(client, declaration, france_coordinator, campaign):
    until = campaign.closes_on + timedelta(days=15)
    _signed_in(client, france_coordinator).post(
        reverse("declarations:extend", args=[declaration.pk]),
        {"revision": declaration.revision, "until": until.isoformat()},
    )
    declaration.refresh_from_db()
    assert declaration.deadline == until


def test_campaign_add_by_a_country_coordinator_only_for_their_country(client, france_coordinator):
    _signed_in(client, france_coordinator)
    page = client.get(reverse("declarations:campaign_add")).content.decode()
    assert 'value="FR"' in page and 'value="SN"' not in page
    data = {"year": 2024, "opens_on": "2026-01-01", "closes_on": "2026-12-31", "currency": "EUR"}
    response = client.post(reverse("declarations:campaign_add"), {**data, "country": "SN"})
    assert response.status_code == 200
    assert not Campaign.objects.exists()
    response = client.post(reverse("declarations:campaign_add"), {**data, "country": "FR"})
    campaign = Campaign.objects.get()
    assert response["Location"] == campaign.get_absolute_url()
    assert (campaign.country_id, campaign.year, campaign.created_by) == ("FR", 2024, france_coordinator)


def test_campaign_add_refused_to_an_officer(client, officer):
    assert _signed_in(client, officer).get(reverse("declarations:campaign_add")).status_code == 403


def test_campaign_add_bad_dates_show_the_message(client, france_coordinator):
    response = _signed_in(client, france_coordinator).post(
        reverse("declarations:campaign_add"),
        {"country": "FR", "year": 2024, "opens_on": "2026-05-01", "closes_on": "2026-04-01", "currency": "EUR"},
    )
    assert "The closing date is before the opening date." in response.content.decode()
    assert not Campaign.objects.exists()


def test_dashboard_counts_and_filters(client, campaign, declaration, france_coordinator):
    make_organisation("Ville de Paris")
    _signed_in(client, france_coordinator)
    response = client.get(reverse("declarations:campaign_detail", args=[campaign.pk]))
    assert [(status, count) for status, _label, count in response.context["counts"]] == [
        ("submitted", 0),
        ("draft", 1),
        ("reopened", 0),
        ("not_started", 1),
    ]
    response = client.get(reverse("declarations:campaign_detail", args=[campaign.pk]), {"status": "not_started"})
    assert [row.organisation.name for row in response.context["progress"].rows] == ["Ville de Paris"]


def test_dashboard_changes_the_dates(client, campaign, france_coordinator):
    _signed_in(client, france_coordinator).post(
        reverse("declarations:campaign_detail", args=[campaign.pk]),
        {"opens_on": campaign.opens_on.isoformat(), "closes_on": (campaign.closes_on + timedelta(days=7)).isoformat()},
    )
    campaign.refresh_from_db()
    assert campaign.closes_on == timezone.localdate() + timedelta(days=37)


def test_dashboard_refused_to_an_officer_and_another_country_coordinator(client, campaign, officer):
    assert (
        _signed_in(client, officer).get(reverse("declarations:campaign_detail", args=[campaign.pk])).status_code == 403
    )
    senegal = make_user()
    CountryCoordinator.objects.create(user=senegal, country_id="SN")
    assert (
        _signed_in(client, senegal).get(reverse("declarations:campaign_detail", args=[campaign.pk])).status_code == 403
    )


def test_public_totals_show_aggregates_only(client, campaign, declaration):
    services.line_add(
        declaration=declaration, user=None, **{k: v for k, v in LINE.items() if k != "cofinancing_confirmed"}
    )
    declaration.refresh_from_db()
    services.declaration_submit(declaration=declaration, user=None)
    assert str(campaign.year) in client.get(reverse("declarations:totals")).content.decode()
    response = client.get(reverse("declarations:campaign_totals", args=[campaign.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert response.context["totals"].total == Decimal("1000.50")
    assert "Lyon" not in page
    assert declaration.get_absolute_url() not in page
    api = f"/api/v1/aid/campaigns/{campaign.pk}/totals"
    assert api in page
    assert client.get(api).json()["total"] == "1000.50"


def test_campaign_totals_unknown_campaign_is_404(client):
    assert client.get(reverse("declarations:campaign_totals", args=[999])).status_code == 404


def test_submitted_declaration_shows_no_edit_actions(client, declaration, officer):
    services.declaration_set_nil(declaration=declaration, user=None, is_nil=True)
    services.declaration_submit(declaration=declaration, user=officer, today=date.today())
    page = _signed_in(client, officer).get(declaration.get_absolute_url()).content.decode()
    assert reverse("declarations:line_add", args=[declaration.pk]) not in page
    assert "Submitted" in page


def test_dashboard_filters_by_kind_and_region(client, campaign, lyon, france_coordinator):
    from coopdec.territories.models import Subdivision

    region = Subdivision.objects.filter(country_id="FR").first()
    make_organisation("Région Test", geonameid=None, kind="region", country_id="FR", subdivision=region)
    _signed_in(client, france_coordinator)
    url = reverse("declarations:campaign_detail", args=[campaign.pk])
    response = client.get(url, {"kind": "region"})
    assert [kind for kind, _label in response.context["kinds"]] == ["municipality", "region"]
    assert [row.organisation.name for row in response.context["progress"].rows] == ["Région Test"]
    response = client.get(url, {"region": region.pk})
    assert [row.organisation.name for row in response.context["progress"].rows] == ["Région Test"]
    response = client.get(url, {"kind": "no-such-kind"})
    assert response.context["filters"]["kind"] == ""
    assert len(response.context["progress"].rows) == 2


def test_declaration_export_and_import_back_through_the_pages(client, declaration, officer):
    services.line_add(declaration=declaration, user=None, **{k: v for k, v in LINE.items() if v != ""})
    _signed_in(client, officer)
    exported = client.get(reverse("declarations:declaration_export", args=[declaration.pk, "csv"]))
    assert exported.status_code == 200
    content = b"".join(exported.streaming_content) if exported.streaming else exported.content
    edited = content.replace(b"1000.50", b"2000.00")
    assert edited != content
    declaration.refresh_from_db()
    response = client.post(
        reverse("declarations:declaration_import", args=[declaration.pk]),
        {"revision": declaration.revision, "file": SimpleUploadedFile("lines.csv", edited, content_type="text/csv")},
    )
    assert response.status_code == 302
    assert list(DeclarationLine.objects.values_list("original_amount", flat=True)) == [Decimal("2000.00")]


def test_declaration_import_of_a_bad_file_says_why_and_writes_nothing(client, declaration, officer):
    _signed_in(client, officer)
    response = client.post(
        reverse("declarations:declaration_import", args=[declaration.pk]),
        {
            "revision": declaration.revision,
            "file": SimpleUploadedFile("lines.csv", b"foo;bar\n1;2\n", content_type="text/csv"),
        },
    )
    assert response.status_code == 400
    assert "Nothing was imported" in response.content.decode()
    assert DeclarationLine.objects.count() == 0


def test_campaign_dashboard_pages_the_organisations(client, campaign, france_coordinator):
    for number in range(105):
        make_organisation(f"Commune {number:03d}")
    _signed_in(client, france_coordinator)
    first = client.get(reverse("declarations:campaign_detail", args=[campaign.pk]) + "?status=not_started")
    second = client.get(reverse("declarations:campaign_detail", args=[campaign.pk]) + "?status=not_started&page=2")
    assert first.context["page"].paginator.count == 105
    assert [row.organisation.name for row in second.context["page"]] == [f"Commune {n:03d}" for n in range(100, 105)]
    assert 'href="?status=not_started&amp;page=2"' in first.content.decode()
    export = client.get(reverse("declarations:campaign_export", args=[campaign.pk, "crs"]))
    assert export.status_code == 200
