import pytest
from django.core.management import call_command

from coopdec.common.models import ReferenceDataset
from coopdec.territories import loaders as places
from coopdec.territories.models import Country, Locality, Subdivision
from coopdec.vocabularies import loaders as vocabularies
from coopdec.vocabularies.models import Axis, CodelistItem

pytestmark = pytest.mark.django_db


def test_countries_are_the_249_iso_countries_plus_kosovo():
    assert Country.objects.exclude(code="XK").count() == 249
    france = Country.objects.get(code="FR")
    assert france.names == {"en": "France", "fr": "France", "es": "Francia", "pt": "França"}
    assert france.continent == "EU"
    assert Country.objects.get(code="SN").names["fr"] == "Sénégal"
    assert Country.objects.get(code="DE").names["fr"] == "Allemagne"


def test_countries_show_the_names_people_use():
    names = {code: Country.objects.get(code=code).names for code in ("RU", "TW", "LA", "SN")}

    assert names["RU"] == {
        "en": "Russia",
        "fr": "Russie",
        "es": "Rusia",
        "pt": "Rússia",
    }  # ISO: "Russie, Fédération de"
    assert names["TW"]["pt"] == "Taiwan"
    assert names["LA"]["fr"] == "Laos"
    assert names["SN"] == {"en": "Senegal", "fr": "Sénégal", "es": "Senegal", "pt": "Senegal"}  # ISO's, untouched


def test_subdivisions_are_loaded_with_parents():
    assert Subdivision.objects.count() > 5000
    assert Subdivision.objects.get(code="FR-IDF").name == "Île-de-France"
    assert Subdivision.objects.get(code="FR-75C").country_id == "FR"


def test_codelists_cover_what_the_product_uses():
    sectors = CodelistItem.objects.filter(codelist="Sector")
    assert sectors.count() >= 300
    assert sectors.get(code="14030").names["fr"].startswith("Approvisionnement en eau potable")
    assert sectors.get(code="14030").category == "140"
    for name in [
        "SectorCategory",
        "OrganisationType",
        "OrganisationRole",
        "ActivityStatus",
        "TransactionType",
        "AidType",
        "FinanceType",
        "FlowType",
        "Currency",
        "Region",
        "DocumentCategory",
    ]:
        assert CodelistItem.objects.filter(codelist=name).exists(), name
    assert CodelistItem.objects.filter(codelist="UNSDG-Goals").count() == 17
    assert CodelistItem.objects.filter(codelist="UNSDG-Targets").count() == 169


def test_axes_map_to_existing_sector_categories_and_sectors():
    assert Axis.objects.count() == 12
    categories = set(CodelistItem.objects.filter(codelist="SectorCategory").values_list("code", flat=True))
    sectors = set(CodelistItem.objects.filter(codelist="Sector").values_list("code", flat=True))
    for axis in Axis.objects.all():
        assert set(axis.names) == {"fr", "en", "es", "pt"}
        assert set(axis.sector_categories) <= categories, axis.code
        assert set(axis.sectors) <= sectors, axis.code
        assert {s[:3] for s in axis.sectors} <= set(axis.sector_categories), axis.code


def test_locality_slice_has_real_places():
    dakar = Locality.objects.get(geonameid=2253354)
    assert (dakar.name, dakar.country_id) == ("Dakar", "SN")
    assert dakar.population > 1_000_000
    assert Locality.objects.filter(name_folded="saint-etienne", country_id="FR").exists()


def test_loading_again_changes_nothing():
    before = {d.name: (d.checksum, d.row_count, d.loaded_at) for d in ReferenceDataset.objects.all()}
    results = [
        places.load_countries(),
        places.load_subdivisions(),
        vocabularies.load_codelists(),
        vocabularies.load_axes(),
    ]
    assert all(r.skipped for r in results)
    after = {d.name: (d.checksum, d.row_count, d.loaded_at) for d in ReferenceDataset.objects.all()}
    assert after == before


def test_forced_reload_upserts_without_duplicates():
    count = Country.objects.count()
    result = places.load_countries(force=True)
    assert not result.skipped
    assert Country.objects.count() == count


def test_failed_load_leaves_previous_data(monkeypatch):
    count = CodelistItem.objects.count()

    def broken(path):
        raise RuntimeError("interrupted")

    monkeypatch.setattr(vocabularies, "parse_codelist", broken)
    with pytest.raises(RuntimeError):
        vocabularies.load_codelists(force=True)
    assert CodelistItem.objects.count() == count


@pytest.mark.integration
def test_full_reference_load_counts(django_db_blocker):
    """The whole GeoNames cities500 file: at least 230,000 localities; a second run changes nothing."""
    call_command("load_reference", force=False)
    assert Locality.objects.count() >= 230_000
    assert Country.objects.exclude(code="XK").count() == 249
    stamp = ReferenceDataset.objects.get(name="localities").loaded_at
    call_command("load_reference")
    assert ReferenceDataset.objects.get(name="localities").loaded_at == stamp
