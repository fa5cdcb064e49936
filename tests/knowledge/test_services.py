import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from coopdec.actors.models import CountryCoordinator
from coopdec.atlas.models import SearchDocument
from coopdec.common.models import PublicationStatus
from coopdec.common.versions import relations_at
from coopdec.knowledge import selectors, services
from coopdec.knowledge.models import Practice, PracticeRevision
from tests import factories

from .factories import make_practice, world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return world()


def test_practice_create_is_a_draft_with_one_version(w):
    practice = make_practice(w)
    assert practice.publication_status == PublicationStatus.DRAFT
    assert list(practice.organisations.all()) == [w["paris"]]
    assert list(practice.projects.all()) == [w["project"]]
    versions = list(practice.history.all())
    assert [(v.history_type, v.history_change_reason) for v in versions] == [("+", "created")]
    assert relations_at(versions[0]) == {"organisations": [[w["paris"].pk]], "projects": [[w["project"].pk]]}


def test_practice_create_refuses_an_author_the_user_does_not_edit(w):
    with pytest.raises(ValidationError) as error:
        make_practice(w, organisations=[w["lyon"]], projects=[])
    assert "organisation you edit" in str(error.value)


def test_practice_create_refuses_a_project_of_no_author(w):
    other = factories.make_project(partnership=factories.make_partnership(w["lyon"], w["dakar"]), lead=w["lyon"])
    with pytest.raises(ValidationError) as error:
        make_practice(w, projects=[other])
    assert error.value.message_dict["projects"] == [
        "“Access to drinking water” involves none of the authors; link only projects they took part in."
    ]


def test_practice_create_refuses_unknown_codes(w):
    with pytest.raises(ValidationError) as error:
        make_practice(w, axes=["flying"], sectors=["99999"], sdgs=["18"], countries=["XX"])
    assert set(error.value.message_dict) == {"axes", "sectors", "sdgs", "countries"}
    assert Practice.objects.count() == 0


def test_practice_create_refuses_a_summary_over_400_words(w):
    with pytest.raises(ValidationError) as error:
        make_practice(w, summary={"en": "word " * 401})
    assert error.value.message_dict["summary"] == [
        "The summary in “en” has 401 words; keep it to about 250 (at most 400) and put the details in the "
        "sections below."
    ]


def test_practice_create_refuses_control_characters_in_the_title(w):
    with pytest.raises(ValidationError):
        make_practice(w, title={"fr": "Comités\x00"})
    assert Practice.objects.count() == 0


def test_practice_create_fills_countries_from_the_authors_when_none(w):
    practice = make_practice(w, countries=[])
    assert practice.countries == ["FR"]


def test_practice_update_keeps_one_version_per_change(w):
    practice = make_practice(w)
    services.practice_update(practice=practice, user=w["editor"], organisations=[w["paris"]], title={"fr": "Neuf"})
    practice.refresh_from_db()
    assert practice.title == {"fr": "Neuf"}
    assert [v.history_change_reason for v in practice.history.order_by("history_id")] == ["created", "changed"]


def test_practice_restore_brings_back_text_and_projects(w):
    practice = make_practice(w)
    first = practice.history.get().history_id
    services.practice_update(practice=practice, user=w["editor"], projects=[], title={"fr": "Neuf"})
    services.practice_restore(practice=practice, history_id=first, user=w["editor"])
    practice.refresh_from_db()
    assert practice.title == {"fr": "Comités de l'eau", "en": "Water committees"}
    assert list(practice.projects.all()) == [w["project"]]
    assert practice.history.count() == 3


def test_practice_submit_mails_the_country_coordinators(w, django_capture_on_commit_callbacks):
    coordinator = factories.make_user("coordfr")
    CountryCoordinator.objects.create(user=coordinator, country_id="FR")
    factories.make_user("platform", is_coordinator=True)
    practice = make_practice(w)
    with django_capture_on_commit_callbacks(execute=True):
        services.practice_submit(practice=practice, user=w["editor"])
    assert practice.awaits_review
    assert [message.to for message in mail.outbox] == [["coordfr@example.org"]]
    assert "Comités de l'eau" in mail.outbox[0].subject or "Water committees" in mail.outbox[0].subject


def test_practice_return_needs_a_note_and_mails_the_author(w, django_capture_on_commit_callbacks):
    practice = make_practice(w)
    services.practice_submit(practice=practice, user=w["editor"])
    mail.outbox.clear()
    with pytest.raises(ValidationError):
        services.practice_return(practice=practice, user=None, note="  ")
    with django_capture_on_commit_callbacks(execute=True):
        services.practice_return(practice=practice, user=None, note="Add the costs.")
    practice.refresh_from_db()
    assert (practice.submitted_at, practice.review_note) == (None, "Add the costs.")
    assert mail.outbox[0].to == [w["editor"].email]
    assert "Add the costs." in mail.outbox[0].body


def test_practice_publish_indexes_it_and_unpublish_removes_it(w, django_capture_on_commit_callbacks):
    from coopdec.atlas.models import SearchDocument

    practice = make_practice(w)
    with django_capture_on_commit_callbacks(execute=True):
        services.practice_publish(practice=practice, user=None)
    document = SearchDocument.objects.get(record_type="practice", object_id=practice.pk)
    assert (document.axes, document.sectors, document.sdgs, document.countries, document.kind) == (
        "water-sanitation",
        "140 14030",
        "6",
        "SN",
        "municipality",
    )
    assert "paris" in document.title_text
    with django_capture_on_commit_callbacks(execute=True):
        services.practice_unpublish(practice=practice, user=None)
    assert not SearchDocument.objects.filter(record_type="practice").exists()


def test_practice_document_add_refuses_an_oversized_file(w, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MAX_UPLOAD_SIZE = 1024
    practice = make_practice(w)
    upload = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * 2000)
    with pytest.raises(ValidationError) as error:
        services.practice_document_add(practice=practice, user=w["editor"], title={"fr": "Guide"}, file=upload)
    assert error.value.message_dict["file"] == ["The file is too large (0.0 MB); the limit is 0 MB."]
    assert practice.documents.count() == 0


def test_practice_document_add_accepts_a_pdf(w):
    from django.core.files.uploadedfile import SimpleUploadedFile

    practice = make_practice(w)
    upload = SimpleUploadedFile("guide.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    document = services.practice_document_add(practice=practice, user=w["editor"], title={"fr": "Guide"}, file=upload)
    assert document.format == "application/pdf"


def test_country_coordinator_corrects_a_practice_of_their_country(w):
    coordinator = factories.make_user("coordfr")
    CountryCoordinator.objects.create(user=coordinator, country_id="FR")
    practice = make_practice(w)
    assert coordinator.has_perm("knowledge.change_practice", practice)
    services.practice_update(practice=practice, user=coordinator, organisations=[w["paris"]], title={"fr": "Corrigé"})
    practice.refresh_from_db()
    assert practice.title == {"fr": "Corrigé"}
    with pytest.raises(ValidationError):
        services.practice_update(practice=practice, user=coordinator, organisations=[w["paris"], w["lyon"]])


def test_edit_of_a_published_practice_waits_for_review_and_keeps_the_page(w, django_capture_on_commit_callbacks):
    coordinator = factories.make_user("coordfr")
    CountryCoordinator.objects.create(user=coordinator, country_id="FR")
    practice = make_practice(w, publish=True)
    versions_before = practice.history.count()
    with django_capture_on_commit_callbacks(execute=True):
        services.practice_update(practice=practice, user=w["editor"], title={"fr": "Nouveau titre"}, projects=[])
    practice.refresh_from_db()
    assert practice.is_published
    assert practice.title == {"fr": "Comités de l'eau", "en": "Water committees"}  # what the public reads
    assert list(practice.projects.all()) == [w["project"]]
    assert practice.history.count() == versions_before
    assert practice.pending.fields["title"] == {"fr": "Nouveau titre"}
    assert practice.pending.relations == {"organisations": [[w["paris"].pk]], "projects": []}
    assert [message.to for message in mail.outbox] == [["coordfr@example.org"]]
    assert [p.pk for p in selectors.review_queue(coordinator)[0]] == [practice.pk]
    assert [(str(c["field"]), c["old"], c["new"]) for c in services.revision_changes(practice)] == [
        ("title", "Water committees", "Nouveau titre"),
        ("Projects", "Access to drinking water", "—"),
    ]
    # A second edit starts from the changes waiting, and sends no second mail.
    services.practice_update(practice=practice, user=w["editor"], summary={"fr": "Résumé neuf."})
    practice.refresh_from_db()
    assert practice.pending.fields["title"] == {"fr": "Nouveau titre"}
    assert practice.pending.fields["summary"] == {"fr": "Résumé neuf."}
    assert len(mail.outbox) == 1


def test_publishing_the_changes_makes_them_the_new_version(w, django_capture_on_commit_callbacks):
    practice = make_practice(w, publish=True)
    services.practice_update(practice=practice, user=w["editor"], title={"fr": "Nouveau titre"}, projects=[])
    coordinator = factories.make_user(is_coordinator=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.practice_publish(practice=practice, user=coordinator)
    practice.refresh_from_db()
    assert practice.title == {"fr": "Nouveau titre"}
    assert list(practice.projects.all()) == []
    assert practice.pending is None
    latest = practice.history.latest()
    assert (latest.history_change_reason, latest.history_user) == ("published", coordinator)
    assert relations_at(latest)["projects"] == []
    assert SearchDocument.objects.get(record_type="practice", object_id=practice.pk).titles["fr"] == "Nouveau titre"


def test_changes_sent_back_keep_the_published_text_and_reach_their_author(w, django_capture_on_commit_callbacks):
    practice = make_practice(w, publish=True)
    services.practice_update(practice=practice, user=w["editor"], title={"fr": "Nouveau titre"})
    coordinator = factories.make_user(is_coordinator=True)
    with pytest.raises(ValidationError):
        services.practice_return(practice=practice, user=coordinator, note=" ")
    with django_capture_on_commit_callbacks(execute=True):
        services.practice_return(practice=practice, user=coordinator, note="Citez vos sources.")
    practice.refresh_from_db()
    assert practice.is_published and practice.title["fr"] == "Comités de l'eau"
    assert (practice.pending.submitted_at, practice.pending.review_note) == (None, "Citez vos sources.")
    assert [message.to for message in mail.outbox] == [[w["editor"].email]]
    assert selectors.review_queue(coordinator)[1] == 0
    services.practice_submit(practice=practice, user=w["editor"])
    assert selectors.review_queue(coordinator)[1] == 1


def test_edit_back_to_the_published_text_leaves_nothing_to_review(w):
    practice = make_practice(w, publish=True)
    services.practice_update(practice=practice, user=w["editor"], title={"fr": "Nouveau titre"})
    services.practice_update(practice=practice, user=w["editor"], title=practice.title)
    assert not PracticeRevision.objects.exists()


def test_restore_of_a_published_practice_waits_for_review(w):
    practice = make_practice(w)
    first = practice.history.get().history_id
    services.practice_update(practice=practice, user=w["editor"], title={"fr": "Neuf"}, projects=[])
    services.practice_publish(practice=practice, user=None)
    services.practice_restore(practice=practice, history_id=first, user=w["editor"])
    practice.refresh_from_db()
    assert practice.title == {"fr": "Neuf"}
    assert practice.pending.fields["title"] == {"fr": "Comités de l'eau", "en": "Water committees"}
    assert practice.pending.relations["projects"] == [[w["project"].pk]]


def test_back_to_draft_takes_the_changes_into_the_draft(w):
    practice = make_practice(w, publish=True)
    services.practice_update(practice=practice, user=w["editor"], title={"fr": "Nouveau titre"})
    services.practice_unpublish(practice=practice, user=None)
    practice.refresh_from_db()
    assert (practice.is_published, practice.title, practice.pending) == (False, {"fr": "Nouveau titre"}, None)
