"""No page offers a link that answers its reader with an error: the demo, crawled as each of its
accounts (and as a visitor), a few dozen pages deep, every link in a page's main part followed."""

import re
from collections import deque

import pytest
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db

HREF = re.compile(r'<a [^>]*href="(/[^"#]*)')
# Downloads, machine formats, forms' own actions and endless variants of one list are not pages to read.
SKIP = re.compile(
    r"logout|^/admin/|^/api/|^/i18n/|\.(csv|xlsx|xml|json|geojson|zip|pdf)$|/export|download|/file/|"
    r"/atlas/\?|page=|q=|sort=|/restore/"
)
PAGES = 45


def _crawl(client, start: list[str]) -> tuple[int, list[tuple[str, int, str]]]:
    seen: set[str] = set()
    queue, broken = deque((path, "start") for path in start), []
    while queue and len(seen) < PAGES:
        path, referrer = queue.popleft()
        path = path.replace("&amp;", "&")
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path, HTTP_ACCEPT_LANGUAGE="fr")
        if response.status_code not in (200, 302):
            broken.append((path, response.status_code, referrer))
            continue
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            body = response.content.decode()
            main = body[body.find("<main") :] if "<main" in body else body
            queue.extend((link, path) for link in HREF.findall(main) if not SKIP.search(link))
    return len(seen), broken


@pytest.mark.parametrize(
    "username", [None, "coordinator-fr", "chambery-demo", "partner-demo", "funder-demo", "demo-participant-louga-1"]
)
def test_every_link_a_demo_account_is_offered_leads_to_a_page(client, demo, username):
    if username:
        client.force_login(get_user_model().objects.get(username=username))
    crawled, broken = _crawl(client, ["/calls/mine/" if username else "/calls/", "/participation/", "/practices/", "/"])
    assert crawled >= 20
    assert broken == []
