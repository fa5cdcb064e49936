"""Practice pages as their users see them: authors write and ask for review, a coordinator publishes,
visitors read published ones with the projects' approved results only; nothing a writer types runs."""

import pytest
from django.urls import reverse

from coopdec.actors.models import MembershipRole
from coopdec.knowledge import services
from coopdec.knowledge.models import Practice, PracticeRevision
from tests import factories

from .factories import add_results, make_practice, world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return world()


def test_author_creates_a_draft_from_the_form(client, w):
    client.force_login(w["editor"])
    assert client.get(reverse("knowledge:practice_create")).status_code == 200
    response = client.post(
        reverse("knowledge:practice_create"),
        {
            "title_fr": "Comités de l'eau",
            "summary_fr": "Des comités d'usagers gèrent les bornes-fontaines.",
            "organisations": [w["paris"].pk],
            "projects": [w["project"].pk],
            "axes": ["water-sanitation"],
            "sectors": "14030, 14031",
            "sdgs": "6",
            "countries": "sn",
        },
    )
    practice = Practice.objects.get()
    assert response.status_code == 302 and response["Location"] == practice.get_absolute_url()
    assert (practice.sectors, practice.countries, practice.is_published) == (["14030", "14031"], ["SN"], False)


def test_form_shows_the_services_refusals_on_their_fields(client, w):
    client.force_login(w["editor"])
    response = client.post(
        reverse("knowledge:practice_create"),
        {"title_fr": "T", "summary_fr": "S", "organisations": [w["paris"].pk], "sectors": "99999"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["sectors"] == [
        "“99999” is not a DAC 5-digit sector code; pick one from the list."
    ]
    assert Practice.objects.count() == 0


def test_participant_of_no_organisation_cannot_write(client, w):
    client.force_login(factories.make_user())
    assert client.get(reverse("knowledge:practice_create")).status_code == 403
    practice = make_practice(w, publish=True)
    assert client.post(reverse("knowledge:practice_update", args=[practice.pk]), {"title_fr": "X"}).status_code == 403


def test_visitor_sees_no_draft(client, w):
    practice = make_practice(w)
    assert client.get(practice.get_absolute_url()).status_code == 404
    assert client.get(f"/api/v1/practices/{practice.pk}").status_code == 404


def test_published_practice_shows_only_approved_values(client, w, django_capture_on_commit_callbacks):
    add_results(w["project"])
    with django_capture_on_commit_callbacks(execute=True):
        practice = make_practice(w, publish=True)
    page = client.get(practice.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Foyers raccordés" in page
    assert ">120<" in page
    assert "987654" not in page


def test_text_with_html_shows_escaped(client, w, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        practice = make_practice(
            w, publish=True, title={"fr": "<script>alert(1)</script>"}, lessons={"fr": '<img src=x onerror="x()">'}
        )
    page = client.get(practice.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=&quot;x()&quot;&gt;" in page


def test_review_walk_submit_publish(client, w, django_capture_on_commit_callbacks):
    practice = make_practice(w)
    client.force_login(w["editor"])
    client.post(reverse("knowledge:practice_submit", args=[practice.pk]))
    coordinator = factories.make_user(is_coordinator=True)
    client.force_login(coordinator)
    queue = client.get(reverse("knowledge:review")).content.decode()
    assert practice.get_absolute_url() in queue
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("knowledge:practice_review", args=[practice.pk]), {"decision": "publish"})
    practice.refresh_from_db()
    assert practice.is_published
    client.logout()
    listing = client.get(reverse("knowledge:practice_list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert practice.get_absolute_url() in listing
    assert "1 good practice" in listing


def test_editor_cannot_publish_without_review(client, w):
    practice = make_practice(w)
    client.force_login(w["editor"])
    response = client.post(reverse("knowledge:practice_review", args=[practice.pk]), {"decision": "publish"})
    assert response.status_code == 403
    practice.refresh_from_db()
    assert not practice.is_published


def test_oversized_document_is_refused_with_a_message(client, w, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MAX_UPLOAD_SIZE = 2048
    practice = make_practice(w)
    client.force_login(w["editor"])
    response = client.post(
        reverse("knowledge:practice_document_add", args=[practice.pk]),
        {"title_fr": "Guide", "file": SimpleUploadedFile("guide.pdf", b"%PDF-1.4\n" + b"0" * 4000)},
        follow=True,
    )
    assert "The file is too large" in response.content.decode()
    assert practice.documents.count() == 0


def test_administrator_deletes_a_practice(client, w):
    practice = make_practice(w)
    admin = factories.make_member(w["paris"], role=MembershipRole.ADMIN)
    client.force_login(admin)
    assert client.post(reverse("knowledge:practice_delete", args=[practice.pk])).status_code == 302
    assert not Practice.objects.exists()


def test_history_page_names_each_step_and_restores(client, w):
    practice = make_practice(w)
    first = practice.history.get().history_id
    client.force_login(w["editor"])
    client.post(reverse("knowledge:practice_submit", args=[practice.pk]))
    page = client.get(reverse("knowledge:practice_history", args=[practice.pk]), HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert "review requested" in text and "created" in text
    client.post(reverse("knowledge:practice_restore", args=[practice.pk, first]))
    assert practice.history.latest().history_change_reason.startswith("restored ")


def test_coordinator_records_a_practice_for_an_organisation_picked_by_name(client, w):
    client.force_login(factories.make_user(is_coordinator=True))
    assert client.get(reverse("knowledge:practice_create")).status_code == 200
    response = client.post(
        reverse("knowledge:practice_create"),
        {"title_fr": "Cantines", "summary_fr": "Des cantines scolaires.", "organisations": [w["lyon"].pk]},
    )
    assert response.status_code == 302
    assert list(Practice.objects.get().organisations.all()) == [w["lyon"]]


def test_public_reads_the_reviewed_version_while_changes_wait(client, w, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        practice = make_practice(w, publish=True)
    client.force_login(w["editor"])
    response = client.post(
        reverse("knowledge:practice_update", args=[practice.pk]),
        {"title_fr": "Titre revu", "summary_fr": "Un résumé revu.", "organisations": [w["paris"].pk]},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 302
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Your changes are sent to the coordinators for review." in page
    assert "<strong>Title</strong>: <del>Water committees</del> → <ins>Titre revu</ins>" in page
    form = client.get(reverse("knowledge:practice_update", args=[practice.pk])).content.decode()
    assert 'value="Titre revu"' in form  # the authors go on from their changes
    client.logout()
    public = client.get(practice.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Comités de l&#x27;eau" in public and "Titre revu" not in public and "pending-changes" not in public
    api = client.get(f"/api/v1/practices/{practice.pk}").json()
    assert api["title"]["fr"] == "Comités de l'eau"
    client.force_login(factories.make_user(is_coordinator=True))
    queue = client.get(reverse("knowledge:review"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"{practice.get_absolute_url()}#pending-changes" in queue
    response = client.post(reverse("knowledge:practice_review", args=[practice.pk]), {"decision": "publish"})
    assert response.status_code == 302
    client.logout()
    public = client.get(practice.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Titre revu" in public


def test_history_page_shows_the_authors_and_projects_changed(client, w):
    practice = make_practice(w)
    services.practice_update(practice=practice, user=w["editor"], projects=[])
    client.force_login(w["editor"])
    page = client.get(reverse("knowledge:practice_history", args=[practice.pk]), HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert "<strong>Projects</strong>: <del>Access to drinking water</del> → <ins>—</ins>" in text
    assert "Restoring a version saves it as the newest one (nothing is erased), with what it held then: " in text


def test_authors_discard_their_changes_and_others_may_not(client, w):
    practice = make_practice(w, publish=True)
    services.practice_update(practice=practice, user=w["editor"], title={"fr": "Nouveau titre"})
    url = reverse("knowledge:practice_changes_discard", args=[practice.pk])
    client.force_login(factories.make_member(w["lyon"]))
    assert client.post(url).status_code == 403
    assert PracticeRevision.objects.filter(practice=practice).exists()
    client.force_login(w["editor"])
    response = client.post(url, HTTP_ACCEPT_LANGUAGE="en")
    assert "The changes are discarded" in client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert not PracticeRevision.objects.exists()
    practice.refresh_from_db()
    assert practice.title["fr"] == "Comités de l'eau"


def test_write_to_the_authors_is_offered_only_to_who_can_write(client, w, django_capture_on_commit_callbacks):
    """Visitors are asked to sign in; an editor of another organisation writes; a signed-in user of no
    organisation, or the authors themselves, are not offered a link that the proposal form would refuse."""
    with django_capture_on_commit_callbacks(execute=True):
        practice = make_practice(w, publish=True)
    url = practice.get_absolute_url()
    write = reverse("matching:proposal_create", args=[w["paris"].pk])
    assert write in client.get(url).content.decode()
    client.force_login(factories.make_user())
    assert write not in client.get(url).content.decode()
    client.force_login(w["editor"])  # an editor of Paris, the author
    assert write not in client.get(url).content.decode()
    lyon_editor = factories.make_member(w["lyon"])
    client.force_login(lyon_editor)
    assert write in client.get(url).content.decode()
    assert client.get(write).status_code == 200
