"""The knowledge pages: About and FAQ seeded with today's content, edited by coordinators only,
with history and restore; Markdown rendered through the sanitiser."""

import re
from pathlib import Path

import lxml.html
import pytest
from django.urls import reverse

from coopdec.knowledge import services
from coopdec.knowledge.markup import render
from coopdec.knowledge.models import Page
from tests import factories

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parent / "data"
LEAVES = ("h1", "h2", "p", "li", "dt", "dd", "strong")


def _leaves(html: str) -> list[tuple[str, str | None, str]]:
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    return [
        (element.tag, element.get("id"), re.sub(r"\s+", " ", element.text_content()).strip())
        for element in root.iter(*LEAVES)
    ]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_seeded_about_page_equals_the_former_template(client, language):
    former = (DATA / f"about_{language}.html").read_text(encoding="utf-8")
    response = client.get(reverse("about"), HTTP_ACCEPT_LANGUAGE=language)
    article = re.search(r"<article.*?</article>", response.content.decode(), re.S).group(0)
    assert _leaves(article) == _leaves(former)
    assert f'<article class="prose" lang="{language}">' in article


def test_faq_page_is_seeded_in_french_and_english(client):
    fr = client.get(reverse("faq"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    en = client.get(reverse("faq"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<h1>Questions fréquentes</h1>" in fr
    assert '<h2 id="visibility">Who can see what I record?</h2>' in en


def test_page_in_a_language_not_written_falls_back_with_its_language_marked(client):
    page = client.get(reverse("about"), HTTP_ACCEPT_LANGUAGE="pt").content.decode()
    assert '<html lang="pt">' in page
    assert '<article class="prose" lang="en">' in page


def test_markdown_shows_html_and_scripts_as_text():
    html = render('Hello <script>alert(1)</script> <img src=x onerror="alert(2)"> [x](javascript:alert(3))')
    assert "<script" not in html and "<img" not in html and "javascript:" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_page_update_is_for_coordinators_and_keeps_history(client):
    editor = factories.make_member(factories.make_organisation("Ville de Paris"))
    client.force_login(editor)
    assert client.post(reverse("knowledge:page_update", args=["faq"]), {"title_fr": "X"}).status_code == 403
    coordinator = factories.make_user(is_coordinator=True)
    client.force_login(coordinator)
    response = client.post(
        reverse("knowledge:page_update", args=["faq"]),
        {"title_fr": "FAQ", "title_en": "FAQ", "body_fr": "## Une question {#q}\n\nRéponse <b>forte</b>."},
    )
    assert response.status_code == 302 and response["Location"] == "/faq/"
    page = client.get("/faq/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert '<h2 id="q">Une question</h2>' in page
    assert "Réponse &lt;b&gt;forte&lt;/b&gt;." in page
    faq = Page.objects.get(slug="faq")
    assert faq.history.count() == 2


def test_page_restore_brings_back_the_seeded_text(client):
    faq = Page.objects.get(slug="faq")
    seeded = faq.body
    first = faq.history.earliest().history_id
    services.page_update(page=faq, user=None, title={"fr": "Vide"}, body={})
    client.force_login(factories.make_user(is_coordinator=True))
    history = client.get(reverse("knowledge:page_history", args=["faq"]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    restore_url = reverse("knowledge:page_restore", args=["faq", first])
    assert f'action="{restore_url}"' in history
    assert "<strong>title</strong>" in history  # the shared history page names each field changed
    response = client.post(restore_url)
    assert response["Location"] == "/faq/"
    faq.refresh_from_db()
    assert faq.body == seeded
    reasons = [v.history_change_reason for v in faq.history.order_by("history_id")][1:]
    assert reasons[0] == "changed" and reasons[1].startswith("restored ")
    assert len(reasons) == 2
