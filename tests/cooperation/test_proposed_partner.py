"""A partner not yet registered, proposed from the partnership form: a draft marked as proposed that
nobody administers, reviewed by the coordinators and usable as a party of the proposer's partnership."""

import pytest
from django.core.exceptions import ValidationError

from coopdec.actors import services as actor_services
from coopdec.actors.models import Membership, Organisation, OrganisationKind
from coopdec.actors.selectors import organisations_visible_to
from coopdec.common.models import PublicationStatus
from coopdec.cooperation import services
from coopdec.cooperation.models import Partnership
from tests.factories import make_member, make_organisation, make_user

pytestmark = pytest.mark.django_db

DAKAR = 2253354


@pytest.fixture
def lyon():
    return make_organisation("Ville de Lyon", geonameid=2996944)


def _post(client, lyon, **fields):
    data = {
        "parties": [lyon.pk],
        "kind": "twinning",
        "status": "active",
        "new_partner_name": "Ville de Dakar",
        "new_partner_kind": OrganisationKind.MUNICIPALITY,
        "new_partner_place": DAKAR,
        **fields,
    }
    return client.post("/partnerships/new/", data, HTTP_ACCEPT_LANGUAGE="fr")


def test_proposed_partner_from_the_form_is_a_draft_party_with_no_membership(client, lyon):
    editor = make_member(lyon)
    client.force_login(editor)
    response = _post(client, lyon)
    partnership = Partnership.objects.get()
    assert response.status_code == 302 and response["Location"] == partnership.get_absolute_url()
    dakar = Organisation.objects.get(name="Ville de Dakar")
    assert (dakar.publication_status, dakar.proposed_by, dakar.country_id, dakar.locality.geonameid) == (
        PublicationStatus.DRAFT,
        editor,
        "SN",
        DAKAR,
    )
    assert dakar.proposed_at is not None
    assert Membership.objects.filter(organisation=dakar).count() == 0
    assert sorted(partnership.party_links.values_list("organisation__name", flat=True)) == [
        "Ville de Dakar",
        "Ville de Lyon",
    ]


def test_proposed_partner_is_seen_by_its_proposer_not_edited_nor_seen_by_others(lyon):
    editor, other = make_member(lyon), make_user()
    dakar = actor_services.organisation_propose(
        user=editor, name="Ville de Dakar", kind=OrganisationKind.MUNICIPALITY, locality=_dakar()
    )
    assert list(organisations_visible_to(editor).filter(pk=dakar.pk)) == [dakar]
    assert editor.has_perm("actors.view_organisation", dakar) is True
    assert editor.has_perm("actors.change_organisation", dakar) is False
    assert other.has_perm("actors.view_organisation", dakar) is False
    assert list(organisations_visible_to(other).filter(pk=dakar.pk)) == []


def test_proposed_partner_already_registered_is_refused_and_nothing_is_kept(lyon):
    editor = make_member(lyon)
    make_organisation("Ville de Dakar", geonameid=DAKAR)
    with pytest.raises(ValidationError) as error:
        services.partnership_create(
            user=editor,
            parties=[lyon],
            kind="twinning",
            proposed_partner={"name": "Ville de Dakar", "kind": OrganisationKind.MUNICIPALITY, "locality": _dakar()},
        )
    assert error.value.messages == [
        "Ville de Dakar is already registered: type its name in the partner search and choose it."
    ]
    assert (Partnership.objects.count(), Organisation.objects.count()) == (0, 2)


def test_proposed_partner_without_country_or_town_is_refused_by_the_form(client, lyon):
    client.force_login(make_member(lyon))
    response = _post(client, lyon, new_partner_place="", new_partner_kind=OrganisationKind.NGO)
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["new_partner_country"]
    assert "Choisissez le pays du partenaire que vous proposez (ou sa ville)." in response.content.decode()
    assert Organisation.objects.count() == 1


def test_proposed_partner_shows_in_the_coordinators_review_queue(client, lyon):
    editor = make_user("awa", first_name="Awa", last_name="Ndiaye")
    make_member(lyon, user=editor)
    actor_services.organisation_propose(
        user=editor, name="Ville de Dakar", kind=OrganisationKind.MUNICIPALITY, locality=_dakar()
    )
    client.force_login(make_user(is_coordinator=True))
    page = client.get("/coordination/review/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Ville de Dakar" in page
    assert "Partenaire proposé par Awa Ndiaye le " in page


def _dakar():
    from coopdec.territories.models import Locality

    return Locality.objects.get(geonameid=DAKAR)


def test_partner_search_with_no_match_says_how_to_propose_one(client, lyon):
    client.force_login(make_member(lyon))
    parties = client.get(
        "/organisations/search/", {"parties_q": "Zzyzx", "field": "parties"}, HTTP_ACCEPT_LANGUAGE="fr"
    ).content.decode()
    other = client.get(
        "/organisations/search/", {"organisation_q": "Zzyzx", "field": "organisation"}, HTTP_ACCEPT_LANGUAGE="fr"
    ).content.decode()
    hint = "Partenaire pas encore enregistré ? Indiquez son nom ci-dessous"
    assert (hint in parties, hint in other) == (True, False)


def test_proposed_partner_can_be_claimed_by_its_people_with_an_access_request(client, lyon):
    from django.contrib.auth.models import AnonymousUser

    from coopdec.actors.models import AccessRequest
    from coopdec.actors.selectors import organisations_to_join

    dakar = actor_services.organisation_propose(
        user=make_member(lyon), name="Ville de Dakar", kind=OrganisationKind.MUNICIPALITY, locality=_dakar()
    )
    search = {"organisation_q": "dakar", "field": "organisation"}
    assert "Ville de Dakar" in client.get("/organisations/search/", {**search, "scope": "join"}).content.decode()
    assert "Ville de Dakar" not in client.get("/organisations/search/", search).content.decode()
    response = client.post(
        "/access/",
        {"organisation": dakar.pk, "name": "Awa Ndiaye", "email": "awa@dakar.sn", "function": "Maire adjointe"},
    )
    assert response.status_code == 200
    assert list(AccessRequest.objects.values_list("organisation", "email")) == [(dakar.pk, "awa@dakar.sn")]
    make_member(dakar)  # claimed: no longer offered to whoever does not see drafts
    assert list(organisations_to_join(AnonymousUser()).filter(pk=dakar.pk)) == []
