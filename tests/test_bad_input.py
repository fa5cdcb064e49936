"""Every bad input gets a clear 4xx, never a 5xx: each URL pattern of the access matrix is called
with crafted pagination cursors, 50,000-character queries, NUL characters in the query string and
in form or JSON bodies, then with texts that the forms let through and the models refuse (line
breaks in names and titles, text-direction overrides, over-long texts: none may be stored), as an
anonymous visitor and as a signed-in editor (the API with a token). Oversized bodies and odd CSV
files have their own tests below.

The records are the access matrix's world (built once for the module); each call runs in a
savepoint that is rolled back.
"""

import base64
import json

import pytest
from django.db import transaction

import tests.test_access_matrix as matrix

pytestmark = pytest.mark.django_db

LONG = "x" * 50_000


def _cursor(values) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


# One query string holding every bad parameter the views read: searches, pickers, filters, pages.
BAD_QUERIES = [
    f"q={LONG}&term={LONG}&name={LONG}&place={LONG}",
    "q=a%00b&country=%00&organisation=%00&partnership=1%00&kind=%00&status=%00&sector=%00&page=%00&format=%00"
    "&cursor=%00&lang=%00&year=%00&sdg=%00&axis=%00&next=%00",
    "cursor=" + _cursor(["not a number"]) + "&page=99999999999999999999&limit=-1&organisation=99999999999999999999"
    "&sdg=999999999999&year=-99999999999&start_year=abc&min_population=1e999&country=" + "Z" * 300,
]
FORM_BODY = {
    "name": "Ville\x00",
    "title_fr": "Titre\x00",
    "q": LONG,
    "email": "a\x00@example.org",
    "role": "\x00",
    "organisations": ["\x00"],
    "kind": "\x00",
    "country": "\x00",
    "publish": "\x00",
    "language": "\x00",
}
JSON_BODY = {
    "name": "Ville\u0000",
    "title": {"fr": "Titre\u0000"},
    "kind": "ngo",
    "country": "F\u0000",
    "organisation": "\u0000",
    "summary": {"fr": LONG * 2},
    "parties": [{"organisation": "x"}],
}

# Texts without NUL (which the forms refuse first) that reach the services and their validators
# (``coopdec.common.validators``): offers, requests and proposals of matching as well as the register.
RLO = "\u202e"
TEXT_FORM_BODY = {
    "name": f"Ville\r\nde {RLO}noyL",
    "acronym": "V\nL",
    "title_fr": f"Titre\nsur {RLO}deux lignes",
    "description_fr": f"Description {RLO}" + "x" * 20_001,
    "kinds": ["expertise"],
    "kind": "ngo",
    "country": "FR",
    "message": f"Bonjour, nous proposons un partenariat {RLO}sur deux ans.",
    "answer": f"Oui\x1b[31m {RLO}",
    "decision": "accept",
}
TEXT_JSON_BODY = {
    "name": f"Ville\r\nde {RLO}noyL",
    "title": {"fr": f"Titre\nsur {RLO}deux lignes"},
    "description": {"fr": "x" * 20_001},
    "kind": "ngo",
    "country": "FR",
}


def _stored_bad_texts() -> list[str]:
    """The records whose names or texts hold what the validators refuse."""
    from coopdec.actors.models import Organisation
    from coopdec.common.validators import has_forbidden
    from coopdec.matching.models import Offer, PartnerRequest, Proposal

    bad = [f"organisation {pk}" for pk, name in Organisation.objects.values_list("pk", "name") if has_forbidden(name)]
    for model in (Offer, PartnerRequest):
        for pk, title, description in model.objects.values_list("pk", "title", "description"):
            texts = [(text, False) for text in title.values()] + [(text, True) for text in description.values()]
            if any(has_forbidden(text, multiline=multiline) or len(text) > 20_000 for text, multiline in texts):
                bad.append(f"{model._meta.model_name} {pk}")
    for pk, message, answer in Proposal.objects.values_list("pk", "message", "answer"):
        if has_forbidden(message, multiline=True) or has_forbidden(answer, multiline=True):
            bad.append(f"proposal {pk}")
    return bad


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    from django.test import override_settings

    folder = tmp_path_factory.mktemp("bad-input")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=folder / "media", VAR_DIR=folder / "var"):
        with transaction.atomic():
            yield matrix._build_world()
            transaction.set_rollback(True)


def _calls(world):
    for route, entries in matrix.ACCESS.items():
        path = matrix.build_path(route, entries[0], world).split("?", 1)[0]
        methods = {method for entry in entries for method in entry.methods}
        for query in BAD_QUERIES:
            yield "GET", f"{path}?{query}", None
        for method in sorted(methods - {"GET"}):
            yield method, path, JSON_BODY if path.startswith("/api/") else FORM_BODY
            yield method, path, TEXT_JSON_BODY if path.startswith("/api/") else TEXT_FORM_BODY


@pytest.mark.parametrize("caller", ["anonymous", "editor"])
def test_no_bad_input_gets_a_server_error(client, world, settings, caller):
    settings.API_RATE_ANONYMOUS = settings.API_RATE_AUTHENTICATED = "1000000/min"
    settings.SIGNIN_RATE_ADDRESS = settings.PASSWORD_RESET_RATE_ADDRESS = settings.INVITATION_RATE_ADDRESS = (
        "1000000/min"
    )
    assert _stored_bad_texts() == []
    failures = []
    for method, path, data in _calls(world):
        with transaction.atomic():
            try:
                response = matrix.call(client, world, caller, method, path, data)
                status = response.status_code
            except Exception as error:  # noqa: BLE001 - the test client re-raises a view's exception
                status = f"{type(error).__name__}: {str(error)[:120]}"
            texts = data is TEXT_FORM_BODY or data is TEXT_JSON_BODY
            stored = _stored_bad_texts() if texts and isinstance(status, int) else []
            transaction.set_rollback(True)
        if not isinstance(status, int) or status >= 500 or stored:
            failures.append(f"{method} {path[:120]}: {status}{' stored: ' + ', '.join(stored) if stored else ''}")
    assert failures == [], "\n".join(failures)


def test_oversized_body_gets_413_json_on_the_api_and_413_on_the_site(client, settings):
    big = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    api = client.post("/api/v1/organisations", big, content_type="application/json", headers={"Accept-Language": "en"})
    assert (api.status_code, api.json()) == (
        413,
        {"error": "too_large", "message": "The request is too large (at most 2.5 MB)."},
    )
    site = client.post("/accounts/login/", big, content_type="application/x-www-form-urlencoded")
    assert site.status_code == 413


def test_nul_in_the_address_gets_400(client):
    api = client.get("/api/v1/organisations?q=a%00b", headers={"Accept-Language": "en"})
    assert (api.status_code, api.json()["error"]) == (400, "invalid_request")
    assert client.get("/atlas/?q=%00").status_code == 400


def test_crafted_cursor_gets_400_invalid_cursor(client):
    for cursor in (_cursor(["not a number"]), _cursor([1, 2, 3]), "%FF", _cursor({"id": 1})):
        response = client.get(f"/api/v1/projects?cursor={cursor}")
        assert (response.status_code, response.json()["error"]) == (400, "invalid_cursor"), cursor
