"""The access matrix of the whole site: every URL pattern, every HTTP method it accepts, every caller.

``ACCESS`` below declares, for each URL pattern of the urlconf (site and API), the methods it
accepts and who may use each (a ``Level``), with the records to call it on. The tests check that

- every URL pattern is declared (a new URL without an entry fails ``test_every_url_is_declared``);
- a declared URL answers 405 to the methods it does not declare (so no method escapes the table);
- the callers a level allows get their 2xx/3xx answer; the others get a sign-in redirect (web), 401
  (API), 403 or 404, never data; a refused write leaves the database as it was;
- no answer to a caller who may see no draft (anonymous, unrelated, editor of another
  organisation) contains a draft record (organisation, partnership, project, document, offer): lists,
  searches, exports, maps, GeoJSON, IATI files and API listings included.

The records are built once for the module (``world``); each test runs in a savepoint, and each
caller's request in one more, so an allowed write never changes what the next caller sees.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver

from coopdec.actors import services as actor_services
from coopdec.actors.models import (
    Contact,
    CountryCoordinator,
    Invitation,
    Membership,
    MembershipRole,
)
from coopdec.api.services import token_create
from coopdec.cooperation import services as cooperation_services
from coopdec.cooperation.models import Document, PartnershipParty, Project, ProjectParticipant
from coopdec.interop.models import SpreadsheetImport
from coopdec.interop.spreadsheet.services import spreadsheet_parse
from coopdec.interop.spreadsheet.storage import upload_store
from coopdec.matching import services as matching_services
from tests import factories
from tests.participation import matrix as participation_matrix

pytestmark = pytest.mark.django_db

CALLERS = ("anonymous", "unrelated", "other_editor", "editor", "admin", "coordinator")
# Callers who may see no draft of the module's records: no answer to them may name one.
DRAFT_BLIND = ("anonymous", "unrelated", "other_editor", "foreign_coordinator")
DRAFT = "Qzxdraft"  # in the name or title of every draft record of the world, and of nothing else
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass(frozen=True)
class Level:
    """Who may use a URL with a method: the callers allowed; every other caller is refused."""

    name: str
    allowed: frozenset[str]

    def __repr__(self):
        return self.name


def level(name: str, *callers: str) -> Level:
    return Level(name, frozenset(callers))


PUBLIC = level("public", *CALLERS)
DRAFTS_HIDDEN = level("public; its draft: the record's members and coordinators", *CALLERS)  # the published record
DRAFT_VIEWERS = level("draft: the record's members and coordinators", "editor", "admin", "coordinator")
SIGNED_IN = level("signed-in", *CALLERS[1:])
EDITOR_SOMEWHERE = level("editor of an organisation, coordinator", "other_editor", "editor", "admin", "coordinator")
SENDER = level("editor of an organisation other than the recipient (the sender)", "other_editor", "editor", "admin")
EDITOR = level("editor of the record's organisation (or a party), coordinator", "editor", "admin", "coordinator")
ADMIN = level("administrator of the record's organisation (or a party), coordinator", "admin", "coordinator")
COORDINATOR = level("coordinator", "coordinator")
PARTY_EDITORS = level(
    "editor of a party (the other party a draft: its name hidden from the first), coordinator",
    "other_editor",
    "editor",
    "admin",
    "coordinator",
)
OWNER = level("owner (the editor: their import preview, their API token)", "editor")
UPLOADER = level("the uploader (the editor) and coordinators: an import's progress and result", "editor", "coordinator")
INVITEE = level("the invited address (anonymous: sign-up form; other accounts: 403)", "anonymous")
NOBODY = level(
    "nobody",
)
# Results monitoring: Lyon (other_editor's organisation) is the designated approver of an update Paris's editor entered.
UPDATE_REVIEWERS = level(
    "the project's editors, coordinators, the editors of the approving organisation",
    "other_editor",
    "editor",
    "admin",
    "coordinator",
)
UPDATE_APPROVER = level("the editors of the approving organisation, not the update's author", "other_editor")

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


@dataclass
class Case:
    """One way of calling a URL: its arguments (from the world) and, per method, who may."""

    args: object = None  # callable(world) -> dict of path arguments, or None
    methods: dict = field(default_factory=dict)  # method -> Level
    label: str = ""
    query: object = ""  # a query string, or callable(world) -> query string
    data: object = None  # callable(world) -> POST form data or API JSON body
    known_gap: str = ""  # a leak found and not fixed yet: the case is expected to fail (strict)
    ok: frozenset = frozenset()  # statuses besides 2xx/3xx an allowed caller may get (a form refused: 400)
    path: str = ""  # for regular-expression patterns: the path to call


def case(args=None, label="", query="", data=None, ok=(), path="", known_gap="", **methods) -> Case:
    return Case(
        args=args,
        methods=methods,
        label=label,
        query=query,
        data=data,
        ok=frozenset(ok),
        path=path,
        known_gap=known_gap,
    )


def pk(name):
    return lambda w: {"pk": w[name].pk}


def org(name):
    return lambda w: {"organisation_id": w[name].pk}


def project(name):
    return lambda w: {"project_id": w[name].pk}


def partnership(name):
    return lambda w: {"partnership_id": w[name].pk}


def _history(name):
    return lambda w: {"pk": w[name].pk, "history_id": w[name].history.earliest().history_id}


def _project_part(key, name):
    return lambda w: {"pk": w["project"].pk, key: w[name].pk}


def _revision(name="aid_declaration", **fields):
    """Form data carrying the declaration's current revision (the services refuse a stale one)."""
    from coopdec.declarations.models import Declaration

    return lambda w: {"revision": Declaration.objects.get(pk=w[name].pk).revision, **fields}


def _strategy_part(key, name):
    return lambda w: {"pk": w["strategy"].pk, key: w[name].pk}


def _aid_line(w):
    return {"pk": w["aid_declaration"].pk, "line_id": w["aid_line"].pk}


def _aid_api(line=False):
    if line:
        return lambda w: {"declaration_id": w["aid_declaration"].pk, "line_id": w["aid_line"].pk}
    return lambda w: {"declaration_id": w["aid_declaration"].pk}


AID_LINE = {
    "recipient_type": "country",
    "recipient_code": "SN",
    "sector": "14030",
    "channel": "12000",
    "flow_type": "10",
    "finance_type": "110",
    "aid_type": "C01",
    "original_amount": "1500",
    "original_currency": "EUR",
}
DECLARATION_READERS = level(
    "the declaration's organisation's members, the campaign's coordinators", "editor", "admin", "coordinator"
)


def _practice_document(name):
    return lambda w: {"pk": w[name].practice_id, "document_id": w[name].pk}


def _page(slug="about", history=False):
    from coopdec.knowledge.models import Page

    if history:
        return lambda w: {"slug": slug, "history_id": Page.objects.get(slug=slug).history.earliest().history_id}
    return lambda w: {"slug": slug}


# Calls for projects: Paris funds (its editor and administrator), Lyon applies (the other editor), the
# signed-in user of no organisation reviews; platform coordinators have no part in a funder's review.
FUNDER = level("the funder's editors", "editor", "admin")
CALL_WRITERS = level(
    "editors of an organisation (a funder to be), the call published", "other_editor", "editor", "admin"
)
APPLICANT = level("the applicant's editors", "other_editor")
APPLICATION_READERS = level("the applicant's members, the funder's editors", "other_editor", "editor", "admin")
REVIEWER = level("the reviewer, no conflict declared", "unrelated")


def _revision_of(w):
    from coopdec.funding.models import Application

    return Application.objects.get(pk=w["application"].pk).revision


# The one table: every URL pattern of the urlconf (``admin/``: see ADMIN_SITE), its cases and levels.
ACCESS: dict[str, list[Case]] = {
    # Django's language switch and accounts
    # (Django's own views: any method sets nothing but the language; form views take PUT as POST)
    "i18n/setlang/": [
        case(
            GET=PUBLIC,
            POST=PUBLIC,
            PUT=PUBLIC,
            PATCH=PUBLIC,
            DELETE=PUBLIC,
            data=lambda w: {"language": "en", "next": "/"},
        )
    ],
    "accounts/login/": [case(GET=PUBLIC, POST=PUBLIC, PUT=PUBLIC)],
    "accounts/logout/": [case(POST=PUBLIC)],
    "accounts/password_change/": [case(GET=SIGNED_IN, POST=SIGNED_IN, PUT=SIGNED_IN)],
    "accounts/password_change/done/": [case(GET=SIGNED_IN)],
    "accounts/password_reset/": [case(GET=PUBLIC, POST=PUBLIC, PUT=PUBLIC)],
    "accounts/password_reset/done/": [case(GET=PUBLIC)],
    "accounts/reset/<uidb64>/<token>/": [
        case(
            lambda w: {"uidb64": "MQ", "token": "set-password"},
            GET=PUBLIC,
            POST=PUBLIC,
            PUT=PUBLIC,
            PATCH=PUBLIC,
            DELETE=PUBLIC,
        )
    ],
    "accounts/reset/done/": [case(GET=PUBLIC)],
    # web
    "": [case(GET=PUBLIC)],
    "about/": [case(GET=PUBLIC)],
    "healthz": [case(GET=PUBLIC)],
    # actors
    "organisations/": [case(GET=SIGNED_IN)],
    "organisations/new/": [case(GET=SIGNED_IN, POST=SIGNED_IN)],
    "organisations/<int:pk>/": [
        case(pk("paris"), GET=DRAFTS_HIDDEN),
        case(pk("draft_org"), label="draft", GET=DRAFT_VIEWERS),
    ],
    "organisations/<int:pk>/map.geojson": [
        case(pk("paris"), GET=DRAFTS_HIDDEN),
        case(pk("draft_org"), label="draft", GET=DRAFT_VIEWERS),
    ],
    "organisations/<int:pk>/edit/": [
        case(pk("paris"), GET=EDITOR, POST=EDITOR),
        case(pk("draft_org"), label="draft", GET=DRAFT_VIEWERS),
    ],
    "organisations/<int:pk>/delete/": [case(pk("spare_org"), GET=ADMIN, POST=ADMIN)],
    "organisations/<int:pk>/confirm/": [case(pk("paris"), POST=EDITOR)],
    "organisations/<int:pk>/publish/": [
        case(pk("paris"), POST=EDITOR, data=lambda w: {"publish": "0"}),
        case(pk("draft_org"), label="draft", POST=DRAFT_VIEWERS),
    ],
    "organisations/<int:pk>/history/": [case(pk("paris"), GET=EDITOR)],
    "organisations/<int:pk>/history/<int:history_id>/restore/": [case(_history("paris"), POST=EDITOR)],
    "organisations/<int:pk>/dashboard/": [case(pk("paris"), GET=EDITOR)],
    "organisations/<int:pk>/contacts/": [
        case(pk("paris"), POST=EDITOR, data=lambda w: {"kind": "staff", "name": "Accueil"})
    ],
    "organisations/<int:pk>/contacts/<int:contact_id>/delete/": [
        case(lambda w: {"pk": w["paris"].pk, "contact_id": w["contact"].pk}, POST=EDITOR)
    ],
    "organisations/<int:pk>/members/": [
        case(pk("paris"), GET=EDITOR, POST=EDITOR, data=lambda w: {"email": "new@example.org", "role": "editor"})
    ],
    "organisations/<int:pk>/members/<int:membership_id>/": [
        case(
            lambda w: {"pk": w["paris"].pk, "membership_id": w["member_membership"].pk},
            POST=ADMIN,
            data=lambda w: {"role": "admin"},
        )
    ],
    "organisations/<int:pk>/invitations/<int:invitation_id>/withdraw/": [
        case(lambda w: {"pk": w["paris"].pk, "invitation_id": w["invitation"].pk}, POST=ADMIN)
    ],
    "invitations/<str:signed>/": [case(lambda w: {"signed": w["invitation_signed"]}, GET=INVITEE, POST=INVITEE)],
    "access/": [
        case(
            GET=PUBLIC,
            POST=PUBLIC,
            data=lambda w: {
                "organisation": w["paris"].pk,
                "name": "Awa Ndiaye",
                "email": "awa.new@paris.fr",
                "function": "Officer",
            },
        )
    ],
    "access/confirm/<str:signed>/": [case(lambda w: {"signed": w["access_request_signed"]}, GET=PUBLIC, POST=PUBLIC)],
    "access/requests/<int:pk>/": [
        case(pk("access_request_pending"), GET=ADMIN, POST=ADMIN, data=lambda w: {"reason": "Not on our staff list."})
    ],
    "coordination/": [case(GET=COORDINATOR)],
    "coordination/review/": [case(GET=COORDINATOR)],
    "coordination/results/": [case(GET=COORDINATOR), case(label="one country", query="country=SN", GET=COORDINATOR)],
    "organisations/<int:pk>/results/": [case(pk("paris"), GET=EDITOR)],
    "indicators/": [case(GET=PUBLIC)],
    "indicators/<slug:code>/": [case(lambda w: {"code": "water-drinking-access"}, GET=PUBLIC)],
    "places/search/": [case(query="q=Dakar", GET=PUBLIC)],
    "organisations/search/": [
        case(query="q=Brouillonville", GET=PUBLIC),
        case(query="q=Brouillonville&format=json", label="json", GET=PUBLIC),
    ],
    # cooperation: partnerships
    "partnerships/new/": [case(GET=EDITOR_SOMEWHERE, POST=EDITOR_SOMEWHERE)],
    "partnerships/<int:pk>/": [
        case(pk("partnership"), GET=DRAFTS_HIDDEN),
        case(pk("mixed_partnership"), label="with a draft party", GET=DRAFTS_HIDDEN),
        case(pk("draft_partnership"), label="draft", GET=DRAFT_VIEWERS),
    ],
    "partnerships/<int:pk>/edit/": [
        case(pk("partnership"), GET=EDITOR, POST=EDITOR),
        case(pk("lyon_mixed"), label="with a draft party", GET=PARTY_EDITORS),
        case(pk("draft_partnership"), label="draft", GET=DRAFT_VIEWERS),
    ],
    "partnerships/<int:pk>/delete/": [case(pk("spare_partnership"), GET=ADMIN, POST=ADMIN)],
    "partnerships/<int:pk>/confirm/": [case(pk("partnership"), POST=EDITOR)],
    "partnerships/<int:pk>/publish/": [case(pk("partnership"), POST=EDITOR, data=lambda w: {"publish": "0"})],
    "partnerships/<int:pk>/history/": [
        case(pk("partnership"), GET=EDITOR),
        case(pk("lyon_mixed"), label="with a draft party", GET=PARTY_EDITORS),
        case(pk("draft_partnership"), label="draft", GET=DRAFT_VIEWERS),
    ],
    "partnerships/<int:pk>/history/<int:history_id>/restore/": [case(_history("partnership"), POST=EDITOR)],
    "partnerships/<int:pk>/themes/": [case(pk("partnership"), POST=EDITOR, data=lambda w: {"axes": ["education"]})],
    "partnerships/<int:pk>/parties/": [
        case(pk("partnership"), POST=ADMIN, data=lambda w: {"organisations": [w["lyon"].pk], "role": "associate"})
    ],
    "partnerships/<int:pk>/parties/<int:party_id>/": [
        case(
            lambda w: {"pk": w["partnership"].pk, "party_id": w["dakar_party"].pk},
            POST=ADMIN,
            data=lambda w: {"role": "funder"},
        )
    ],
    "partnerships/<int:pk>/parties/<int:party_id>/remove/": [
        case(lambda w: {"pk": w["spare_partnership"].pk, "party_id": w["spare_lyon_party"].pk}, POST=ADMIN)
    ],
    "partnerships/<int:pk>/documents/": [
        case(pk("partnership"), POST=EDITOR, data=lambda w: {"title_fr": "Convention", "url": "https://example.org/c"})
    ],
    # cooperation: projects
    "projects/new/": [case(GET=EDITOR_SOMEWHERE, POST=EDITOR_SOMEWHERE)],
    "projects/<int:pk>/": [
        case(pk("project"), GET=DRAFTS_HIDDEN),
        case(pk("mixed_project"), label="with a draft party", GET=DRAFTS_HIDDEN),
        case(pk("draft_project"), label="draft", GET=DRAFT_VIEWERS),
    ],
    "projects/<int:pk>/edit/": [
        case(pk("project"), GET=EDITOR, POST=EDITOR),
        case(pk("lyon_mixed_project"), label="with a draft party", GET=PARTY_EDITORS),
        case(pk("draft_project"), label="draft", GET=DRAFT_VIEWERS),
    ],
    "projects/<int:pk>/delete/": [case(pk("project"), GET=ADMIN, POST=ADMIN)],
    "projects/<int:pk>/confirm/": [case(pk("project"), POST=EDITOR)],
    "projects/<int:pk>/publish/": [
        case(pk("project"), POST=EDITOR, data=lambda w: {"publish": "0"}),
        case(pk("draft_project"), label="draft", POST=DRAFT_VIEWERS),
    ],
    "projects/<int:pk>/history/": [
        case(pk("project"), GET=EDITOR),
        case(pk("lyon_mixed_project"), label="with a draft party", GET=PARTY_EDITORS),
    ],
    "projects/<int:pk>/history/<int:history_id>/restore/": [case(_history("project"), POST=EDITOR)],
    "projects/<int:pk>/add/<str:what>/": [
        case(lambda w, what=what: {"pk": w["project"].pk, "what": what}, label=what, POST=EDITOR, ok={400})
        for what in ("contribution", "result", "indicator", "document")
    ],
    "projects/<int:pk>/participants/": [
        case(pk("project"), GET=EDITOR, POST=EDITOR, data=lambda w: {"organisation": w["lyon"].pk, "role": "4"})
    ],
    "projects/<int:pk>/participants/<int:participant_id>/": [
        case(_project_part("participant_id", "participant"), POST=EDITOR, data=lambda w: {"role": "2"})
    ],
    "projects/<int:pk>/participants/<int:participant_id>/remove/": [
        case(_project_part("participant_id", "participant"), POST=EDITOR)
    ],
    "projects/<int:pk>/results/<int:result_id>/": [case(_project_part("result_id", "result"), GET=EDITOR, POST=EDITOR)],
    "projects/<int:pk>/results/<int:result_id>/remove/": [case(_project_part("result_id", "result"), POST=EDITOR)],
    "projects/<int:pk>/indicators/<int:indicator_id>/": [
        case(_project_part("indicator_id", "indicator"), GET=EDITOR, POST=EDITOR)
    ],
    "projects/<int:pk>/indicators/<int:indicator_id>/remove/": [
        case(_project_part("indicator_id", "indicator"), POST=EDITOR)
    ],
    "projects/<int:pk>/values/<int:value_id>/remove/": [case(_project_part("value_id", "value"), POST=EDITOR)],
    "projects/<int:pk>/results/new/": [
        case(pk("project"), POST=EDITOR, data=lambda w: {"result-type": "1", "result-title_fr": "Assainissement"})
    ],
    "projects/<int:pk>/results/<int:result_id>/indicators/": [
        case(
            _project_part("result_id", "result"),
            GET=EDITOR,
            POST=EDITOR,
            data=lambda w: {"result-type": "1", "result-title_fr": "Eau potable"},
        )
    ],
    "projects/<int:pk>/results/<int:result_id>/indicators/row/": [
        case(_project_part("result_id", "result"), GET=EDITOR),
        case(_project_part("result_id", "result"), label="a period", query="indicator=nab12", GET=EDITOR),
    ],
    "projects/<int:pk>/updates/<int:value_id>/": [
        case(_project_part("value_id", "submitted_value"), GET=UPDATE_REVIEWERS),
        case(
            _project_part("value_id", "submitted_value"),
            label="approve",
            POST=UPDATE_APPROVER,
            data=lambda w: {"action": "approve"},
        ),
    ],
    "projects/<int:pk>/contributions/<int:contribution_id>/remove/": [
        case(_project_part("contribution_id", "contribution"), POST=EDITOR)
    ],
    "documents/<int:document_id>/file/": [
        case(lambda w: {"document_id": w["document"].pk}, GET=DRAFTS_HIDDEN),
        case(lambda w: {"document_id": w["draft_document"].pk}, label="draft", GET=DRAFT_VIEWERS),
    ],
    "documents/<int:document_id>/remove/": [case(lambda w: {"document_id": w["document"].pk}, POST=EDITOR)],
    # atlas (published records only: a draft organisation's network is no one's)
    "atlas/": [case(GET=PUBLIC), case(query="q=Brouillonville", label="text", GET=PUBLIC)],
    "atlas/map.json": [case(GET=PUBLIC)],
    "atlas/map/organisations/<int:pk>.geojson": [
        case(pk("paris"), GET=PUBLIC),
        case(pk("draft_org"), label="draft", GET=NOBODY),
    ],
    "atlas/stats/": [case(GET=PUBLIC)],
    "atlas/stats/<slug:dimension>.csv": [
        case(lambda w, d=d: {"dimension": d}, label=d, GET=PUBLIC)
        for d in ("country", "axis", "sector", "start_year", "kind")
    ],
    # aid declarations (pages)
    "declarations/": [case(GET=SIGNED_IN)],
    "declarations/campaigns/new/": [case(GET=COORDINATOR, POST=COORDINATOR)],
    "declarations/campaigns/<int:pk>/": [
        case(
            pk("aid_campaign"),
            GET=COORDINATOR,
            POST=COORDINATOR,
            data=lambda w: {
                "opens_on": w["aid_campaign"].opens_on.isoformat(),
                "closes_on": w["aid_campaign"].closes_on.isoformat(),
            },
        )
    ],
    "declarations/campaigns/<int:pk>/start/": [
        case(pk("aid_campaign"), POST=EDITOR, data=lambda w: {"organisation": w["paris"].pk})
    ],
    "declarations/campaigns/<int:pk>/export.<str:fmt>": [
        case(lambda w: {"pk": w["aid_campaign"].pk, "fmt": "crs"}, GET=COORDINATOR)
    ],
    "declarations/<int:pk>/": [case(pk("aid_declaration"), GET=DECLARATION_READERS)],
    "declarations/<int:pk>/export.<str:fmt>": [
        case(lambda w: {"pk": w["aid_declaration"].pk, "fmt": "csv"}, GET=DECLARATION_READERS)
    ],
    "declarations/<int:pk>/import/": [
        case(pk("aid_declaration"), GET=EDITOR),
        case(pk("aid_declaration"), label="no file: refused (400)", POST=EDITOR, ok={400}, data=_revision()),
    ],
    "declarations/<int:pk>/lines/new/": [
        case(pk("aid_declaration"), GET=EDITOR, POST=EDITOR, data=_revision(**AID_LINE))
    ],
    "declarations/<int:pk>/lines/<int:line_id>/": [
        case(_aid_line, GET=EDITOR, POST=EDITOR, data=_revision(**AID_LINE))
    ],
    "declarations/<int:pk>/lines/<int:line_id>/remove/": [case(_aid_line, POST=EDITOR, data=_revision())],
    "declarations/<int:pk>/lines/<int:line_id>/cofinancing/": [
        case(_aid_line, POST=EDITOR, data=_revision(deduct="1"))
    ],
    "declarations/<int:pk>/refresh/": [case(pk("aid_declaration"), POST=EDITOR, data=_revision())],
    "declarations/<int:pk>/nil/": [case(pk("aid_declaration"), POST=EDITOR, data=_revision(is_nil="0"))],
    "declarations/<int:pk>/submit/": [case(pk("aid_declaration"), POST=EDITOR, data=_revision())],
    "declarations/<int:pk>/reopen/": [
        case(pk("aid_submitted"), POST=COORDINATOR, data=_revision("aid_submitted", reason="Montants à vérifier"))
    ],
    "declarations/<int:pk>/extend/": [
        case(pk("aid_declaration"), POST=COORDINATOR, data=_revision(until="2099-01-31"))
    ],
    "declarations/totals/": [case(GET=PUBLIC)],
    "declarations/totals/<int:pk>/": [case(pk("aid_campaign"), GET=PUBLIC)],
    # strategies and the principles scorecard
    "strategies/": [case(GET=PUBLIC)],
    "strategies/new/": [
        case(GET=SIGNED_IN, POST=SIGNED_IN),
        case(
            label="of an organisation",
            query=lambda w: f"organisation={w['paris'].pk}",
            GET=EDITOR,
            POST=EDITOR,
            data=lambda w: {"title_fr": "Stratégie", "start_year": "2025", "end_year": "2028"},
        ),
    ],
    "strategies/principles/": [case(GET=PUBLIC), case(label="filtered", query="country=SN&axis=health", GET=PUBLIC)],
    "strategies/<int:pk>/": [
        case(pk("strategy"), GET=DRAFTS_HIDDEN),
        case(pk("draft_strategy"), label="draft", GET=DRAFT_VIEWERS),
    ],
    "strategies/<int:pk>/edit/": [
        case(
            pk("strategy"),
            GET=EDITOR,
            POST=EDITOR,
            data=lambda w: {"title_fr": "Stratégie", "start_year": "2025", "end_year": "2028"},
        ),
        case(pk("draft_strategy"), label="draft", GET=DRAFT_VIEWERS),
    ],
    "strategies/<int:pk>/delete/": [case(pk("spare_strategy"), GET=ADMIN, POST=ADMIN)],
    "strategies/<int:pk>/confirm/": [case(pk("strategy"), POST=EDITOR)],
    "strategies/<int:pk>/publish/": [
        case(pk("strategy"), POST=EDITOR, data=lambda w: {"publish": "0"}),
        case(pk("draft_strategy"), label="draft", POST=DRAFT_VIEWERS),
    ],
    "strategies/<int:pk>/history/": [case(pk("strategy"), GET=EDITOR)],
    "strategies/<int:pk>/history/<int:history_id>/restore/": [case(_history("strategy"), POST=EDITOR)],
    "strategies/<int:pk>/objectives/new/": [
        case(pk("strategy"), GET=EDITOR, POST=EDITOR, data=lambda w: {"title_fr": "Culture"})
    ],
    "strategies/<int:pk>/objectives/<int:objective_id>/": [
        case(
            _strategy_part("objective_id", "strategy_objective"),
            GET=EDITOR,
            POST=EDITOR,
            data=lambda w: {"title_fr": "Eau"},
        )
    ],
    "strategies/<int:pk>/objectives/<int:objective_id>/remove/": [
        case(_strategy_part("objective_id", "strategy_objective"), POST=EDITOR)
    ],
    "strategies/<int:pk>/objectives/<int:objective_id>/projects/": [
        case(
            _strategy_part("objective_id", "strategy_objective"),
            GET=EDITOR,
            POST=EDITOR,
            data=lambda w: {"projects": [w["project"].pk]},
        )
    ],
    "strategies/<int:pk>/objectives/<int:objective_id>/indicators/new/": [
        case(
            _strategy_part("objective_id", "strategy_objective"),
            GET=EDITOR,
            POST=EDITOR,
            data=lambda w: {"title_fr": "Écoles", "target_2026": "12"},
        )
    ],
    "strategies/<int:pk>/indicators/<int:indicator_id>/": [
        case(
            _strategy_part("indicator_id", "strategy_indicator"),
            GET=EDITOR,
            POST=EDITOR,
            data=lambda w: {"title_fr": "Foyers", "target_2025": "120"},
        )
    ],
    "strategies/<int:pk>/indicators/<int:indicator_id>/remove/": [
        case(_strategy_part("indicator_id", "strategy_indicator"), POST=EDITOR)
    ],
    # citizen participation (a participant profile gives no right on records; the callers here have none:
    # taking part sends them to the sign-up form, a 302 that is not a refusal)
    "participation/": [case(GET=PUBLIC)],
    "participation/privacy/": [case(GET=PUBLIC)],
    "participation/join/": [case(GET=PUBLIC, POST=PUBLIC, data=lambda w: dict(participation_matrix.SIGN_UP))],
    "participation/join/<str:signed>/": [
        case(
            lambda w: {"signed": w["part_signed"]},
            GET=PUBLIC,
            POST=PUBLIC,
            data=lambda w: {"password1": "a-long-passphrase-42", "password2": "a-long-passphrase-42"},
        )
    ],
    "participation/account/": [case(GET=SIGNED_IN, POST=SIGNED_IN)],
    "participation/account/delete/": [case(GET=SIGNED_IN, POST=SIGNED_IN)],
    "participation/spaces/new/<str:kind>/<int:pk>/": [
        case(
            lambda w: {"kind": "partnership", "pk": w["partnership"].pk},
            GET=EDITOR,
            POST=EDITOR,
            data=participation_matrix.space_form,
        ),
        case(lambda w: {"kind": "organisation", "pk": w["paris"].pk}, label="organisation", GET=EDITOR),
        case(lambda w: {"kind": "partnership", "pk": w["draft_partnership"].pk}, label="draft", GET=DRAFT_VIEWERS),
    ],
    "participation/spaces/<int:pk>/": [
        case(pk("part_space"), GET=DRAFTS_HIDDEN),
        case(pk("part_draft_space"), label="draft partnership", GET=DRAFT_VIEWERS),
    ],
    "participation/spaces/<int:pk>/edit/": [
        case(pk("part_space"), GET=EDITOR, POST=EDITOR, data=participation_matrix.space_form)
    ],
    "participation/spaces/<int:pk>/propose/": [
        case(pk("part_space"), GET=SIGNED_IN, POST=SIGNED_IN, data=lambda w: {"title": "Des bancs", "body": "Oui"})
    ],
    "participation/spaces/<int:pk>/proposals.geojson": [
        case(pk("part_space"), GET=PUBLIC),
        case(pk("part_draft_space"), label="draft partnership", GET=DRAFT_VIEWERS),
    ],
    "participation/spaces/<int:pk>/vote/": [
        case(pk("part_space"), GET=SIGNED_IN, POST=SIGNED_IN, data=lambda w: {"proposal": w["part_proposal"].pk})
    ],
    "participation/spaces/<int:pk>/statistics/": [case(pk("part_space"), GET=PUBLIC)],
    "participation/spaces/<int:pk>/moderation/": [case(pk("part_space"), GET=EDITOR)],
    "participation/proposals/<int:pk>/": [
        case(pk("part_proposal"), GET=PUBLIC),
        case(pk("part_hidden"), label="hidden: its author and the moderators", GET=EDITOR),
    ],
    "participation/proposals/<int:pk>/support/": [case(pk("part_proposal"), POST=SIGNED_IN)],
    "participation/proposals/<int:pk>/comment/": [
        case(pk("part_proposal"), POST=SIGNED_IN, data=lambda w: {"text": "D'accord"})
    ],
    "participation/proposals/<int:pk>/report/": [
        case(pk("part_proposal"), POST=SIGNED_IN, data=lambda w: {"reason": "Hors sujet"}),
        case(pk("part_hidden"), label="hidden", POST=NOBODY, data=lambda w: {"reason": "Hors sujet"}),
    ],
    "participation/proposals/<int:pk>/answer/": [
        case(pk("part_proposal"), POST=EDITOR, data=lambda w: {"status": "accepted", "answer": "Oui"})
    ],
    "participation/proposals/<int:pk>/review/": [
        case(pk("part_proposal"), POST=EDITOR, data=lambda w: {"organisation": w["paris"].pk, "feasible": "1"})
    ],
    "participation/proposals/<int:pk>/project/": [case(pk("part_proposal"), POST=EDITOR)],
    "participation/proposals/<int:pk>/moderate/": [
        case(pk("part_proposal"), POST=EDITOR, data=lambda w: {"decision": "hide", "reason": "Doublon"})
    ],
    "participation/comments/<int:pk>/moderate/": [
        case(pk("part_comment"), POST=EDITOR, data=lambda w: {"decision": "keep"})
    ],
    "api/v1/participation/spaces": [case(GET=PUBLIC)],
    "api/v1/participation/spaces/<int:space_id>": [
        case(lambda w: {"space_id": w["part_space"].pk}, GET=PUBLIC),
        case(lambda w: {"space_id": w["part_draft_space"].pk}, label="draft partnership", GET=DRAFT_VIEWERS),
    ],
    "api/v1/participation/spaces/<int:space_id>/proposals": [
        case(lambda w: {"space_id": w["part_space"].pk}, GET=PUBLIC)
    ],
    "api/v1/participation/spaces/<int:space_id>/statistics": [
        case(lambda w: {"space_id": w["part_space"].pk}, GET=PUBLIC)
    ],
    # knowledge: good practices (written by Paris; the draft with the draft organisation, of Senegal) and pages
    "practices/": [case(GET=PUBLIC), case(query="q=Pratique&axis=water-sanitation", label="search", GET=PUBLIC)],
    "practices/new/": [case(GET=EDITOR_SOMEWHERE, POST=EDITOR_SOMEWHERE)],
    "practices/review/": [case(GET=COORDINATOR)],
    "practices/map.json": [
        case(GET=PUBLIC),
        case(query="q=Pratique&axis=water-sanitation", label="search", GET=PUBLIC),
    ],
    "practices/<int:pk>/": [
        case(pk("practice"), GET=DRAFTS_HIDDEN),
        case(pk("draft_practice"), label="draft", GET=DRAFT_VIEWERS),
    ],
    "practices/<int:pk>/edit/": [
        case(pk("practice"), GET=EDITOR, POST=EDITOR),
        case(pk("draft_practice"), label="draft", GET=DRAFT_VIEWERS),
    ],
    "practices/<int:pk>/submit/": [case(pk("draft_practice"), POST=DRAFT_VIEWERS)],
    "practices/<int:pk>/review/": [
        case(pk("draft_practice"), POST=COORDINATOR, data=lambda w: {"decision": "publish"}),
        case(pk("draft_practice"), label="sent back", POST=COORDINATOR, data=lambda w: {"note": "Add the costs."}),
    ],
    "practices/<int:pk>/unpublish/": [case(pk("practice"), POST=COORDINATOR)],
    "practices/<int:pk>/confirm/": [case(pk("practice"), POST=EDITOR)],
    "practices/<int:pk>/changes/discard/": [case(pk("practice"), POST=EDITOR)],
    "practices/<int:pk>/history/": [case(pk("practice"), GET=EDITOR)],
    "practices/<int:pk>/history/<int:history_id>/restore/": [case(_history("practice"), POST=EDITOR)],
    "practices/<int:pk>/delete/": [case(pk("practice"), GET=ADMIN, POST=ADMIN)],
    "practices/<int:pk>/documents/": [
        case(pk("practice"), POST=EDITOR, data=lambda w: {"title_fr": "Guide", "url": "https://example.org/guide"})
    ],
    "practices/<int:pk>/documents/<int:document_id>/": [
        case(_practice_document("practice_document"), GET=DRAFTS_HIDDEN),
        case(_practice_document("draft_practice_document"), label="draft", GET=DRAFT_VIEWERS),
    ],
    "practices/<int:pk>/documents/<int:document_id>/remove/": [
        case(_practice_document("practice_document"), POST=EDITOR)
    ],
    "faq/": [case(GET=PUBLIC)],
    "pages/<slug:slug>/": [case(_page(), GET=PUBLIC)],
    "pages/<slug:slug>/edit/": [
        case(_page(), GET=COORDINATOR, POST=COORDINATOR, data=lambda w: {"title_fr": "À propos", "body_fr": "Texte"})
    ],
    "pages/<slug:slug>/history/": [case(_page(), GET=COORDINATOR)],
    "pages/<slug:slug>/history/<int:history_id>/restore/": [case(_page(history=True), POST=COORDINATOR)],
    # calls for projects (Paris funds, Lyon applies, the signed-in user of no organisation reviews)
    "calls/": [case(GET=PUBLIC), case(label="closed", query="past=1", GET=PUBLIC)],
    # Signed-in people who edit no organisation are told how to become a funder's editor (200).
    "calls/new/": [case(GET=SIGNED_IN, POST=CALL_WRITERS, ok={400}, data=lambda w: {"title_0": "Appel"})],
    "calls/mine/": [case(GET=SIGNED_IN)],
    "calls/<int:pk>/": [
        case(pk("call"), GET=PUBLIC),
        case(pk("draft_call"), label="draft", GET=FUNDER),
    ],
    "calls/<int:pk>/edit/": [
        case(pk("draft_call"), GET=FUNDER, POST=FUNDER, ok={400}, data=lambda w: {"envelope": "x"})
    ],
    "calls/<int:pk>/publish/": [case(pk("draft_call"), POST=FUNDER, data=lambda w: {"publish": "1"})],
    "calls/<int:pk>/manage/": [case(pk("call"), GET=FUNDER)],
    "calls/<int:pk>/export.<str:fmt>": [
        case(lambda w, fmt=fmt: {"pk": w["call"].pk, "fmt": fmt}, label=fmt, GET=FUNDER) for fmt in ("csv", "xlsx")
    ],
    "calls/<int:pk>/apply/": [
        case(pk("call"), POST=CALL_WRITERS, data=lambda w: {"organisation": w["lyon"].pk, "new_title": "Nouveau"})
    ],
    "calls/applications/<int:pk>/": [
        case(pk("application"), GET=APPLICATION_READERS),
        case(pk("application_draft"), label="draft: the applicant's own", GET=APPLICANT),
    ],
    "calls/applications/<int:pk>/plan/": [
        case(pk("application_draft"), POST=APPLICANT, data=lambda w: {"check": "1", "revision": "2", "requested": "9"})
    ],
    "calls/applications/<int:pk>/submit/": [
        case(pk("application_draft"), POST=APPLICANT, data=lambda w: {"revision": 1})
    ],
    "calls/applications/<int:pk>/concept/": [
        case(pk("application_draft"), POST=APPLICANT, data=lambda w: {"revision": 1, "concept_note": "Idée"})
    ],
    "calls/applications/<int:pk>/shortlist/": [
        case(pk("application"), POST=FUNDER, data=lambda w: {"decision": "decline", "revision": 1})
    ],
    # Withdraw (the applicant) and reopen (the funder): the first POST asks to confirm, the second acts.
    "calls/applications/<int:pk>/withdraw/": [
        case(pk("application"), label="asked to confirm", POST=APPLICANT),
        case(pk("application"), POST=APPLICANT, data=lambda w: {"confirm": "1", "revision": _revision_of(w)}),
    ],
    "calls/applications/<int:pk>/reopen/": [
        case(pk("application"), label="asked to confirm", POST=FUNDER),
        case(pk("application"), POST=FUNDER, data=lambda w: {"confirm": "1", "revision": _revision_of(w)}),
    ],
    "calls/applications/<int:pk>/confirm/": [case(pk("application"), POST=NOBODY)],
    "calls/applications/<int:pk>/reviewers/": [
        case(pk("application"), POST=FUNDER, data=lambda w: {"reviewer": w["users"]["coordinator"].username})
    ],
    "calls/applications/<int:pk>/decision/": [
        case(pk("application"), POST=FUNDER, data=lambda w: {"decision": "rejected", "revision": _revision_of(w)})
    ],
    "calls/reviews/<int:pk>/": [case(pk("review"), GET=REVIEWER, POST=REVIEWER)],
    "calls/reviews/<int:pk>/scores/": [case(pk("review"), POST=REVIEWER, data=lambda w: {"revision": 1})],
    "calls/reports/<int:pk>/": [
        case(
            pk("report"), GET=APPLICATION_READERS, POST=APPLICANT, data=lambda w: {"narrative": "Fait.", "spent": "10"}
        )
    ],
    "calls/reports/<int:pk>/answer/": [case(pk("report"), POST=FUNDER, data=lambda w: {"approve": "1"})],
    "calls/tranches/<int:pk>/release/": [case(pk("tranche"), POST=FUNDER)],
    # matching
    "matching/offers/": [case(GET=PUBLIC)],
    "matching/requests/": [case(GET=PUBLIC)],
    "matching/offers/<int:pk>/": [
        case(pk("offer"), GET=DRAFTS_HIDDEN),
        case(pk("draft_offer"), label="draft", GET=DRAFT_VIEWERS),
    ],
    "matching/requests/<int:pk>/": [case(pk("partner_request"), GET=DRAFTS_HIDDEN)],
    "matching/offers/<int:pk>/edit/": [case(pk("offer"), GET=EDITOR, POST=EDITOR)],
    "matching/requests/<int:pk>/edit/": [case(pk("partner_request"), GET=EDITOR, POST=EDITOR)],
    "matching/offers/<int:pk>/delete/": [case(pk("offer"), POST=EDITOR)],
    "matching/requests/<int:pk>/delete/": [case(pk("partner_request"), POST=EDITOR)],
    "matching/requests/<int:pk>/recommendations/": [case(pk("partner_request"), GET=EDITOR)],
    "matching/map/offers.json": [case(GET=PUBLIC)],
    "matching/map/requests.json": [case(GET=PUBLIC)],
    "matching/organisations/<int:pk>/": [case(pk("paris"), GET=EDITOR)],
    "matching/organisations/<int:pk>/offers/new/": [case(pk("paris"), GET=EDITOR, POST=EDITOR)],
    "matching/organisations/<int:pk>/requests/new/": [case(pk("paris"), GET=EDITOR, POST=EDITOR)],
    "matching/organisations/<int:pk>/propose/": [
        case(pk("dakar"), GET=SENDER, POST=SENDER),
        case(
            pk("draft_org"),
            label="draft (its own members: a form that refuses)",
            GET=level("the draft's members", "editor", "admin"),
        ),
    ],
    "matching/proposals/": [case(GET=SIGNED_IN)],
    "matching/proposals/<int:pk>/": [case(pk("proposal"), GET=EDITOR, POST=EDITOR)],
    "matching/notifications/": [case(GET=SIGNED_IN, POST=SIGNED_IN)],
    # interop
    "iati/organisations/<int:pk>/activities.xml": [
        case(pk("paris"), GET=PUBLIC),
        case(pk("draft_org"), label="draft", GET=NOBODY),
    ],
    "iati/organisations/<int:pk>/organisation.xml": [
        case(pk("paris"), GET=PUBLIC),
        case(pk("draft_org"), label="draft", GET=NOBODY),
    ],
    "import/": [case(GET=EDITOR_SOMEWHERE, POST=EDITOR_SOMEWHERE)],
    "import/template.csv": [case(GET=PUBLIC)],
    "import/duplicates/": [case(GET=COORDINATOR)],
    "import/duplicates/<int:keep>/<int:drop>/": [
        case(
            lambda w: {"keep": w["duplicate_keep"].pk, "drop": w["duplicate_drop"].pk},
            GET=COORDINATOR,
            POST=COORDINATOR,
        )
    ],
    "import/jobs/<int:pk>/": [case(lambda w: {"pk": w["import_job"].pk}, GET=UPLOADER)],
    "import/<str:token>/": [
        case(lambda w: {"token": w["import_token"]}, GET=OWNER, POST=OWNER, data=lambda w: {"cancel": "1"})
    ],
    # API tokens (web pages)
    "account/tokens/": [case(GET=SIGNED_IN, POST=SIGNED_IN, data=lambda w: {"name": "script"})],
    "account/reminders/": [case(GET=SIGNED_IN, POST=SIGNED_IN, data=lambda w: {"results_reminders": ""})],
    "account/tokens/<int:pk>/revoke/": [case(pk("editor_token"), POST=OWNER)],
    # the API (signed-in callers send their personal token)
    # (ninja's own views answer any method alike)
    "api/v1/openapi.json": [case(GET=PUBLIC, POST=PUBLIC, PUT=PUBLIC, PATCH=PUBLIC, DELETE=PUBLIC)],
    "api/v1/docs": [case(GET=PUBLIC, POST=PUBLIC, PUT=PUBLIC, PATCH=PUBLIC, DELETE=PUBLIC)],
    "api/v1/": [
        case(
            label="ninja's root: 404 pointing to the docs",
            GET=PUBLIC,
            POST=PUBLIC,
            PUT=PUBLIC,
            PATCH=PUBLIC,
            DELETE=PUBLIC,
            ok={404},
        )
    ],
    "^api/v1/.*$": [
        case(
            path="/api/v1/no-such-thing",
            label="unknown address: JSON 404 for every method",
            GET=PUBLIC,
            POST=PUBLIC,
            PUT=PUBLIC,
            PATCH=PUBLIC,
            DELETE=PUBLIC,
            ok={404},
        )
    ],
    "api/v1/countries": [case(GET=PUBLIC)],
    "api/v1/countries/<code>": [case(lambda w: {"code": "SN"}, GET=PUBLIC)],
    "api/v1/localities": [case(query="q=Dakar", GET=PUBLIC)],
    "api/v1/localities/<geonameid>": [case(lambda w: {"geonameid": 2253354}, GET=PUBLIC)],
    "api/v1/sectors": [case(GET=PUBLIC)],
    "api/v1/sectors/<code>": [case(lambda w: {"code": "14030"}, GET=PUBLIC)],
    "api/v1/sdgs": [case(GET=PUBLIC)],
    "api/v1/axes": [case(GET=PUBLIC)],
    "api/v1/axes/<code>": [case(lambda w: {"code": w["axis_code"]}, GET=PUBLIC)],
    "api/v1/standard-indicators": [case(GET=PUBLIC)],
    "api/v1/standard-indicators/<code>": [case(lambda w: {"code": "water-drinking-access"}, GET=PUBLIC)],
    "api/v1/organisations": [
        case(GET=PUBLIC, POST=SIGNED_IN, data=lambda w: {"name": "Eau Vive", "kind": "ngo", "country": "FR"}),
        case(query="country=SN", label="by country", GET=PUBLIC),
    ],
    "api/v1/organisations/<int:organisation_id>": [
        case(org("paris"), GET=DRAFTS_HIDDEN, PATCH=EDITOR, data=lambda w: {"acronym": "VdP"}),
        case(org("spare_org"), label="spare", DELETE=ADMIN),
        case(org("draft_org"), label="draft", GET=DRAFT_VIEWERS),
    ],
    "api/v1/organisations/<int:organisation_id>/recommendations": [
        case(org("paris"), GET=DRAFTS_HIDDEN),
        case(org("draft_org"), label="draft", GET=DRAFT_VIEWERS),
    ],
    "api/v1/partnerships": [
        case(
            GET=PUBLIC,
            POST=EDITOR,
            data=lambda w: {"parties": [{"organisation": w["paris"].pk}, {"organisation": w["dakar"].pk}]},
        ),
        case(query=lambda w: f"organisation={w['draft_org'].pk}", label="by a draft organisation", GET=PUBLIC),
    ],
    "api/v1/partnerships/<int:partnership_id>": [
        case(partnership("partnership"), GET=DRAFTS_HIDDEN, PATCH=EDITOR, data=lambda w: {"status": "dormant"}),
        case(partnership("mixed_partnership"), label="with a draft party", GET=DRAFTS_HIDDEN),
        case(partnership("spare_partnership"), label="spare", DELETE=ADMIN),
        case(partnership("draft_partnership"), label="draft", GET=DRAFT_VIEWERS),
    ],
    "api/v1/partnerships/<int:partnership_id>/scorecard": [
        case(partnership("partnership"), GET=DRAFTS_HIDDEN),
        case(partnership("draft_partnership"), label="draft", GET=DRAFT_VIEWERS),
    ],
    "api/v1/organisations/<int:organisation_id>/scorecard": [
        case(org("paris"), GET=DRAFTS_HIDDEN),
        case(org("draft_org"), label="draft", GET=DRAFT_VIEWERS),
    ],
    "api/v1/strategies": [case(GET=PUBLIC)],
    "api/v1/strategies/<int:strategy_id>": [
        case(lambda w: {"strategy_id": w["strategy"].pk}, GET=DRAFTS_HIDDEN),
        case(lambda w: {"strategy_id": w["draft_strategy"].pk}, label="draft", GET=DRAFT_VIEWERS),
    ],
    "api/v1/projects": [
        case(GET=PUBLIC, POST=EDITOR, data=lambda w: {"title": {"fr": "Nouveau"}, "partnership": w["partnership"].pk}),
        case(query=lambda w: f"organisation={w['draft_org'].pk}", label="by a draft organisation", GET=PUBLIC),
    ],
    "api/v1/projects/<int:project_id>": [
        case(
            project("project"), GET=DRAFTS_HIDDEN, PATCH=EDITOR, DELETE=ADMIN, data=lambda w: {"summary": {"fr": "R"}}
        ),
        case(project("mixed_project"), label="with a draft party", GET=DRAFTS_HIDDEN),
        case(project("draft_project"), label="draft", GET=DRAFT_VIEWERS),
    ],
    "api/v1/partnerships/<int:partnership_id>/parties": [
        case(partnership("partnership"), POST=ADMIN, data=lambda w: {"organisation": w["lyon"].pk, "role": "associate"})
    ],
    "api/v1/partnerships/<int:partnership_id>/parties/<int:organisation_id>": [
        case(
            lambda w: {"partnership_id": w["partnership"].pk, "organisation_id": w["dakar"].pk},
            PATCH=ADMIN,
            data=lambda w: {"role": "funder"},
        ),
        case(
            lambda w: {"partnership_id": w["spare_partnership"].pk, "organisation_id": w["lyon"].pk},
            label="spare",
            DELETE=ADMIN,
        ),
    ],
    "api/v1/projects/<int:project_id>/participants": [
        case(
            project("project"),
            GET=DRAFTS_HIDDEN,
            POST=EDITOR,
            data=lambda w: {"organisation": w["lyon"].pk, "role": "4"},
        ),
        case(project("draft_project"), label="draft", GET=DRAFT_VIEWERS),
    ],
    "api/v1/projects/<int:project_id>/participants/<int:organisation_id>": [
        case(
            lambda w: {"project_id": w["project"].pk, "organisation_id": w["dakar"].pk},
            PATCH=EDITOR,
            DELETE=EDITOR,
            data=lambda w: {"role": "2"},
        )
    ],
    "api/v1/search": [case(GET=PUBLIC), case(query="q=Brouillonville", label="text", GET=PUBLIC)],
    "api/v1/statistics": [case(GET=PUBLIC)],
    "api/v1/downloads/atlas.<fmt>": [
        case(lambda w, fmt=fmt: {"fmt": fmt}, label=fmt, GET=PUBLIC) for fmt in ("csv", "geojson", "xlsx")
    ],
    "api/v1/calls": [case(GET=PUBLIC)],
    "api/v1/calls/<int:call_id>": [
        case(lambda w: {"call_id": w["call"].pk}, GET=PUBLIC),
        case(lambda w: {"call_id": w["draft_call"].pk}, label="draft", GET=FUNDER),
    ],
    "api/v1/calls/<int:call_id>/eligibility": [
        case(
            lambda w: {"call_id": w["call"].pk},
            query=lambda w: f"organisation={w['lyon'].pk}",
            GET=APPLICATION_READERS,
        )
    ],
    "api/v1/aid/campaigns": [case(GET=PUBLIC)],
    "api/v1/aid/campaigns/<int:campaign_id>/totals": [
        case(lambda w: {"campaign_id": w["aid_campaign"].pk}, GET=PUBLIC)
    ],
    "api/v1/aid/declarations/<int:declaration_id>": [case(_aid_api(), GET=DECLARATION_READERS)],
    "api/v1/aid/declarations/<int:declaration_id>/lines": [case(_aid_api(), POST=EDITOR, data=_revision(**AID_LINE))],
    "api/v1/aid/declarations/<int:declaration_id>/lines/<int:line_id>": [
        case(_aid_api(line=True), PATCH=EDITOR, DELETE=EDITOR, data=_revision(original_amount="1600"))
    ],
    "api/v1/aid/declarations/<int:declaration_id>/submit": [
        case(
            _aid_api(),
            label="co-financing to confirm: the checks refuse (400)",
            POST=EDITOR,
            ok={400},
            data=_revision(),
        )
    ],
    "api/v1/practices": [case(GET=PUBLIC), case(query="axis=water-sanitation&country=SN", label="facets", GET=PUBLIC)],
    "api/v1/practices/<int:practice_id>": [
        case(lambda w: {"practice_id": w["practice"].pk}, GET=PUBLIC),
        case(lambda w: {"practice_id": w["draft_practice"].pk}, label="draft", GET=NOBODY),
    ],
}

# Django's admin site is staff-only, outside the app's rules (no coordinator is staff): every method
# of every admin URL sends every caller of the matrix to the admin's sign-in page, itself public.
ADMIN_SITE = "admin/"
API_OWN_VIEWS = {"api/v1/openapi.json", "api/v1/docs", "api/v1/", "^api/v1/.*$"}  # ninja's documents; JSON 404s
ADMIN_PUBLIC = {"admin/login/", "admin/logout/"}  # the sign-in page; signing out (nothing to show)

# Tables of the app whose rows a refused write must leave as they were (the atlas index follows them).
FINGERPRINT_APPS = (
    "actors",
    "cooperation",
    "matching",
    "interop",
    "api",
    "declarations",
    "funding",
    "knowledge",
    "participation",
    "strategy",
)
FINGERPRINT_SKIPPED = {"ratecounter"}
FINGERPRINT_SKIPPED_FIELDS = {"last_used_at", "last_login"}


def url_patterns(patterns=None, prefix: str = "") -> set[str]:
    """Every URL pattern of the urlconf, as its full route."""
    routes: set[str] = set()
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            routes |= url_patterns(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            routes.add(prefix + str(entry.pattern))
    return routes


ROUTES = url_patterns()


def build_path(route: str, entry: Case, world) -> str:
    if entry.path:
        return entry.path
    args = entry.args(world) if entry.args else {}
    path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda match: str(args[match.group(1)]), route)
    query = entry.query(world) if callable(entry.query) else entry.query
    return path + ("?" + query if query else "")


def case_id(route: str, entry: Case) -> str:
    return route + (f" [{entry.label}]" if entry.label else "")


CASES = [(route, entry) for route, entries in ACCESS.items() for entry in entries]
CASE_PARAMS = [
    pytest.param(
        route,
        entry,
        id=case_id(route, entry),
        marks=[pytest.mark.xfail(reason=entry.known_gap, strict=True)] if entry.known_gap else [],
    )
    for route, entry in CASES
]


# -- the world ----------------------------------------------------------------------------------


def _build_world() -> dict:
    paris = factories.make_organisation("Ville de Paris", geonameid=2988507)
    dakar = factories.make_organisation("Ville de Dakar", geonameid=2253354)
    lyon = factories.make_organisation("Ville de Lyon", geonameid=2996944)
    draft_org = factories.make_organisation(
        f"Brouillonville {DRAFT}",
        geonameid=None,
        country_id="SN",
        published=False,
        latitude=14.1,
        longitude=-16.1,
        kind="ngo",
    )
    spare_org = factories.make_organisation("Association Spare", geonameid=None, country_id="FR", kind="ngo")
    users = {
        "anonymous": AnonymousUser(),
        "unrelated": factories.make_user(),
        "other_editor": factories.make_member(lyon),
        "editor": factories.make_member(paris),
        "admin": factories.make_member(paris, role=MembershipRole.ADMIN),
        "coordinator": factories.make_user(is_coordinator=True),
        # COUNTRY_CALLERS: the coordinator of Senegal (the draft organisation's country, Dakar's) and of Germany
        "country_coordinator": factories.make_user(),
        "foreign_coordinator": factories.make_user(),
    }
    CountryCoordinator.objects.create(user=users["country_coordinator"], country_id="SN")
    CountryCoordinator.objects.create(user=users["foreign_coordinator"], country_id="DE")
    # Paris's people are members of the draft organisation too, and editor and administrator of the spare one.
    for caller, role in (("editor", MembershipRole.EDITOR), ("admin", MembershipRole.EDITOR)):
        factories.make_member(draft_org, role=role, user=users[caller])
    factories.make_member(spare_org, user=users["editor"])
    factories.make_member(spare_org, role=MembershipRole.ADMIN, user=users["admin"])
    member = factories.make_member(paris, role=MembershipRole.EDITOR)
    ouagadougou = factories.make_organisation("Ville de Ouagadougou", geonameid=2357048)
    sender = factories.make_member(ouagadougou)

    published = factories.make_partnership(paris, dakar)
    draft_partnership = factories.make_partnership(paris, dakar, published=False, title={"fr": f"Jumelage {DRAFT}"})
    mixed = factories.make_partnership(paris, draft_org)
    spare_partnership = factories.make_partnership(paris, dakar, lyon)
    project = factories.make_project(partnership=published, lead=paris)
    draft_project = factories.make_project(
        partnership=published, lead=paris, published=False, title={"fr": f"Projet {DRAFT}"}
    )

    mixed_project = factories.make_project(partnership=mixed, title={"fr": "Assainissement"})
    # Lyon's editor (other_editor) edits these; the draft party's name is not for them.
    lyon_mixed = factories.make_partnership(lyon, draft_org)
    lyon_mixed_project = factories.make_project(partnership=lyon_mixed, lead=lyon, title={"fr": "Compostage"})
    cooperation_services.participant_add(project=lyon_mixed_project, organisation=draft_org, role="1")
    cooperation_services.contribution_add(
        project=lyon_mixed_project, amount=700, currency="EUR", organisation=draft_org
    )
    cooperation_services.participant_add(project=mixed_project, organisation=draft_org, role="4")
    cooperation_services.contribution_add(project=mixed_project, amount=500, currency="EUR", organisation=draft_org)
    result = cooperation_services.result_create(project=project, title={"fr": "Eau potable"})
    indicator = cooperation_services.indicator_create(result=result, title={"fr": "Foyers raccordés"})
    value = cooperation_services.indicator_value_set(
        indicator=indicator, period_start=date(2024, 1, 1), period_end=date(2024, 12, 31), territory=dakar, actual=120
    )
    contribution = cooperation_services.contribution_add(
        project=project, amount=1000, currency="EUR", organisation=paris
    )
    participant = cooperation_services.participant_add(project=project, organisation=dakar, role="4")
    # Results monitoring: Lyon funds the project and approves an update that Paris's editor entered.
    from coopdec.cooperation import monitoring

    cooperation_services.participant_add(project=project, organisation=lyon, role="1")
    approved_indicator = monitoring.indicator_save(
        result=result, title={"fr": "Forages"}, approver=lyon, user=users["editor"]
    )
    submitted_value = monitoring.update_save(
        value=monitoring.period_save(
            indicator=approved_indicator, period_start=date(2024, 1, 1), period_end=date(2024, 12, 31), user=None
        ).value,
        actual="12",
        submit=True,
        user=users["editor"],
    ).value
    document = cooperation_services.document_add(
        project=project, title={"fr": "Convention"}, file=SimpleUploadedFile("convention.pdf", PDF)
    )
    draft_document = cooperation_services.document_add(
        project=draft_project, title={"fr": f"Note {DRAFT}"}, file=SimpleUploadedFile("note.pdf", PDF)
    )
    cooperation_services.document_add(
        partnership=draft_partnership, title={"fr": f"Accord {DRAFT}"}, url="https://example.org/accord"
    )
    contact = actor_services.contact_create(organisation=paris, name="Accueil", kind="staff")
    invitation = actor_services.invitation_create(organisation=paris, email="invitee@example.org", send=False)
    signed = actor_services.invitation_link(invitation).rsplit("/invitations/", 1)[1].strip("/")

    offer = matching_services.offer_save(
        user=users["editor"], organisation=paris, title={"fr": "Expertise eau"}, kinds=["expertise"]
    )
    draft_offer = matching_services.offer_save(
        user=users["editor"], organisation=draft_org, title={"fr": f"Offre {DRAFT}"}, kinds=["expertise"]
    )
    partner_request = matching_services.request_save(
        user=users["editor"], organisation=paris, title={"fr": "Partenaire au Sahel"}
    )
    matching_services.request_save(user=users["editor"], organisation=draft_org, title={"fr": f"Demande {DRAFT}"})
    proposal = matching_services.proposal_send(
        user=sender, sender=ouagadougou, recipient=paris, message="Bonjour, nous proposons un jumelage sur l’eau."
    )

    sheet = spreadsheet_parse(
        "organisation_1,kind_1,city_1,country_1\nVille de Thiès,municipality,Thiès,Senegal\n".encode(),
        filename="import.csv",
    )
    from coopdec.atlas.index import reindex_all
    from coopdec.declarations import services as declaration_services
    from coopdec.vocabularies.models import Axis

    today = date.today()
    aid_campaign = declaration_services.campaign_create(
        user=None,
        country=paris.country,
        year=today.year - 1,
        opens_on=today.replace(day=1),
        closes_on=date(today.year + 1, 1, 31),
    )
    aid_declaration = declaration_services.declaration_start(campaign=aid_campaign, organisation=paris, user=None)
    aid_line = declaration_services.line_add(declaration=aid_declaration, user=None, cofinancing="100", **AID_LINE)
    aid_submitted = declaration_services.declaration_start(campaign=aid_campaign, organisation=lyon, user=None)
    declaration_services.declaration_set_nil(declaration=aid_submitted, user=None, is_nil=True)
    declaration_services.declaration_submit(declaration=aid_submitted, user=None)

    from coopdec.knowledge import services as knowledge_services

    practice = knowledge_services.practice_create(
        user=users["editor"],
        organisations=[paris],
        projects=[project],
        title={"fr": "Comités de l'eau"},
        summary={"fr": "Des comités d'usagers gèrent les bornes-fontaines."},
        axes=["water-sanitation"],
        countries=["SN"],
    )
    knowledge_services.practice_publish(practice=practice, user=None)
    draft_practice = knowledge_services.practice_create(
        user=users["editor"],
        organisations=[paris, draft_org],
        title={"fr": f"Pratique {DRAFT}"},
        summary={"fr": f"Résumé {DRAFT}"},
        axes=["water-sanitation"],
    )
    practice_document = knowledge_services.practice_document_add(
        practice=practice, user=None, title={"fr": "Guide"}, file=SimpleUploadedFile("guide.pdf", PDF)
    )
    draft_practice_document = knowledge_services.practice_document_add(
        practice=draft_practice, user=None, title={"fr": f"Note {DRAFT}"}, file=SimpleUploadedFile("note.pdf", PDF)
    )

    world = {
        "users": users,
        "practice": practice,
        "draft_practice": draft_practice,
        "practice_document": practice_document,
        "draft_practice_document": draft_practice_document,
        "paris": paris,
        "dakar": dakar,
        "lyon": lyon,
        "draft_org": draft_org,
        "spare_org": spare_org,
        "partnership": published,
        "draft_partnership": draft_partnership,
        "mixed_partnership": mixed,
        "spare_partnership": spare_partnership,
        "lyon_mixed": lyon_mixed,
        "lyon_mixed_project": lyon_mixed_project,
        "dakar_party": PartnershipParty.objects.get(partnership=published, organisation=dakar),
        "spare_lyon_party": PartnershipParty.objects.get(partnership=spare_partnership, organisation=lyon),
        "project": project,
        "mixed_project": mixed_project,
        "draft_project": draft_project,
        "result": result,
        "indicator": indicator,
        "value": value,
        "submitted_value": submitted_value,
        "contribution": contribution,
        "participant": participant,
        "document": document,
        "draft_document": draft_document,
        "contact": contact,
        "invitation": invitation,
        "invitation_signed": signed,
        "access_request_pending": actor_services.access_request_confirm(
            access_request=actor_services.access_request_create(
                organisation=paris, name="Awa", email="awa@paris.fr", function="Officer", send=False
            )
        ),
        "access_request_signed": actor_services.access_request_confirm_link(
            actor_services.access_request_create(
                organisation=paris, name="Awa", email="unconfirmed@paris.fr", function="Officer", send=False
            )
        ).split("/")[-2],
        "member_membership": Membership.objects.get(user=member, organisation=paris),
        "offer": offer,
        "draft_offer": draft_offer,
        "partner_request": partner_request,
        "proposal": proposal,
        "duplicate_keep": factories.make_organisation("Commune de Thiès", geonameid=None, country_id="SN", kind="ngo"),
        "duplicate_drop": factories.make_organisation("Commune de Thies", geonameid=None, country_id="SN", kind="ngo"),
        "import_token": upload_store(parsed=sheet, user=users["editor"], filename="import.csv"),
        "import_job": SpreadsheetImport.objects.create(token="matrix", user=users["editor"], filename="import.csv"),
        "editor_token": token_create(user=users["editor"], name="script")[0],
        "tokens": {
            caller: token_create(user=user, name="matrix")[1] for caller, user in users.items() if caller != "anonymous"
        },
        "axis_code": Axis.objects.values_list("code", flat=True).first(),
        "aid_campaign": aid_campaign,
        "aid_declaration": aid_declaration,
        "aid_line": aid_line,
        "aid_submitted": aid_submitted,
    }
    from tests.funding.matrix import funding_world

    world.update(funding_world(world, DRAFT))
    world.update(participation_matrix.build(world, DRAFT))
    from tests.strategy.factories import matrix_records as strategy_records

    world.update(strategy_records(world, DRAFT))
    reindex_all()  # the atlas follows commits; the module's records are never committed
    return world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    folder = tmp_path_factory.mktemp("access-matrix")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=folder / "media", VAR_DIR=folder / "var"):
        with transaction.atomic():
            yield _build_world()
            transaction.set_rollback(True)


# -- calling ------------------------------------------------------------------------------------


def call(client, world, caller: str, method: str, path: str, data=None):
    is_api = path.startswith("/api/")
    client.logout()
    headers = {}
    if caller != "anonymous":
        if is_api:
            headers["Authorization"] = f"Bearer {world['tokens'][caller]}"
        else:
            client.force_login(world["users"][caller])
    if is_api:
        import json

        body = json.dumps(data) if data is not None and method != "GET" else None
        return client.generic(method, path, body or "", content_type="application/json", headers=headers)
    if method == "GET":
        return client.get(path, headers=headers)
    if method == "POST":
        return client.post(path, data or {}, headers=headers)
    return client.generic(method, path, "", headers=headers)


def fingerprint() -> dict:
    """Every row of the app's tables (except volatile bookkeeping columns)."""
    from django.apps import apps

    rows = {}
    for app in FINGERPRINT_APPS:
        for model in apps.get_app_config(app).get_models():
            if model._meta.model_name in FINGERPRINT_SKIPPED:
                continue
            names = [f.attname for f in model._meta.concrete_fields if f.attname not in FINGERPRINT_SKIPPED_FIELDS]
            rows[model._meta.label] = list(model._default_manager.order_by("pk").values_list(*names))
    return rows


def refused(response, caller: str, path: str) -> bool:
    status = response.status_code
    if path.startswith("/api/"):
        return status in ({401, 404} if caller == "anonymous" else {400, 403, 404})
    if status == 302:
        return response["Location"].startswith(("/accounts/login/", "/admin/login/"))
    return status in {403, 404, 410}


def allowed(response, entry: Case) -> bool:
    status = response.status_code
    if status == 302:
        return not response["Location"].startswith("/accounts/login/")
    return 200 <= status < 400 or status in entry.ok


def check_no_draft(response, caller: str, where: str) -> None:
    if (
        caller not in DRAFT_BLIND
        or response.status_code >= 300
        or response.get("Content-Type", "").startswith("application/vnd.openxmlformats")
    ):
        return
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert DRAFT.encode() not in content, f"{where}: a draft record shows to {caller}"


# -- the tests ----------------------------------------------------------------------------------


def test_every_url_is_declared():
    site = {route for route in ROUTES if not route.startswith(ADMIN_SITE)}
    missing = sorted(site - ACCESS.keys())
    assert not missing, (
        f"URL patterns without an access declaration: {missing}. Declare each in ACCESS in "
        "tests/test_access_matrix.py: the methods it accepts, who may use each (a Level) and the records to call it "
        "on."
    )
    assert not sorted(ACCESS.keys() - site), "ACCESS declares URL patterns the urlconf no longer has"
    assert any(route.startswith(ADMIN_SITE) for route in ROUTES)


@pytest.mark.parametrize(("route", "entry"), CASE_PARAMS)
def test_access(client, world, route, entry):
    """Each declared method: allowed callers answered, the others refused without a change or a leak."""
    check_callers(client, world, build_path(route, entry, world), entry, CALLERS)


def check_callers(client, world, path: str, entry: Case, callers) -> None:
    """Each of ``callers`` calls ``path`` with each method of ``entry``: allowed or refused as its level says."""
    for method, level_ in entry.methods.items():
        data = entry.data(world) if entry.data else None
        for caller in callers:
            with transaction.atomic():
                before = fingerprint() if method != "GET" and caller not in level_.allowed else None
                response = call(client, world, caller, method, path, data)
                where = f"{method} {path} ({level_.name})"
                if caller in level_.allowed:
                    assert allowed(response, entry), f"{where}: {caller} refused with {response.status_code}"
                else:
                    assert refused(response, caller, path), (
                        f"{where}: {caller} answered {response.status_code} {response.get('Location', '')}"
                    )
                    if before is not None:
                        assert fingerprint() == before, f"{where}: refused to {caller}, yet the database changed"
                check_no_draft(response, caller, where)
                transaction.set_rollback(True)


def test_undeclared_methods_answer_405(client, world):
    """A method a URL does not declare is refused (405), so that no method escapes the table."""
    wrong = []
    for route, entries in ACCESS.items():
        declared = {method for entry in entries for method in entry.methods}
        path = build_path(route, entries[0], world)
        for method in sorted(set(METHODS) - declared):
            with transaction.atomic():
                response = call(client, world, "coordinator", method, path)
                transaction.set_rollback(True)
            if response.status_code != 405:
                wrong.append(f"{method} {path}: {response.status_code}")
    assert not wrong, (
        f"Methods answered but not declared in ACCESS (declare them, or make the view answer 405): {wrong}"
    )


ADMIN_ROUTES = sorted(route for route in ROUTES if route.startswith(ADMIN_SITE))


def _admin_path(route: str) -> str:
    path = re.sub(r"<(?:\w+:)?\w+>", "1", route.replace("^(?P<app_label>auth|actors|cooperation|api)/$", "actors/"))
    return "/" + re.sub(r"\^\(\[\^/\]\+\)/history/\(\[\^/\]\+\)/\$", "1/history/1/", path).replace("(?P<url>.*)$", "x/")


def test_the_admin_site_is_staff_only(client, world):
    """Every admin URL, GET and POST, sends every caller of the matrix (none is staff) to the admin sign-in."""
    for caller in CALLERS:
        for route in ADMIN_ROUTES:
            path = _admin_path(route)
            for method in ("GET", "POST"):
                response = call(client, world, caller, method, path)
                if route in ADMIN_PUBLIC:
                    assert response.status_code in {200, 302, 405}, (method, path, caller)
                    continue
                assert response.status_code == 302 and response["Location"].startswith("/admin/login/"), (
                    method,
                    path,
                    caller,
                    response.status_code,
                )


def test_api_writes_need_a_valid_token(client, world):
    """A session cookie is not enough to write through the API, nor is a revoked token: 401, nothing written."""
    from coopdec.api.services import token_revoke

    coordinator = world["users"]["coordinator"]
    record, revoked = token_create(user=coordinator, name="old")
    token_revoke(token=record, by=coordinator)
    writes = [
        (route, entry, method)
        for route, entry in CASES
        if route.startswith("api/") and route not in API_OWN_VIEWS
        for method in entry.methods
        if method != "GET"
    ]
    assert len(writes) >= 12
    for route, entry, method in writes:
        path, data = build_path(route, entry, world), entry.data(world) if entry.data else None
        before = fingerprint()
        client.force_login(coordinator)
        with_session = client.generic(
            method, path, "{}" if data is None else __import__("json").dumps(data), content_type="application/json"
        )
        client.logout()
        with_revoked = client.generic(
            method, path, "{}", content_type="application/json", headers={"Authorization": f"Bearer {revoked}"}
        )
        assert (with_session.status_code, with_revoked.status_code) == (401, 401), (method, path)
        assert fingerprint() == before, (method, path)


def test_drafts_stay_out_of_the_published_world(client, world):
    """The draft markers are really there for their members (the leak check above is not vacuous)."""
    client.force_login(world["users"]["editor"])
    assert DRAFT.encode() in client.get(f"/projects/{world['draft_project'].pk}/").content
    assert DRAFT.encode() in client.get("/organisations/search/?q=Brouillonville").content
    listed = client.get("/api/v1/projects", headers={"Authorization": f"Bearer {world['tokens']['editor']}"})
    assert DRAFT in listed.content.decode()
    assert Project.objects.filter(pk=world["draft_project"].pk, publication_status="draft").exists()
    assert not Document.objects.filter(pk=world["draft_document"].pk, file="").exists()
    assert ProjectParticipant.objects.filter(project=world["project"]).count() == 2  # Dakar; Lyon, the funder
    assert Contact.objects.filter(organisation=world["paris"]).count() == 1
    assert Invitation.objects.filter(organisation=world["paris"], accepted_at=None).count() == 1


def _api_ids(client, world, caller: str, path: str) -> list[int]:
    response = call(client, world, caller, "GET", path)
    assert response.status_code == 200, (path, caller, response.status_code)
    return [row["id"] for row in response.json()["results"]]


def test_list_filtered_by_a_hidden_organisation_answers_as_an_unknown_one(client, world):
    """A filter on a draft organisation lists nothing to whoever may not see it (its published
    partnerships and projects would reveal it), as a filter on an id that names nothing does."""
    for kind in ("partnerships", "projects"):
        hidden = f"/api/v1/{kind}?organisation={world['draft_org'].pk}"
        assert _api_ids(client, world, "editor", hidden) != []  # a member sees them: the check can fail
        for caller in DRAFT_BLIND:
            assert (
                _api_ids(client, world, caller, hidden)
                == _api_ids(client, world, caller, f"/api/v1/{kind}?organisation=999999999")
                == []
            )


def test_partnership_form_counts_every_party_and_lists_the_visible_ones(client, world):
    """Rule (docs/decisions.md): bilateral or multilateral counts every party, as the atlas does;
    a draft party is counted as unlisted, never named."""
    spare = world["spare_partnership"]  # Paris, Dakar, Lyon
    with transaction.atomic():
        cooperation_services.party_add(partnership=spare, organisation=world["draft_org"])
        answers = [
            (caller, call(client, world, caller, "GET", f"/api/v1/partnerships/{spare.pk}").json())
            for caller in ("anonymous", "editor")
        ]
        transaction.set_rollback(True)
    assert [(caller, body["form"], len(body["parties"]), body["unlisted_parties"]) for caller, body in answers] == [
        ("anonymous", "multilateral", 3, 1),
        ("editor", "multilateral", 4, 0),
    ]
    mixed = call(client, world, "anonymous", "GET", f"/api/v1/partnerships/{world['mixed_partnership'].pk}").json()
    assert (mixed["form"], len(mixed["parties"]), mixed["unlisted_parties"]) == ("bilateral", 1, 1)
    page = call(client, world, "anonymous", "GET", f"/partnerships/{world['mixed_partnership'].pk}/").content.decode()
    assert "bilateral" in page or "bilatéral" in page
    assert "1 organisation" in page


def test_tokens_of_a_deactivated_user_stay_revoked_when_reactivated(client, world):
    user = world["users"]["other_editor"]
    headers = {"Authorization": f"Bearer {world['tokens']['other_editor']}"}
    assert client.get("/api/v1/organisations?limit=1", headers=headers).status_code == 200
    with transaction.atomic():
        user.is_active = False
        user.save()
        user.is_active = True
        user.save()
        status = client.get("/api/v1/organisations?limit=1", headers=headers).status_code
        transaction.set_rollback(True)
    user.refresh_from_db()
    assert status == 401


# -- country coordinators -----------------------------------------------------------------------

# A country coordinator (actors.CountryCoordinator) reviews the records of their country: views,
# corrects, confirms and publishes the drafts of its organisations and of the partnerships and
# projects with a party there; deletes nothing and manages no members or parties. The routes are
# those of ACCESS, called by the coordinator of Senegal and by the coordinator of Germany.
COUNTRY_CALLERS = ("country_coordinator", "foreign_coordinator")
OF_THE_COUNTRY = level("the coordinators of the record's country", "country_coordinator")
ANY_COUNTRY = level("every country coordinator (each sees their countries)", *COUNTRY_CALLERS)

COUNTRY_ACCESS: dict[str, list[Case]] = {
    "coordination/": [case(GET=ANY_COUNTRY), case(label="another country asked", query="country=FR", GET=ANY_COUNTRY)],
    "coordination/review/": [case(GET=ANY_COUNTRY)],
    "participation/spaces/<int:pk>/moderation/": [case(pk("part_space"), GET=OF_THE_COUNTRY)],
    "coordination/results/": [case(GET=ANY_COUNTRY)],
    "organisations/<int:pk>/results/": [case(pk("draft_org"), label="draft", GET=OF_THE_COUNTRY)],
    "organisations/<int:pk>/": [case(pk("draft_org"), label="draft", GET=OF_THE_COUNTRY)],
    "organisations/<int:pk>/edit/": [
        case(pk("draft_org"), label="draft", GET=OF_THE_COUNTRY),
        case(pk("paris"), label="another country", GET=NOBODY),
    ],
    "organisations/<int:pk>/confirm/": [case(pk("draft_org"), label="draft", POST=OF_THE_COUNTRY)],
    "organisations/<int:pk>/publish/": [
        case(pk("draft_org"), label="draft", POST=OF_THE_COUNTRY, data=lambda w: {"publish": "1"})
    ],
    "organisations/<int:pk>/delete/": [case(pk("draft_org"), label="draft", POST=NOBODY)],
    "organisations/<int:pk>/members/": [case(pk("draft_org"), label="draft", GET=NOBODY)],
    "partnerships/<int:pk>/": [case(pk("draft_partnership"), label="draft", GET=OF_THE_COUNTRY)],
    "partnerships/<int:pk>/edit/": [case(pk("draft_partnership"), label="draft", GET=OF_THE_COUNTRY)],
    "partnerships/<int:pk>/publish/": [
        case(pk("draft_partnership"), label="draft", POST=OF_THE_COUNTRY, data=lambda w: {"publish": "1"})
    ],
    "partnerships/<int:pk>/delete/": [case(pk("draft_partnership"), label="draft", POST=NOBODY)],
    "projects/<int:pk>/": [case(pk("draft_project"), label="draft", GET=OF_THE_COUNTRY)],
    "projects/<int:pk>/publish/": [
        case(pk("draft_project"), label="draft", POST=OF_THE_COUNTRY, data=lambda w: {"publish": "1"})
    ],
    # good practices: the draft practice has an author in Senegal (the draft organisation)
    "practices/review/": [case(GET=ANY_COUNTRY)],
    "practices/<int:pk>/": [case(pk("draft_practice"), label="draft", GET=OF_THE_COUNTRY)],
    "practices/<int:pk>/review/": [
        case(pk("draft_practice"), label="draft", POST=OF_THE_COUNTRY, data=lambda w: {"decision": "publish"})
    ],
    "practices/<int:pk>/delete/": [case(pk("draft_practice"), label="draft", POST=NOBODY)],
    "pages/<slug:slug>/edit/": [case(_page(), GET=NOBODY)],
}
COUNTRY_PARAMS = [
    pytest.param(route, entry, id=case_id(route, entry))
    for route, entries in COUNTRY_ACCESS.items()
    for entry in entries
]


def test_country_access_declares_routes_of_the_site():
    assert not sorted(COUNTRY_ACCESS.keys() - ACCESS.keys())


@pytest.mark.parametrize(("route", "entry"), COUNTRY_PARAMS)
def test_country_coordinator_access(client, world, route, entry):
    check_callers(client, world, build_path(route, entry, world), entry, COUNTRY_CALLERS)


# -- participants -------------------------------------------------------------------------------

# A participant (a resident with a participation profile and no membership) edits no record: every
# method that a signed-in user of no organisation may not use refuses them too, and changes nothing.
PARTICIPANT_PARAMS = [
    pytest.param(route, entry, id=case_id(route, entry))
    for route, entry in CASES
    if not entry.known_gap and any("unrelated" not in level_.allowed for level_ in entry.methods.values())
]


@pytest.mark.parametrize(("route", "entry"), PARTICIPANT_PARAMS)
def test_a_participant_edits_no_record(client, world, route, entry):
    from dataclasses import replace

    methods = {method: level_ for method, level_ in entry.methods.items() if "unrelated" not in level_.allowed}
    check_callers(client, world, build_path(route, entry, world), replace(entry, methods=methods), ("participant",))
