"""Web import: access, upload, preview with problems per row, confirmation, drafts for non-coordinators."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from coopdec.actors.models import Membership, Organisation
from coopdec.common.models import PublicationStatus
from coopdec.cooperation.models import Partnership
from coopdec.interop.spreadsheet.services import COLUMNS
from tests.factories import make_member, make_organisation, make_user

pytestmark = pytest.mark.django_db

ROWS = [
    ["Ville de Lyon", "municipality", "Lyon", "France", "", "", "Dakar", "Senegal", "twinning", "", "", ""],
    ["", "municipality", "Illingen", "Germany", "", "", "", "", "", "", "", ""],
]


@pytest.fixture(autouse=True)
def _private_var(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path  # stored uploads go to the media storage, under imports/
    settings.LANGUAGE_CODE = "en"


def upload(rows=ROWS, name="partners.csv"):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return SimpleUploadedFile(name, out.getvalue().encode("utf-8"), content_type="text/csv")


@pytest.fixture
def editor(client):
    user = make_member(make_organisation("Ville de Paris"))
    client.force_login(user)
    return user


def test_import_requires_an_editor(client):
    url = reverse("interop:import_upload")
    assert client.get(url).status_code == 302
    client.force_login(make_user())
    assert client.get(url).status_code == 403


def test_template_download_lists_the_columns(client):
    response = client.get(reverse("interop:import_template"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="coopdec-import-template.csv"'
    assert response.content.decode().splitlines()[0] == ",".join(COLUMNS)


def test_upload_preview_confirm_as_drafts(client, editor, tmp_path):
    response = client.post(reverse("interop:import_upload"), {"file": upload()})
    assert response.status_code == 302
    preview = response["Location"]
    page = client.get(preview).content.decode()
    assert "1 row ready to import; 1 row with problems (left out)." in page
    assert "Illingen, Germany: place ambiguous" in page
    assert Organisation.objects.count() == 1  # only the editor's own organisation so far

    response = client.post(preview, {"confirm": "1"})
    assert response.status_code == 302
    lyon = Organisation.objects.get(locality_id=2996944)
    assert lyon.publication_status == PublicationStatus.DRAFT
    assert Partnership.objects.get().publication_status == PublicationStatus.DRAFT
    assert not Membership.objects.filter(user=editor, organisation=lyon).exists()
    assert list((tmp_path / "imports").glob("*.json")) == []
    assert client.get(preview).status_code == 404


def test_preview_belongs_to_its_uploader(client, editor):
    preview = client.post(reverse("interop:import_upload"), {"file": upload()})["Location"]
    client.force_login(make_member(make_organisation("Marseille", geonameid=2995469)))
    assert client.get(preview).status_code == 404
    assert client.post(preview, {"confirm": "1"}).status_code == 404
    assert Partnership.objects.count() == 0


def test_coordinator_import_is_published(client):
    client.force_login(make_user(is_coordinator=True))
    preview = client.post(reverse("interop:import_upload"), {"file": upload()})["Location"]
    client.post(preview, {"confirm": "1"})
    assert Organisation.objects.get(locality_id=2996944).publication_status == PublicationStatus.PUBLISHED


def test_upload_refuses_large_and_unreadable_files(client, editor, settings):
    settings.MAX_UPLOAD_SIZE = 100
    response = client.post(reverse("interop:import_upload"), {"file": upload()})
    assert response.status_code == 200
    assert "the limit is 100" in response.content.decode()
    settings.MAX_UPLOAD_SIZE = 10_000_000
    bad = SimpleUploadedFile("x.csv", b"name,place\nLyon,France\n", content_type="text/csv")
    page = client.post(reverse("interop:import_upload"), {"file": bad}).content.decode()
    assert "The columns do not match" in page


def test_cancel_discards_the_upload(client, editor):
    preview = client.post(reverse("interop:import_upload"), {"file": upload()})["Location"]
    assert client.post(preview, {"cancel": "1"}).status_code == 302
    assert client.get(preview).status_code == 404
    assert Partnership.objects.count() == 0


def test_duplicates_page_and_merge_are_for_coordinators(client):
    keep = make_organisation("Ville de Paris")
    drop = make_organisation("Paris")
    client.force_login(make_member(keep))
    assert client.get(reverse("interop:duplicates")).status_code == 403
    assert client.post(reverse("interop:duplicates_merge", args=[keep.pk, drop.pk])).status_code == 403
    client.force_login(make_user(is_coordinator=True))
    page = client.get(reverse("interop:duplicates")).content.decode()
    assert reverse("interop:duplicates_merge", args=[keep.pk, drop.pk]) in page
    assert "1 pair of records that may stand for the same organisation." in page
    confirm = client.get(reverse("interop:duplicates_merge", args=[keep.pk, drop.pk]))
    assert "Merged into it, then removed" in confirm.content.decode()
    assert client.post(reverse("interop:duplicates_merge", args=[keep.pk, drop.pk])).status_code == 302
    assert list(Organisation.objects.values_list("pk", flat=True)) == [keep.pk]
    assert client.get(reverse("interop:duplicates_merge", args=[keep.pk, drop.pk])).status_code == 404
