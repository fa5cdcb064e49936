"""The funding part of ``coopdec demo_data``: a demo call of a French ministry-like funder.

"Appel à projets jeunesse 2027" (90% of the cost in the least developed countries, 70% elsewhere, 10%
own share of which in kind at most half), with applications at each stage, made through the
services from the demo's organisations and projects: Chambéry–Louga's water project awarded with its
advance paid, Poitiers' waste project under review, a youth council project of Chambéry submitted,
and Baden-Württemberg's vocational project in draft (the call is for French applicants: its page
shows why). Idempotent: a second run finds the call and creates nothing.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone

from coopdec.actors.models import Membership, MembershipRole, Organisation
from coopdec.common.models import PublicationStatus, Source
from coopdec.cooperation import services as cooperation
from coopdec.cooperation.models import Project

from . import services
from .models import Call, Tranche

logger = logging.getLogger(__name__)

TITLE = {"fr": "Appel à projets jeunesse 2027", "en": "Youth call for projects 2027"}
DESCRIPTION = {
    "fr": "Soutien aux projets de coopération décentralisée qui associent les jeunes des deux territoires "
    "partenaires : échanges, engagement citoyen, formation, insertion. Appel de démonstration.",
    "en": "Support for decentralised cooperation projects that involve the young people of both partner "
    "territories: exchanges, civic engagement, training, employment. A demonstration call.",
}
CRITERIA = [
    ({"fr": "Pertinence et ancrage local", "en": "Relevance and local roots"}, 30),
    ({"fr": "Réciprocité du partenariat", "en": "Reciprocity of the partnership"}, 25),
    ({"fr": "Participation des jeunes", "en": "Participation of young people"}, 25),
    ({"fr": "Budget et faisabilité", "en": "Budget and feasibility"}, 20),
]
FUNDER = {
    "name": "Délégation pour l’action extérieure des collectivités (démo)",
    "kind": "national_agency",
    "country_id": "FR",
    "languages": ["fr"],
    "source_ref": "org-funder-demo",
}


def _funder() -> Organisation:
    funder = Organisation.objects.filter(source=Source.DEMO, source_ref=FUNDER["source_ref"]).first()
    if funder is None:
        funder = Organisation.objects.create(
            **FUNDER, is_demo=True, source=Source.DEMO, publication_status=PublicationStatus.PUBLISHED
        )
    return funder


def _user(username: str, organisation: Organisation | None = None):
    user, _created = get_user_model().objects.get_or_create(
        username=username, defaults={"email": f"{username}@example.org"}
    )
    if organisation is not None:
        Membership.objects.get_or_create(user=user, organisation=organisation, defaults={"role": MembershipRole.EDITOR})
    return user


def _apply(call, organisation, project, *, requested, user):
    application = services.application_create(call=call, organisation=organisation, project=project, user=user)
    return services.application_set_plan(
        application=application, user=user, revision=application.revision, requested=Decimal(requested)
    )


def _submit(application, *, user, partner_user=None):
    application = services.application_submit(application=application, user=user)
    if application.partner is not None:
        Membership.objects.get_or_create(
            user=partner_user, organisation=application.partner, defaults={"role": MembershipRole.EDITOR}
        )
        application = services.application_confirm_partner(application=application, user=partner_user)
    return application


def _review(application, *, reviewer, funder_user, scores):
    review = services.review_assign(application=application, reviewer=reviewer, user=funder_user)
    review = services.review_declare(review=review, user=reviewer, no_conflict=True)
    criteria = list(application.call.criteria.order_by("position"))
    values = {
        str(c.pk): {"score": s, "comment": "Très bon ancrage." if s in (1, 5) else ""}
        for c, s in zip(criteria, scores, strict=True)
    }
    return services.review_score(review=review, user=reviewer, revision=review.revision, scores=values, final=True)


def build(organisations: dict[str, Organisation], *, today: date | None = None) -> int:
    """Create the demo call and its applications when missing; the number of records created."""
    today = today or date.today()
    if Call.objects.filter(is_demo=True, title__fr=TITLE["fr"]).exists():
        return 0
    funder = _funder()
    funder_user = _user("funder-demo", funder)
    call = services.call_create(
        user=funder_user,
        funder=funder,
        title=TITLE,
        description=DESCRIPTION,
        envelope=Decimal("2000000"),
        currency="EUR",
        opens_on=today - timedelta(weeks=4),
        deadline=today + timedelta(weeks=8),
        eligible_kinds=["municipality", "intermunicipal", "county", "region"],
        eligible_countries=["FR"],
        max_rate_ldc=Decimal(90),
        max_rate_other=Decimal(70),
        min_own_share=Decimal(10),
        max_in_kind_share=Decimal(50),
        min_amount=Decimal(10000),
        max_amount=Decimal(400000),
        max_duration_months=48,
        prerequisites=["confirmed", "reports", "partner"],
        retained_share=Decimal(20),
        is_demo=True,
        criteria=CRITERIA,
    )
    call = services.call_publish(call=call, user=funder_user)
    created = 2
    chambery, poitiers, bw = organisations["org-chambery"], organisations["org-poitiers"], organisations["org-bw"]
    for organisation in (chambery, poitiers):
        organisation.confirmed_at = organisation.confirmed_at or timezone.now()
        organisation.save(update_fields=["confirmed_at"])
    chambery_user, poitiers_user = _user("chambery-demo", chambery), _user("poitiers-demo", poitiers)
    partner_user, reviewer = _user("partner-demo"), _user("reviewer-demo")
    water = Project.objects.get(source=Source.DEMO, source_ref="project-louga-water")
    waste = Project.objects.get(source=Source.DEMO, source_ref="project-waste-recovery")
    vocational = Project.objects.get(source=Source.DEMO, source_ref="project-mg-vocational")
    youth = Project.objects.filter(source=Source.DEMO, source_ref="project-chambery-louga-youth").first()
    if youth is None:
        youth = cooperation.project_create(
            title={"fr": "Conseils municipaux de jeunes Chambéry–Louga", "en": "Chambéry–Louga youth councils"},
            partnership=water.partnership,
            lead_organisation=chambery,
            currency="EUR",
            status="1",
            planned_start=today + timedelta(days=120),
            planned_end=today + timedelta(days=120 + 2 * 365),
            is_demo=True,
            source=Source.DEMO,
            source_ref="project-chambery-louga-youth",
            publication_status=PublicationStatus.PUBLISHED,
        )
        youth.recipient_countries.create(country_id="SN")
        cooperation.contribution_add(project=youth, organisation=chambery, kind="cash", amount=12000, currency="EUR")
        cooperation.contribution_add(
            project=youth, organisation=chambery, kind="staff_time", amount=6000, currency="EUR"
        )
        created += 1
    try:
        # Submitted first: once its water project is awarded, Chambéry owes reports (the project ran in
        # 2023-2024, so they are overdue) and the call's "reports" prerequisite would refuse a new application.
        _submit(
            _apply(call, chambery, youth, requested=60000, user=chambery_user),
            user=chambery_user,
            partner_user=partner_user,
        )
        awarded = _submit(
            _apply(call, chambery, water, requested=200000, user=chambery_user),
            user=chambery_user,
            partner_user=partner_user,
        )
        _review(awarded, reviewer=reviewer, funder_user=funder_user, scores=[5, 4, 4, 3])
        awarded.refresh_from_db()
        awarded = services.application_decide(
            application=awarded,
            user=funder_user,
            decision="awarded",
            amount=Decimal(180000),
            note="Projet solide ; la subvention est réduite au coût des équipements éligibles.",
            revision=awarded.revision,
        )
        services.tranche_release(tranche=Tranche.objects.get(application=awarded, position=1), user=funder_user)
        under_review = _submit(
            _apply(call, poitiers, waste, requested=100000, user=poitiers_user),
            user=poitiers_user,
            partner_user=partner_user,
        )
        review = services.review_assign(application=under_review, reviewer=reviewer, user=funder_user)
        services.review_declare(review=review, user=reviewer, no_conflict=True)
        services.application_create(call=call, organisation=bw, project=vocational, user=None)
        created += 4
    except ValidationError as error:  # the demo's register changed: say so rather than fake a stage
        logger.warning("Demo call: an application could not go through: %s", "; ".join(error.messages))
    return created
