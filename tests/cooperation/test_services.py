import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from coopdec.cooperation import services
from coopdec.cooperation.models import Contribution, Document, IndicatorValue, Partnership, Project
from tests.factories import (
    make_member,
    make_organisation,
    make_partnership,
    make_project,
    make_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def sides():
    return make_organisation("Ville de Lyon", geonameid=2996944), make_organisation("Ville de Dakar", geonameid=2253354)


def test_partnership_create_with_one_party_refused_and_writes_nothing(sides):
    lyon, _dakar = sides
    with pytest.raises(ValidationError) as error:
        services.partnership_create(parties=[lyon], kind="twinning")
    assert "at least two parties" in error.value.message_dict["parties"][0]
    assert Partnership.objects.count() == 0


def test_partnership_create_records_parties_roles_and_author(sides):
    lyon, dakar = sides
    user = make_member(lyon)
    partnership = services.partnership_create(
        user=user, parties=[(lyon, "lead"), dakar], kind="agreement", title={"fr": "Lyon – Dakar", "de": "ignored"}
    )
    assert partnership.title == {"fr": "Lyon – Dakar"}
    assert sorted(partnership.party_links.values_list("organisation__name", "role")) == [
        ("Ville de Dakar", "partner"),
        ("Ville de Lyon", "lead"),
    ]
    assert partnership.form == "bilateral"
    assert partnership.history.first().history_user == user


def test_partnership_create_by_outsider_refused(sides):
    outsider = make_member(make_organisation("Bordeaux", geonameid=3031582))
    with pytest.raises(ValidationError):
        services.partnership_create(user=outsider, parties=list(sides))


def test_partnership_dates_end_before_start_refused(sides):
    with pytest.raises(ValidationError) as error:
        services.partnership_create(
            parties=list(sides), start_date=datetime.date(2024, 1, 1), end_date=datetime.date(2023, 1, 1)
        )
    assert error.value.message_dict["end_date"] == ["The end date (2023-01-01) is before the start date (2024-01-01)."]


def test_party_remove_keeps_two_parties(sides):
    partnership = make_partnership(*sides)
    with pytest.raises(ValidationError):
        services.party_remove(party=partnership.party_links.first())
    third = make_organisation("Bordeaux", geonameid=3031582)
    link = services.party_add(partnership=partnership, organisation=third)
    assert partnership.form == "multilateral"
    services.party_remove(party=link)
    assert partnership.party_links.count() == 2


def test_project_create_sector_percentages_must_total_100(sides):
    partnership = make_partnership(*sides)
    with pytest.raises(ValidationError) as error:
        services.project_create(partnership=partnership, title={"fr": "Eau"}, sectors={"14030": 60, "14031": 30})
    assert error.value.message_dict["sectors"] == [
        "The sector percentages add up to 90%, not 100%: adjust them so that they total 100."
    ]
    assert Project.objects.count() == 0


def test_project_create_per_vocabulary_sums_and_sdgs(sides):
    partnership = make_partnership(*sides)
    project = services.project_create(
        partnership=partnership,
        title={"fr": "Eau potable à Dakar"},
        sectors=[("1", "14030", 70), ("1", "14031", 30), ("2", "140", None)],
        sdgs=["6", "6.1"],
        currency="xof",
        planned_start=datetime.date(2024, 1, 1),
        planned_end=datetime.date(2026, 12, 31),
    )
    assert sorted(project.sectors.values_list("vocabulary", "code", "percentage")) == [
        ("1", "14030", Decimal("70.00")),
        ("1", "14031", Decimal("30.00")),
        ("2", "140", Decimal("100.00")),
    ]
    assert sorted(project.sdgs.values_list("target", flat=True)) == ["6", "6.1"]
    assert project.currency == "XOF"


def test_project_unknown_sdg_and_sector_refused(sides):
    partnership = make_partnership(*sides)
    with pytest.raises(ValidationError) as error:
        services.project_create(partnership=partnership, title={"fr": "Eau"}, sdgs=["6.99"])
    assert error.value.message_dict["sdgs"] == ["“6.99” is not an SDG goal or target (for example 6 or 6.1)."]
    with pytest.raises(ValidationError):
        services.project_create(partnership=partnership, title={"fr": "Eau"}, sectors={"99999": 100})


def test_project_unknown_currency_refused(sides):
    with pytest.raises(ValidationError) as error:
        services.project_create(lead_organisation=sides[0], title={"fr": "Eau"}, currency="ABC")
    assert "not a known currency code" in error.value.message_dict["currency"][0]


def test_contribution_currency_validated_and_history_kept(sides):
    project = make_project(partnership=make_partnership(*sides))
    user = make_user()
    with pytest.raises(ValidationError) as error:
        services.contribution_add(project=project, organisation=sides[0], amount="1000", currency="EURO")
    assert "currency" in error.value.message_dict
    contribution = services.contribution_add(
        project=project, organisation=sides[0], amount="120000.50", currency="eur", user=user
    )
    assert (contribution.amount, contribution.currency) == (Decimal("120000.50"), "EUR")
    assert Contribution.history.first().history_user == user


def test_indicator_value_measured_in_a_party_territory_only(sides):
    project = make_project(partnership=make_partnership(*sides))
    result = services.result_create(project=project, title={"fr": "Accès à l'eau amélioré"})
    indicator = services.indicator_create(result=result, title={"fr": "Ménages raccordés"})
    value = services.indicator_value_set(
        indicator=indicator,
        territory=sides[1],
        period_start=datetime.date(2024, 1, 1),
        period_end=datetime.date(2024, 12, 31),
        baseline=120,
        target=800,
        actual=450,
    )
    assert value.territory == sides[1]
    with pytest.raises(ValidationError):
        services.indicator_value_set(
            indicator=indicator,
            territory=make_organisation("Bordeaux", geonameid=3031582),
            period_start=datetime.date(2024, 1, 1),
            period_end=datetime.date(2024, 12, 31),
        )
    assert IndicatorValue.objects.count() == 1


PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_document_add_accepts_pdf(sides, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    project = make_project(partnership=make_partnership(*sides))
    document = services.document_add(
        project=project, title={"fr": "Convention"}, file=SimpleUploadedFile("convention.pdf", PDF)
    )
    assert document.format == "application/pdf"
    assert (tmp_path / document.file.name).read_bytes() == PDF


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("drawing.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "are not accepted"),
        ("page.html", b"<html><script>alert(1)</script></html>", "are not accepted"),
        ("fake.pdf", b"<html><script>alert(1)</script></html>", "does not match"),
    ],
)
def test_document_add_refuses_hostile_files(sides, settings, tmp_path, name, content, message):
    settings.MEDIA_ROOT = tmp_path
    project = make_project(partnership=make_partnership(*sides))
    with pytest.raises(ValidationError) as error:
        services.document_add(project=project, title={"fr": "X"}, file=SimpleUploadedFile(name, content))
    assert message in error.value.message_dict["file"][0]
    assert Document.objects.count() == 0


def test_document_add_refuses_files_over_the_limit(sides, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.MAX_UPLOAD_SIZE = 1024
    project = make_project(partnership=make_partnership(*sides))
    with pytest.raises(ValidationError) as error:
        services.document_add(project=project, title={"fr": "X"}, file=SimpleUploadedFile("big.pdf", PDF + b"0" * 2000))
    assert error.value.message_dict["file"] == ["The file is too large (0.0 MB); the limit is 0 MB."]


def test_partnership_delete_refused_while_projects_depend_on_it(sides):
    partnership = make_partnership(*sides)
    make_project(partnership=partnership)
    with pytest.raises(ValidationError, match="no lead organisation"):
        services.partnership_delete(partnership=partnership)
    assert Partnership.objects.count() == 1


def test_organisation_delete_refused_while_it_is_one_of_two_parties(sides):
    from coopdec.actors.services import organisation_delete

    partnership = make_partnership(*sides)
    with pytest.raises(ValidationError) as error:
        organisation_delete(organisation=sides[0])
    assert f"one of the two parties of 1 partnership(s) (#{partnership.pk})" in error.value.messages[0]
    assert partnership.party_links.count() == 2
    third = make_organisation("Nantes", geonameid=2990969)
    services.party_add(partnership=partnership, organisation=third)
    organisation_delete(organisation=sides[0])
    assert sorted(partnership.party_links.values_list("organisation__name", flat=True)) == sorted(
        [sides[1].name, "Nantes"]
    )


def test_organisation_delete_refused_while_it_leads_projects(sides):
    from coopdec.actors.services import organisation_delete

    make_project(lead=sides[0])
    with pytest.raises(ValidationError, match="leads projects"):
        organisation_delete(organisation=sides[0])
