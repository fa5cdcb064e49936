"""Eligibility of an organisation (and of its project and funding plan) for a call: pure functions.

Everything they read is prefetched into plain values (``selectors.organisation_facts``,
``selectors.project_facts``), so checking a thousand organisations costs a few queries, not a
thousand. Each rule gives a ``Check``: passed or not, and a reason a person can act on, with the
page where to fix it (``fix_url``) when there is one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.urls import reverse
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from .dac import is_least_developed
from .models import Prerequisite

CONFIRMATION_VALID = timedelta(days=365)
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Check:
    rule: str
    passed: bool
    reason: str
    fix_url: str = ""


@dataclass(frozen=True)
class Eligibility:
    checks: tuple[Check, ...]

    @property
    def eligible(self) -> bool:
        return all(check.passed for check in self.checks)

    @property
    def failed(self) -> list[Check]:
        return [check for check in self.checks if not check.passed]

    def as_json(self) -> dict:
        return {
            "eligible": self.eligible,
            "checks": [{"rule": c.rule, "passed": c.passed, "reason": c.reason} for c in self.checks],
        }


@dataclass
class PartnerFacts:
    id: int
    name: str
    country_id: str
    is_local_government: bool
    is_published: bool


@dataclass
class OrganisationFacts:
    """What the register says of an applicant, read once for many organisations."""

    id: int
    name: str
    kind: str
    kind_label: str
    country_id: str
    confirmed_at: datetime | None
    declaration_year: int
    has_campaign: bool = False
    declaration_submitted: bool = False
    overdue_reports: list[date] = field(default_factory=list)
    # partnership id -> its other parties; partnerships with a signed agreement uploaded
    partners: dict[int, list[PartnerFacts]] = field(default_factory=dict)
    agreements: set[int] = field(default_factory=set)


@dataclass
class ProjectFacts:
    id: int
    title: str
    partnership_id: int | None
    axes: set[str]
    sectors: set[str]
    countries: set[str]
    start: date | None
    end: date | None
    document_categories: set[str]


@dataclass(frozen=True)
class Plan:
    requested: Decimal
    own_cash: Decimal
    own_in_kind: Decimal
    other_funding: Decimal

    @property
    def own_share(self) -> Decimal:
        return self.own_cash + self.own_in_kind

    @property
    def total(self) -> Decimal:
        return self.requested + self.own_share + self.other_funding


def _day(value) -> str:
    return date_format(value, "DATE_FORMAT")


def _pct(value: Decimal) -> str:
    return number_format(value.quantize(Decimal("0.01")), decimal_pos=2)


def _money(value: Decimal, currency: str) -> str:
    return f"{number_format(value, decimal_pos=2, force_grouping=True)} {currency}"


def percent(part: Decimal, whole: Decimal) -> Decimal:
    return (part * HUNDRED / whole) if whole else Decimal(0)


# Organisation rules ---------------------------------------------------------------------------


def check_open(call, *, today: date, final: bool = False) -> Check:
    """The call takes applications today; at a two-stage call's first stage (not ``final``), concept notes."""
    if today < call.opens_on:
        return Check("open", False, _("The call opens on %(day)s.") % {"day": _day(call.opens_on)})
    concept_deadline = getattr(call, "concept_deadline", None)
    if getattr(call, "stages", 1) == 2 and concept_deadline is not None and not final:
        if today > concept_deadline:
            return Check(
                "open",
                False,
                _("The concept note deadline was %(day)s: the call takes no new concept note.")
                % {"day": _day(concept_deadline)},
            )
        return Check("open", True, _("The call takes concept notes until %(day)s.") % {"day": _day(concept_deadline)})
    if today > call.deadline:
        return Check("open", False, _("The deadline was %(day)s: the call is closed.") % {"day": _day(call.deadline)})
    return Check("open", True, _("The call is open until %(day)s.") % {"day": _day(call.deadline)})


def check_kind(call, facts: OrganisationFacts, kind_labels: dict) -> Check:
    if not call.eligible_kinds or facts.kind in call.eligible_kinds:
        return Check("applicant_kind", True, _("%(kind)s may apply.") % {"kind": facts.kind_label})
    allowed = ", ".join(str(kind_labels.get(kind, kind)) for kind in call.eligible_kinds)
    return Check(
        "applicant_kind",
        False,
        _("%(kind)s may not apply to this call; it is open to: %(allowed)s.")
        % {"kind": facts.kind_label, "allowed": allowed},
    )


def check_country(call, facts: OrganisationFacts, country_labels: dict | None = None) -> Check:
    names = country_labels or {}
    country = names.get(facts.country_id, facts.country_id)
    if not call.eligible_countries or facts.country_id in call.eligible_countries:
        return Check("applicant_country", True, _("Applicants from %(country)s may apply.") % {"country": country})
    return Check(
        "applicant_country",
        False,
        _("The call is open to applicants from %(countries)s, not %(country)s.")
        % {"countries": ", ".join(str(names.get(code, code)) for code in call.eligible_countries), "country": country},
    )


def check_confirmed(facts: OrganisationFacts, *, now: datetime) -> Check:
    url = reverse("actors:organisation_detail", args=[facts.id])
    if facts.confirmed_at is None:
        return Check(
            Prerequisite.CONFIRMED,
            False,
            _("Your record has never been confirmed as accurate: check it and confirm it."),
            url,
        )
    when = _day(facts.confirmed_at.date())
    if now - facts.confirmed_at > CONFIRMATION_VALID:
        return Check(
            Prerequisite.CONFIRMED,
            False,
            _("Your record was last confirmed on %(day)s: confirm it.") % {"day": when},
            url,
        )
    return Check(Prerequisite.CONFIRMED, True, _("Your record was confirmed on %(day)s.") % {"day": when})


def check_declaration(facts: OrganisationFacts) -> Check:
    year = facts.declaration_year
    if facts.declaration_submitted:
        return Check(
            Prerequisite.DECLARATION, True, _("Your aid declaration for %(year)s is submitted.") % {"year": year}
        )
    if not facts.has_campaign:
        return Check(
            Prerequisite.DECLARATION,
            False,
            _("No aid declaration for %(year)s can be found: your country has no campaign for that year.")
            % {"year": year},
        )
    return Check(
        Prerequisite.DECLARATION,
        False,
        _("Your aid declaration for %(year)s is not submitted: submit it.") % {"year": year},
        reverse("declarations:home"),
    )


def check_reports(facts: OrganisationFacts) -> Check:
    if not facts.overdue_reports:
        return Check(Prerequisite.REPORTS, True, _("No report is overdue on your earlier grants."))
    return Check(
        Prerequisite.REPORTS,
        False,
        _("%(count)s report(s) on earlier grants are overdue, the first since %(day)s: file them.")
        % {"count": len(facts.overdue_reports), "day": _day(min(facts.overdue_reports))},
        reverse("funding:dashboard"),
    )


def _partnerships_in_scope(facts: OrganisationFacts, project: ProjectFacts | None) -> list[int]:
    if project is None:
        return sorted(facts.partners)
    return [project.partnership_id] if project.partnership_id in facts.partners else []


def check_agreement(facts: OrganisationFacts, project: ProjectFacts | None) -> Check:
    scope = _partnerships_in_scope(facts, project)
    if any(pk in facts.agreements for pk in scope):
        return Check(Prerequisite.AGREEMENT, True, _("A signed agreement with the partner is uploaded."))
    url = reverse("cooperation:partnership_detail", args=[scope[0]]) if scope else ""
    if project is not None and not scope:
        return Check(
            Prerequisite.AGREEMENT,
            False,
            _("The project belongs to no partnership of yours: attach it to the partnership with your partner."),
            reverse("cooperation:project_detail", args=[project.id]),
        )
    return Check(
        Prerequisite.AGREEMENT,
        False,
        _("No signed agreement with your partner is uploaded: add it to the partnership's documents."),
        url,
    )


def check_partner(facts: OrganisationFacts, project: ProjectFacts | None) -> Check:
    scope = _partnerships_in_scope(facts, project)
    partners = [p for pk in scope for p in facts.partners[pk] if p.is_local_government and p.is_published]
    if partners:
        return Check(
            Prerequisite.PARTNER, True, _("Partner authority registered: %(name)s.") % {"name": partners[0].name}
        )
    return Check(
        Prerequisite.PARTNER,
        False,
        _("No partner local government is registered and published in your partnership: invite it to the register."),
        reverse("cooperation:partnership_detail", args=[scope[0]]) if scope else "",
    )


def check_organisation(
    call,
    facts: OrganisationFacts,
    *,
    today: date,
    now: datetime,
    kind_labels: dict,
    country_labels: dict | None = None,
    final: bool = False,
) -> list[Check]:
    checks = [
        check_open(call, today=today, final=final),
        check_kind(call, facts, kind_labels),
        check_country(call, facts, country_labels),
    ]
    prerequisites = set(call.prerequisites)
    if Prerequisite.CONFIRMED in prerequisites:
        checks.append(check_confirmed(facts, now=now))
    if Prerequisite.DECLARATION in prerequisites:
        checks.append(check_declaration(facts))
    if Prerequisite.REPORTS in prerequisites:
        checks.append(check_reports(facts))
    return checks


# Project rules --------------------------------------------------------------------------------


def months_between(start: date, end: date) -> int:
    """Whole months a project runs, a started month counting: 1 Jan–31 Dec is 12."""
    months = (end.year - start.year) * 12 + end.month - start.month
    return months + (1 if end.day >= start.day - 1 else 0)


def check_themes(call, project: ProjectFacts, axis_labels: dict) -> list[Check]:
    checks = []
    url = reverse("cooperation:project_update", args=[project.id])
    if call.eligible_axes:
        matching = project.axes & set(call.eligible_axes)
        if matching:
            names = ", ".join(str(axis_labels.get(code, code)) for code in sorted(matching))
            checks.append(Check("axes", True, _("The project works on %(axes)s.") % {"axes": names}))
        else:
            wanted = ", ".join(str(axis_labels.get(code, code)) for code in call.eligible_axes)
            checks.append(
                Check("axes", False, _("The project is on none of the call's axes (%(axes)s).") % {"axes": wanted}, url)
            )
    if call.eligible_sectors:
        prefixes = tuple(call.eligible_sectors)
        if any(code.startswith(prefixes) for code in project.sectors):
            checks.append(Check("sectors", True, _("The project's DAC sectors are eligible.")))
        else:
            checks.append(
                Check(
                    "sectors",
                    False,
                    _("None of the project's DAC sectors is eligible (the call funds %(codes)s).")
                    % {"codes": ", ".join(call.eligible_sectors)},
                    url,
                )
            )
    return checks


def check_duration(call, project: ProjectFacts) -> Check | None:
    if not call.max_duration_months:
        return None
    url = reverse("cooperation:project_update", args=[project.id])
    if project.start is None or project.end is None:
        return Check("duration", False, _("Give the project's start and end dates."), url)
    months = months_between(project.start, project.end)
    if months > call.max_duration_months:
        return Check(
            "duration",
            False,
            _("The project runs %(months)s months; the call funds at most %(max)s.")
            % {"months": months, "max": call.max_duration_months},
            url,
        )
    return Check("duration", True, _("The project runs %(months)s months.") % {"months": months})


def check_documents(call, project: ProjectFacts, category_labels: dict) -> Check | None:
    if not call.required_documents:
        return None
    missing = [code for code in call.required_documents if code not in project.document_categories]
    if missing:
        names = ", ".join(str(category_labels.get(code, code)) for code in missing)
        return Check(
            "documents",
            False,
            _("Documents missing from the project: %(names)s.") % {"names": names},
            reverse("cooperation:project_detail", args=[project.id]),
        )
    return Check("documents", True, _("Every required document is attached to the project."))


def least_developed_rate(project: ProjectFacts | None) -> bool:
    """The LDC rate applies when every recipient country of the project is a least developed country."""
    if project is None or not project.countries:
        return False
    return all(is_least_developed(code) for code in project.countries)


# Funding plan rules -------------------------------------------------------------------------


def check_plan(call, plan: Plan, *, least_developed: bool) -> list[Check]:
    """Rate, own share, in-kind cap, amount range: exact comparisons (90.00% passes a 90% cap, 90.01% fails)."""
    currency = call.currency
    if plan.total <= 0:
        return [Check("plan", False, _("Give the amount requested and your own share."))]
    checks = []
    cap = call.max_rate_ldc if least_developed else call.max_rate_other
    group = _("least developed countries") if least_developed else _("other countries")
    rate = percent(plan.requested, plan.total)
    passed = plan.requested * HUNDRED <= cap * plan.total
    checks.append(
        Check(
            "rate",
            passed,
            _("The grant is %(rate)s%% of the cost; the call pays at most %(cap)s%% (%(group)s).")
            % {"rate": _pct(rate), "cap": _pct(cap), "group": group},
        )
    )
    own = percent(plan.own_share, plan.total)
    checks.append(
        Check(
            "own_share",
            plan.own_share * HUNDRED >= call.min_own_share * plan.total,
            _("Your own share is %(share)s%% of the cost; the call asks at least %(min)s%%.")
            % {"share": _pct(own), "min": _pct(call.min_own_share)},
        )
    )
    in_kind = percent(plan.own_in_kind, plan.own_share)
    checks.append(
        Check(
            "in_kind",
            plan.own_in_kind * HUNDRED <= call.max_in_kind_share * plan.own_share,
            _("In kind is %(share)s%% of your own share; the call accepts at most %(max)s%%.")
            % {"share": _pct(in_kind), "max": _pct(call.max_in_kind_share)},
        )
    )
    low, high = call.min_amount, call.max_amount
    if low is not None or high is not None:
        passed = (low is None or plan.requested >= low) and (high is None or plan.requested <= high)
        bounds = {
            "amount": _money(plan.requested, currency),
            "low": _money(low or Decimal(0), currency),
            "high": _money(high, currency) if high is not None else "—",
        }
        checks.append(
            Check("amount", passed, _("%(amount)s requested; the call grants from %(low)s to %(high)s.") % bounds)
        )
    return checks


def check_application(
    call,
    facts: OrganisationFacts,
    project: ProjectFacts,
    plan: Plan,
    *,
    today: date,
    now: datetime,
    labels: dict,
    final: bool = False,
) -> Eligibility:
    """Every rule for an application: the organisation's, the project's and the funding plan's (``final``: the full
    application of a two-stage call, due by the final deadline)."""
    checks = check_organisation(
        call,
        facts,
        today=today,
        now=now,
        kind_labels=labels.get("kinds", {}),
        country_labels=labels.get("countries"),
        final=final,
    )
    prerequisites = set(call.prerequisites)
    if Prerequisite.AGREEMENT in prerequisites:
        checks.append(check_agreement(facts, project))
    if Prerequisite.PARTNER in prerequisites:
        checks.append(check_partner(facts, project))
    checks += check_themes(call, project, labels.get("axes", {}))
    for check in (check_duration(call, project), check_documents(call, project, labels.get("documents", {}))):
        if check is not None:
            checks.append(check)
    checks += check_plan(call, plan, least_developed=least_developed_rate(project))
    return Eligibility(tuple(checks))


def check_applicant(call, facts: OrganisationFacts, *, today: date, now: datetime, labels: dict) -> Eligibility:
    """The rules an organisation can be checked on before it picks a project."""
    checks = check_organisation(
        call, facts, today=today, now=now, kind_labels=labels.get("kinds", {}), country_labels=labels.get("countries")
    )
    prerequisites = set(call.prerequisites)
    if Prerequisite.AGREEMENT in prerequisites:
        checks.append(check_agreement(facts, None))
    if Prerequisite.PARTNER in prerequisites:
        checks.append(check_partner(facts, None))
    return Eligibility(tuple(checks))
