"""The principles scorecard, computed from the register: each check from its records, "not enough data"
where the register holds nothing, the organisation's mean, and the stored table of the statistics."""

from datetime import date

import pytest

from coopdec.actors.models import Membership
from coopdec.common.versions import save_with_history
from coopdec.cooperation import services as cooperation
from coopdec.cooperation.models import IndicatorDisaggregation
from coopdec.strategy.models import Scorecard
from coopdec.strategy.scorecard import compute, organisation_principles, partnership_principles, scorecards_refresh
from tests import factories

from .factories import make_world, value

pytestmark = pytest.mark.django_db
TODAY = date(2026, 12, 6)


def _checks(partnership) -> dict:
    card = compute([partnership.pk], today=TODAY)[partnership.pk]
    return {code: check.met for code, check in card.checks.items()}


def test_scorecard_of_a_bare_partnership_says_not_enough_data():
    paris = factories.make_organisation("Ville de Paris", geonameid=2988507)
    dakar = factories.make_organisation("Ville de Dakar", geonameid=2253354)
    partnership = factories.make_partnership(paris, dakar)
    principles = partnership_principles(partnership)
    assert [(p["principle"], p["score"]) for p in principles] == [
        ("partnership", None),
        ("subsidiarity", None),
        ("sustainability", None),
        ("equity", None),
    ]
    assert principles[0]["evidence"][0] == {
        "code": "agreement",
        "label": "A signed agreement of the partnership is recorded",
        "met": False,
        "known": True,
        "record": f"/partnerships/{partnership.pk}/",
        "detail": "",
    }


def test_scorecard_reads_each_check_from_the_register():
    world = make_world()
    partnership, paris, dakar = world["partnership"], world["paris"], world["dakar"]
    water, schools = world["water"], world["schools"]
    cooperation.document_add(
        partnership=partnership,
        title={"en": "Agreement"},
        url="https://example.org/a.pdf",
        is_agreement=True,
        signed_on=date(2022, 1, 10),
        renewal_on=date(2027, 1, 10),
    )
    for project in (water, schools):
        project.recipient_countries.create(country_id="SN")
    # Dakar leads the schools project; Paris leads the water one, where Dakar implements.
    cooperation.participant_add(project=water, organisation=dakar, role="4")
    ngo = factories.make_organisation("ONG Sénégal", geonameid=None, country_id="SN", kind="ngo")
    cooperation.participant_add(project=schools, organisation=ngo, role="4")
    cooperation.contribution_add(project=water, organisation=paris, kind="staff_time", amount=1000, year=2025)
    cooperation.contribution_add(project=water, organisation=dakar, kind="staff_time", amount=500, year=2025)
    cooperation.contribution_add(project=water, organisation=paris, kind="cash", amount=8000, year=2025)
    cooperation.contribution_add(project=schools, organisation=dakar, kind="cash", amount=2000, year=2025)
    cooperation.contribution_add(
        project=water, contributor_name="Agence", role="funder", kind="cash", amount=5000, year=2024
    )
    value(world["households"], dakar, 2025, 100)
    measured = value(world["latrines"], paris, 2025, 3)
    IndicatorDisaggregation.objects.create(
        indicator_value=measured, measure="actual", dimensions={"sex": "female"}, value=2
    )
    editor_paris, editor_dakar = factories.make_member(paris), factories.make_member(dakar)
    for user in (editor_paris, editor_dakar):
        partnership.refresh_from_db()
        save_with_history(partnership, user=user)
    water.beneficiaries_count = 1000
    water.planned_end = date(2027, 12, 31)
    water.save()

    checks = _checks(partnership)
    assert checks == {
        "agreement": True,
        "joint_steering": True,
        "results_both": True,
        "reciprocity": True,
        "local_lead": True,
        "local_civil_society": True,
        "continues": True,
        "local_cofunding": True,
        "environment": None,
        "renewal": True,
        "budget_share": True,
        "gender": True,
        "beneficiaries": True,
    }
    scores = {p["principle"]: p["score"] for p in partnership_principles(partnership)}
    assert scores == {"partnership": 100, "subsidiarity": 100, "sustainability": 100, "equity": 100}


def test_scorecard_counts_only_approved_results_and_one_sided_steering():
    world = make_world()
    partnership, paris, dakar = world["partnership"], world["paris"], world["dakar"]
    value(world["households"], dakar, 2025, 100, status="submitted")
    value(world["latrines"], paris, 2025, 3)
    save_with_history(partnership, user=factories.make_member(paris))
    checks = _checks(partnership)
    assert (checks["results_both"], checks["joint_steering"]) == (False, False)
    card = compute([partnership.pk], today=TODAY)[partnership.pk]
    assert card.checks["results_both"].detail == "1 of 2 sides"
    assert card.checks["results_both"].record == f"/projects/{world['schools'].pk}/"


def test_scorecard_leaves_out_draft_projects():
    world = make_world()
    world["water"].publication_status = "draft"
    world["water"].save()
    world["schools"].delete()
    card = compute([world["partnership"].pk], today=TODAY)[world["partnership"].pk]
    assert card.checks["beneficiaries"].met is None
    assert card.checks["beneficiaries"].detail == "no published project"


def test_organisation_scorecard_is_the_mean_of_its_partnerships():
    world = make_world()
    paris, dakar = world["paris"], world["dakar"]
    cooperation.document_add(
        partnership=world["partnership"], title={"en": "A"}, url="https://e.org/a", is_agreement=True
    )
    lyon = factories.make_organisation("Ville de Lyon", geonameid=2996944)
    factories.make_partnership(paris, lyon)
    Membership.objects.all().delete()
    principles = organisation_principles(paris)
    partnership = principles[0]
    assert partnership["principle"] == "partnership"
    assert [item["record"] for item in partnership["evidence"]][-1] == f"/partnerships/{world['partnership'].pk}/"
    assert organisation_principles(dakar)[0]["evidence"][0]["label"] == world["partnership"].display_title


def test_scorecards_refresh_stores_partnerships_and_organisations():
    world = make_world()
    cooperation.document_add(
        partnership=world["partnership"], title={"en": "A"}, url="https://e.org/a", is_agreement=True
    )
    draft = factories.make_partnership(world["paris"], published=False)
    assert scorecards_refresh(today=TODAY) == 1
    stored = Scorecard.objects.get(partnership=world["partnership"])
    assert stored.evidence["agreement"] is True
    assert stored.evidence["environment"] is None
    assert not Scorecard.objects.filter(partnership=draft).exists()
    assert set(Scorecard.objects.filter(organisation__isnull=False).values_list("organisation_id", flat=True)) == {
        world["paris"].pk,
        world["dakar"].pk,
    }
    scorecards_refresh([world["partnership"].pk], today=TODAY)
    assert Scorecard.objects.count() == 3


def test_compute_reads_a_fixed_number_of_queries(django_assert_max_num_queries):
    world = make_world()
    others = [factories.make_partnership(world["paris"], world["dakar"]) for _ in range(5)]
    for partnership in others:
        factories.make_project(partnership=partnership, lead=world["paris"])
    with django_assert_max_num_queries(16):
        cards = compute([world["partnership"].pk, *(p.pk for p in others)], today=TODAY)
    assert len(cards) == 6
