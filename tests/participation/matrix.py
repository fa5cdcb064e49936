"""The participation records of the site-wide access matrix (``tests/test_access_matrix.py``): a space
on the published Paris – Dakar partnership in its proposals phase, one on the draft partnership, a
proposal by a Senegalese participant (not a caller of the matrix), a hidden proposal whose title
carries the draft marker (so that the matrix checks that no listing, map or API shows it), a comment
and a sign-up link."""

from decimal import Decimal

from django.core import signing

from coopdec.api.services import token_create
from coopdec.participation import services
from tests import factories

from .factories import DAKAR_POINT, make_participant, make_space_dates


def build(world: dict, draft_marker: str) -> dict:
    dates = make_space_dates("proposals")
    space = services.space_create(
        partnership=world["partnership"], **{**dates, "title": {"fr": "Vos idées"}}, budget=Decimal(50000)
    )
    draft_space = services.space_create(
        partnership=world["draft_partnership"], **{**dates, "title": {"fr": f"Espace {draft_marker}"}}
    )
    author = make_participant("SN", user=factories.make_user())
    proposal = services.proposal_submit(
        space=space,
        user=author.user,
        title="Un puits",
        body="Un puits près de l'école.",
        language="fr",
        latitude=DAKAR_POINT[0],
        longitude=DAKAR_POINT[1],
        cost=Decimal(20000),
    )
    hidden = services.proposal_submit(
        space=space, user=author.user, title=f"Réclame {draft_marker}", body="Achetez !", language="fr", cost=Decimal(1)
    )
    services.moderate(item=hidden, user=None, hide=True, reason="Publicité")
    comment = services.comment_add(proposal=proposal, user=author.user, text="Bonne idée", language="fr")
    services.report_create(proposal=proposal, comment=comment, user=author.user, reason="Hors sujet")
    signed = signing.dumps(
        {
            "email": "newcomer@example.org",
            "first_name": "Awa",
            "last_name": "",
            "display": "initial",
            "town": "Dakar",
            "country_id": "SN",
            "kind": "resident",
            "language": "fr",
        },
        salt=services.SIGNUP_SALT,
        compress=True,
    )
    # A resident with a participation profile and no membership: the matrix checks they edit nothing.
    resident = make_participant("FR", user=factories.make_user(), town="Paris").user
    world["users"]["participant"] = resident
    world["tokens"]["participant"] = token_create(user=resident, name="matrix")[1]
    return {
        "part_space": space,
        "part_draft_space": draft_space,
        "part_proposal": proposal,
        "part_hidden": hidden,
        "part_comment": comment,
        "part_signed": signed,
    }


def space_form(world: dict) -> dict:
    dates = make_space_dates("proposals")
    return {
        "title_0": "Budget participatif",
        **{name: day.isoformat() for name, day in dates.items() if name != "title"},
        "budget": "30000",
        "currency": "EUR",
    }


SIGN_UP = {
    "email": "someone@example.org",
    "first_name": "Awa",
    "display": "initial",
    "town": "Dakar",
    "country": "SN",
    "kind": "resident",
    "privacy": "on",
}
