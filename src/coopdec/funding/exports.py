"""A call's applications and scores as a file (CSV or XLSX, the site's download formats).

Column names are stable English keys (``docs/funding.md``); one row per application with its plan,
its average score and, per criterion, the average of the finished reviews. A cell a spreadsheet
would run as a formula is neutralised by the formats (``coopdec.interop.exports``).
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from django.http import HttpResponseBase

from coopdec.interop.exports import FORMATS

from . import selectors
from .models import Call, ReviewStatus

BASE_COLUMNS = [
    "rank",
    "application",
    "organisation",
    "country",
    "project",
    "partner",
    "partner_confirmed",
    "status",
    "submitted_at",
    "requested",
    "own_cash",
    "own_in_kind",
    "other_funding",
    "total_cost",
    "currency",
    "reviews_done",
    "reviews_expected",
    "score",
    "passes",
    "awarded_amount",
]


def columns(call: Call) -> list[str]:
    return BASE_COLUMNS + [f"criterion_{c.position + 1}" for c in selectors.criteria_of(call)]


def rows(call: Call) -> Iterator[dict]:
    criteria = selectors.criteria_of(call)
    for rank, row in enumerate(selectors.ranking(call), start=1):
        application = row.application
        done = [r for r in application.reviews.all() if r.status == ReviewStatus.DONE]
        item = {
            "rank": rank if row.passes else "",
            "application": application.pk,
            "organisation": application.organisation.name,
            "country": application.organisation.country_id,
            "project": application.project.display_title,
            "partner": application.partner.name if application.partner is not None else "",
            "partner_confirmed": "yes" if application.partner_confirmed_at else "no",
            "status": application.status,
            "submitted_at": application.submitted_at.date().isoformat() if application.submitted_at else "",
            "requested": application.requested,
            "own_cash": application.own_cash,
            "own_in_kind": application.own_in_kind,
            "other_funding": application.other_funding,
            "total_cost": application.total_cost,
            "currency": call.currency,
            "reviews_done": row.reviews_done,
            "reviews_expected": row.reviews_expected,
            "score": row.score if row.score is not None else "",
            "passes": "yes" if row.passes else "no",
            "awarded_amount": application.awarded_amount if application.awarded_amount is not None else "",
        }
        for criterion in criteria:
            scores = [r.scores[str(criterion.pk)]["score"] for r in done if str(criterion.pk) in r.scores]
            average = (Decimal(sum(scores)) / len(scores)).quantize(Decimal("0.01")) if scores else ""
            item[f"criterion_{criterion.position + 1}"] = average
        yield item


def response(call: Call, format_name: str) -> HttpResponseBase:
    return FORMATS[format_name].response(rows(call), columns=columns(call), filename=f"call-{call.pk}-applications")
