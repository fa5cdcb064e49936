"""The funding records of the access matrix's world (``tests/test_access_matrix.py``).

Paris (the matrix's editor and administrator) is the funder; Lyon (the other editor) applies with its
project of the partnership with the draft organisation; the signed-in user of no organisation is the
reviewer, their declaration of no conflict made.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from coopdec.cooperation.models import Project
from coopdec.funding import services
from coopdec.funding.models import Application, ApplicationStatus, Report, ReportKind, Review, ReviewStatus, Tranche

RULES = {
    "envelope": Decimal("100000"),
    "max_rate_ldc": Decimal("90"),
    "max_rate_other": Decimal("70"),
    "min_own_share": Decimal("10"),
    "max_in_kind_share": Decimal("50"),
}


def funding_world(w: dict, draft_marker: str) -> dict:
    today = timezone.localdate()
    dates = {"opens_on": today - timedelta(days=5), "deadline": today + timedelta(days=30)}
    criteria = [({"fr": "Pertinence"}, 2), ({"fr": "Partenariat"}, 1)]
    call = services.call_create(funder=w["paris"], title={"fr": "Appel jeunesse"}, criteria=criteria, **dates, **RULES)
    call = services.call_publish(call=call)
    draft_call = services.call_create(
        funder=w["paris"], title={"fr": f"Appel {draft_marker}"}, criteria=criteria, **dates, **RULES
    )
    draft = services.application_create(call=call, organisation=w["lyon"], project=w["lyon_mixed_project"])
    exchanges = Project.objects.create(
        lead_organisation=w["lyon"], title={"fr": "Échanges de jeunes"}, publication_status="published"
    )
    submitted = services.application_create(call=call, organisation=w["lyon"], project=exchanges)
    # Under review as if submitted (the world's Lyon meets none of the register's prerequisites).
    Application.objects.filter(pk=submitted.pk).update(
        status=ApplicationStatus.UNDER_REVIEW, snapshot={}, requested=9000, own_cash=1000
    )
    review = Review.objects.create(
        application=submitted,
        reviewer=w["users"]["unrelated"],
        status=ReviewStatus.ACCEPTED,
        declared_at=timezone.now(),
    )
    report = Report.objects.create(
        application=submitted,
        kind=ReportKind.INTERIM,
        period_start=today - timedelta(days=365),
        period_end=today - timedelta(days=1),
        due_on=today + timedelta(days=30),
    )
    tranche = Tranche.objects.create(application=submitted, position=1, share=Decimal(80), amount=Decimal(7200))
    return {
        "call": call,
        "draft_call": draft_call,
        "application_draft": draft,
        "application": Application.objects.get(pk=submitted.pk),
        "review": review,
        "report": report,
        "tranche": tranche,
    }
