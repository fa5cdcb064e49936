"""Probable duplicates and the merge that moves every link and keeps both histories."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import translation

from coopdec.actors.duplicates import find_duplicates, organisations_merge
from coopdec.actors.models import (
    Contact,
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
)
from coopdec.common.versions import sort_rows
from coopdec.cooperation.models import Contribution, PartnershipParty, ProjectParticipant
from tests.factories import (
    make_member,
    make_organisation,
    make_partnership,
    make_project,
    make_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_find_duplicates_same_place_and_similar_names():
    paris = make_organisation("Ville de Paris")
    paris_again = make_organisation("Paris")
    university = make_organisation("Sorbonne Université", kind=OrganisationKind.ACADEMIC)
    ngo = make_organisation("Cités Unies France", geonameid=None, kind=OrganisationKind.NGO, country_id="FR")
    ngo_again = make_organisation("Cites Unies France ", geonameid=None, kind=OrganisationKind.NGO, country_id="FR")
    make_organisation("Eau Vive", geonameid=None, kind=OrganisationKind.NGO, country_id="FR")
    pairs = {(p.keep.pk, p.drop.pk): p for p in find_duplicates()}
    assert set(pairs) == {(paris.pk, paris_again.pk), (ngo.pk, ngo_again.pk)}
    assert pairs[(paris.pk, paris_again.pk)].reason == "two local governments of the same kind at the same place"
    assert university.pk not in {pk for pair in pairs for pk in pair}


def test_find_duplicates_leaves_out_local_governments_of_different_kinds_at_one_place():
    poitiers = make_organisation("Poitiers")
    grand_poitiers = make_organisation("Grand Poitiers", kind=OrganisationKind.INTERMUNICIPAL)
    same_commune = make_organisation("Ville de Poitiers")
    pairs = {(pair.keep.pk, pair.drop.pk) for pair in find_duplicates()}
    assert pairs == {(poitiers.pk, same_commune.pk)}
    assert grand_poitiers.pk not in {pk for pair in pairs for pk in pair}


def test_merge_moves_every_link_and_keeps_histories():
    keep = make_organisation("Ville de Dakar", geonameid=2253354)
    drop = make_organisation(
        "Dakar", geonameid=2253354, website="https://dakar.example.org", source_ref="geonames:2253354"
    )
    partner = make_organisation("Marseille", geonameid=2995469)
    partnership = make_partnership(drop, partner)
    shared = make_partnership(keep, drop, partner)
    project = make_project(lead=drop)
    ProjectParticipant.objects.create(project=project, organisation=drop, role="4")
    Contribution.objects.create(project=project, organisation=drop, amount=Decimal("1000"))
    Contact.objects.create(organisation=drop, name="Awa Ndiaye")
    admin = make_member(drop, role=MembershipRole.ADMIN)
    both = make_member(keep)
    Membership.objects.create(user=both, organisation=drop, role=MembershipRole.ADMIN)
    coordinator = make_user(is_coordinator=True)

    moved = organisations_merge(keep=keep, drop=drop, user=coordinator)

    assert not Organisation.objects.filter(pk=drop.pk).exists()
    assert set(partnership.parties.all()) == {keep, partner}
    assert set(shared.parties.all()) == {keep, partner}
    project.refresh_from_db()
    assert project.lead_organisation == keep
    assert ProjectParticipant.objects.get(project=project).organisation == keep
    assert Contribution.objects.get(project=project).organisation == keep
    assert Contact.objects.get(name="Awa Ndiaye").organisation == keep
    assert Membership.objects.get(user=admin).organisation == keep
    assert Membership.objects.get(user=both).role == MembershipRole.ADMIN
    assert moved["cooperation.partnershipparty.organisation"] == 1
    assert moved["cooperation.partnershipparty.organisation (already linked)"] == 1
    keep.refresh_from_db()
    assert keep.website == "https://dakar.example.org"
    assert keep.source_ref == f"merged:{drop.pk}:manual:geonames:2253354"
    merge_reason = f"merged organisation #{drop.pk} (Dakar) into #{keep.pk}"
    assert keep.history.first().history_change_reason == merge_reason
    dropped_history = Organisation.history.filter(id=drop.pk)
    assert dropped_history.count() == 2
    assert dropped_history.first().history_type == "-"
    assert dropped_history.first().history_change_reason == merge_reason
    assert dropped_history.first().history_user == coordinator
    assert PartnershipParty.history.filter(organisation_id=keep.pk, history_change_reason=merge_reason).count() == 1


def test_merge_renames_the_dropped_organisation_in_earlier_versions():
    from coopdec.common.services import record_restore
    from coopdec.cooperation import services

    keep = make_organisation("Ville de Dakar", geonameid=2253354)
    drop = make_organisation("Dakar", geonameid=2253354)
    lyon = make_organisation("Ville de Lyon", geonameid=2996944)
    thies = make_organisation("Ville de Thiès", geonameid=2244802)
    partnership = services.partnership_create(parties=[(lyon, "lead"), (drop, "partner")])
    first = partnership.history.get()
    services.party_add(partnership=partnership, organisation=thies)
    organisations_merge(keep=keep, drop=drop)
    first.refresh_from_db()
    # rows sorted as versions sort them (by their JSON text: 100 before 98)
    assert first.relations == {
        "parties": sort_rows([[lyon.pk, "lead", None], [keep.pk, "partner", None]]),
        "documents": [],
    }
    record_restore(record=partnership, history_id=first.history_id)
    assert set(partnership.parties.all()) == {lyon, keep}


def test_merge_refuses_the_same_record():
    paris = make_organisation()
    with pytest.raises(ValidationError):
        organisations_merge(keep=paris, drop=paris)


def test_commands_list_and_merge():
    keep = make_organisation("Ville de Paris")
    drop = make_organisation("Paris")
    out = io.StringIO()
    call_command("find_duplicates", stdout=out)
    assert f"{keep.pk}\t{drop.pk}\t0.95\tVille de Paris | Paris" in out.getvalue()
    out = io.StringIO()
    call_command("merge_organisations", str(keep.pk), str(drop.pk), stdout=out)
    assert f"Merged #{drop.pk} into #{keep.pk}." in out.getvalue()
    assert list(Organisation.objects.values_list("pk", flat=True)) == [keep.pk]
