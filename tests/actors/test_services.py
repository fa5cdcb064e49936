import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from coopdec.actors import services
from coopdec.actors.models import Membership, Organisation
from coopdec.actors.selectors import is_stale
from coopdec.common import services as record_services
from coopdec.territories.models import Locality
from tests.factories import make_member, make_organisation, make_user

pytestmark = pytest.mark.django_db


def test_organisation_create_local_government_takes_place_data():
    user = make_user()
    thies = Locality.objects.get(geonameid=2244802)
    organisation = services.organisation_create(
        user=user, name="Ville de Thiès", kind="municipality", locality=thies, country="FR", population=1
    )
    assert (organisation.country_id, organisation.latitude, organisation.population) == (
        "SN",
        thies.latitude,
        thies.population,
    )
    assert Membership.objects.get(organisation=organisation).user == user
    assert organisation.history.first().history_user == user


def test_organisation_create_local_government_without_place_refused():
    with pytest.raises(ValidationError) as error:
        services.organisation_create(name="Commune sans lieu", kind="municipality", country="FR")
    assert "locality" in error.value.message_dict
    assert Organisation.objects.count() == 0


def test_organisation_create_refuses_a_second_record_of_a_registered_place():
    louga = make_organisation("Louga", geonameid=2249222)

    with pytest.raises(ValidationError) as error:
        services.organisation_create(name="Commune de Louga", kind="municipality", locality=louga.locality)

    assert "“Louga”" in error.value.message_dict["locality"][0]
    assert Organisation.objects.count() == 1
    # Another kind of local government at the same place is another record; editing the holder is fine.
    county = services.organisation_create(name="Département de Louga", kind="county", locality=louga.locality)
    services.organisation_update(organisation=louga, name="Commune de Louga")
    with pytest.raises(ValidationError):  # nor can a record move onto a registered place
        services.organisation_update(organisation=county, kind="municipality")


def test_organisation_update_of_records_sharing_a_place_already():
    first = make_organisation("Louga", geonameid=2249222)
    make_organisation("Commune de Louga", geonameid=2249222)  # registered before the rule; to be merged

    assert services.organisation_update(organisation=first, acronym="CL").acronym == "CL"


def test_organisation_create_does_not_name_a_draft_holding_the_place():
    make_organisation("Brouillon secret", geonameid=2249222, published=False)

    with pytest.raises(ValidationError) as error:
        services.organisation_create(name="Louga", kind="municipality", locality=2249222)

    assert "Brouillon" not in error.value.message_dict["locality"][0]


def test_organisation_create_refuses_a_second_record_of_a_registered_region():
    services.organisation_create(name="Minas Gerais", kind="region", subdivision="BR-MG")

    with pytest.raises(ValidationError) as error:
        services.organisation_create(name="Estado de Minas Gerais", kind="region", subdivision="BR-MG")

    assert "subdivision" in error.value.message_dict


def test_organisation_create_ngo_needs_country_only():
    organisation = services.organisation_create(name="Eau Vive", kind="ngo", country="fr")
    assert organisation.country_id == "FR"
    with pytest.raises(ValidationError):
        services.organisation_create(name="Nulle part", kind="ngo", country="ZZ")


def test_record_restore_creates_a_new_version():
    user = make_user()
    organisation = services.organisation_create(user=user, name="Ville de Lyon", kind="ngo", country="FR")
    services.organisation_update(organisation=organisation, user=user, name="Lyon <b>renamed</b>")
    first = organisation.history.earliest()
    restored = record_services.record_restore(record=organisation, history_id=first.history_id, user=user)
    assert restored.name == "Ville de Lyon"
    assert organisation.history.count() == 3
    assert Organisation.objects.get(pk=organisation.pk).name_folded == "ville de lyon"


def test_record_confirm_makes_a_stale_record_fresh():
    organisation = make_organisation()
    long_ago = timezone.now() - datetime.timedelta(days=400)
    Organisation.objects.filter(pk=organisation.pk).update(updated_at=long_ago)
    organisation.refresh_from_db()
    assert is_stale(organisation) is True
    record_services.record_confirm(record=organisation, user=make_user())
    organisation.refresh_from_db()
    assert is_stale(organisation) is False
    assert organisation.updated_at == long_ago


def test_invitation_link_accepts_once_then_refuses():
    organisation = make_organisation()
    admin = make_member(organisation, role="admin")
    invitation = services.invitation_create(organisation=organisation, email="ama@example.org", invited_by=admin)
    link = services.invitation_link(invitation)
    signed = link.rstrip("/").rsplit("/", 1)[1]
    assert services.invitation_from_signed(signed) == invitation
    newcomer = make_user("ama")
    services.invitation_accept(invitation=invitation, user=newcomer)
    assert Membership.objects.get(user=newcomer).role == "editor"
    with pytest.raises(ValidationError, match="already been used"):
        services.invitation_from_signed(signed)


def test_invitation_accept_other_address_refused_and_writes_nothing():
    organisation = make_organisation()
    invitation = services.invitation_create(organisation=organisation, email="ama@example.org", send=False)
    intruder = make_user("moussa")
    with pytest.raises(ValidationError) as raised:
        services.invitation_accept(invitation=invitation, user=intruder)
    assert raised.value.messages == [
        "This invitation was sent to ama@example.org, not to the address of the account you are signed in with. "
        "Sign out, then sign in (or create an account) with ama@example.org."
    ]
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
    assert Membership.objects.filter(organisation=organisation).count() == 0


def test_invitation_accept_address_compared_case_insensitively():
    organisation = make_organisation()
    invitation = services.invitation_create(organisation=organisation, email="Ama.Diop@Example.org", send=False)
    user = make_user("ama")
    user.email = "AMA.DIOP@example.org"
    user.save(update_fields=["email"])
    membership = services.invitation_accept(invitation=invitation, user=user)
    assert (membership.user, membership.organisation, membership.role) == (user, organisation, "editor")


def test_invitation_expired_refused():
    organisation = make_organisation()
    invitation = services.invitation_create(organisation=organisation, email="ama@example.org", send=False)
    signed = services.invitation_link(invitation).rstrip("/").rsplit("/", 1)[1]
    with pytest.raises(ValidationError, match="expired"):
        services.invitation_from_signed(signed, now=timezone.now() + datetime.timedelta(days=15))


def test_invitation_tampered_refused():
    with pytest.raises(ValidationError, match="not valid"):
        services.invitation_from_signed("abc:def")


def test_invitation_sends_an_email(django_capture_on_commit_callbacks):
    organisation = make_organisation("Ville de Lyon", geonameid=2996944)
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_create(organisation=organisation, email="ama@example.org")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ama@example.org"]
    assert "/invitations/" in mail.outbox[0].body


def test_membership_last_admin_cannot_leave():
    organisation = make_organisation()
    admin = make_member(organisation, role="admin")
    with pytest.raises(ValidationError):
        services.membership_remove(membership=Membership.objects.get(user=admin))
