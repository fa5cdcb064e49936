"""Reads of strategies shared by the pages and the API: who sees which, and the strategy page's figures.

``strategy_overview`` reads everything the strategy page shows in a fixed number of queries (about
fifteen, whatever the number of objectives, projects, indicators and values): objectives with their
axes, territories and countries, the linked projects the reader may see, their money per year
converted to euros, and each strategy indicator rolled up from the approved project values
(``rollup.py``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Prefetch, Q, QuerySet

from coopdec.actors.selectors import is_coordinator, organisation_ids_of
from coopdec.common.models import PublicationStatus
from coopdec.common.rates import Rate, RateUnavailable, year_average
from coopdec.cooperation.models import (
    Budget,
    Contribution,
    Indicator,
    PartnershipParty,
    Project,
    ProjectParticipant,
    Transaction,
    project_title,
)
from coopdec.cooperation.selectors import projects_visible_to

from .models import Objective, Strategy, StrategyIndicator, StrategyTarget
from .rollup import Rolled, Series, approved_series, progress, rollup_series

TARGET_CURRENCY = "EUR"
SPENDING_TYPES = ("3", "4")  # IATI TransactionType: disbursement, expenditure


def strategies_visible_to(user) -> QuerySet[Strategy]:
    """Published strategies of published owners, and every strategy of the user's organisations and partnerships."""
    queryset = Strategy.objects.select_related("organisation", "partnership")
    if is_coordinator(user):
        return queryset
    published = Q(publication_status="published") & (
        Q(organisation__publication_status="published") | Q(partnership__publication_status="published")
    )
    own = organisation_ids_of(user)
    if not own:
        return queryset.filter(published)
    theirs = Q(organisation_id__in=own) | Q(
        partnership_id__in=PartnershipParty.objects.filter(organisation_id__in=own).values("partnership_id")
    )
    return queryset.filter(published | theirs)


def strategies_of(owner, *, user) -> list[Strategy]:
    """The strategies of an organisation (its own and its partnerships' joint ones) or of a partnership."""
    from coopdec.actors.models import Organisation

    if isinstance(owner, Organisation):
        condition = Q(organisation=owner) | Q(
            partnership_id__in=PartnershipParty.objects.filter(organisation=owner).values("partnership_id")
        )
    else:
        condition = Q(partnership=owner)
    candidates = Strategy.objects.filter(condition).select_related("organisation", "partnership")
    return [
        strategy
        for strategy in candidates.order_by("-start_year", "-id")
        if user.has_perm("strategy.view_strategy", strategy)
    ]


def owner_organisation_ids(strategy: Strategy) -> set[int]:
    if strategy.organisation_id:
        return {strategy.organisation_id}
    return set(
        PartnershipParty.objects.filter(partnership__strategies=strategy).values_list("organisation_id", flat=True)
    )


def linkable_projects(strategy: Strategy) -> QuerySet[Project]:
    """Projects an objective may be linked to: those of the partnership (joint strategy), or those the
    organisation leads, takes part in, or runs in one of its partnerships."""
    partnership_id = strategy.partnership_id
    if partnership_id is not None:
        parties = owner_organisation_ids(strategy)
        return Project.objects.filter(
            Q(partnership_id=partnership_id) | Q(lead_organisation_id__in=parties, partnership__isnull=True)
        )
    organisation_id = strategy.organisation_id
    assert organisation_id is not None  # a strategy has one owner (a constraint)
    return Project.objects.filter(
        Q(lead_organisation_id=organisation_id)
        | Q(
            partnership_id__in=PartnershipParty.objects.filter(organisation_id=organisation_id).values("partnership_id")
        )
        | Q(id__in=ProjectParticipant.objects.filter(organisation_id=organisation_id).values("project_id"))
    )


@dataclass
class Suggestion:
    project: Project
    score: int
    reasons: list[str]


def project_suggestions(objective: Objective, *, user, limit: int = 20) -> list[Suggestion]:
    """Projects of the owner not linked yet, ranked by what they share with the objective: axes, partner
    territories (lead, parties, participants), countries (recipient countries, parties' countries)."""
    from django.utils.translation import gettext as _

    axes = set(objective.axes.values_list("code", flat=True))
    territories = set(objective.territories.values_list("pk", flat=True))
    countries = set(objective.countries.values_list("code", flat=True))
    if not (axes or territories or countries):
        return []
    candidates = (
        projects_visible_to(user)
        .filter(pk__in=linkable_projects(objective.strategy).values("pk"))
        .exclude(pk__in=objective.projects.values("pk"))
        .prefetch_related("axes", "partnership__party_links__organisation", "participants", "recipient_countries")
        .select_related("lead_organisation")
    )
    suggestions = []
    for project in candidates[:500]:
        reasons = []
        shared_axes = axes & {axis.code for axis in project.axes.all()}
        if shared_axes:
            reasons.append(_("same axes"))
        organisations = {participant.organisation_id for participant in project.participants.all()}
        if project.lead_organisation_id:
            organisations.add(project.lead_organisation_id)
        party_countries = set()
        if project.partnership is not None:
            for link in project.partnership.party_links.all():
                organisations.add(link.organisation_id)
                party_countries.add(link.organisation.country_id)
        if territories & organisations:
            reasons.append(_("same partner territory"))
        project_countries = {row.country_id for row in project.recipient_countries.all()} | party_countries
        if countries & project_countries:
            reasons.append(_("same country"))
        score = 3 * len(shared_axes) + 2 * len(territories & organisations) + len(countries & project_countries)
        if score:
            suggestions.append(Suggestion(project=project, score=score, reasons=reasons))
    suggestions.sort(key=lambda suggestion: (-suggestion.score, -suggestion.project.pk))
    return suggestions[:limit]


# Money


@dataclass
class Money:
    committed: dict[int, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    spent: dict[int, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    not_converted: set[tuple[str, int]] = field(default_factory=set)  # (currency, year) groups without a rate

    def add(self, other: Money) -> None:
        for year, amount in other.committed.items():
            self.committed[year] += amount
        for year, amount in other.spent.items():
            self.spent[year] += amount
        self.not_converted |= other.not_converted

    @property
    def total_committed(self) -> Decimal:
        return sum(self.committed.values(), Decimal(0))

    @property
    def total_spent(self) -> Decimal:
        return sum(self.spent.values(), Decimal(0))

    def rows(self, years: list[int]) -> list[dict]:
        """Per year: committed and spent, and each as a share of the table's largest figure (for a bar)."""
        largest = max([*self.committed.values(), *self.spent.values(), Decimal(0)])
        return [
            {
                "year": year,
                "committed": self.committed.get(year, Decimal(0)),
                "spent": self.spent.get(year, Decimal(0)),
                "committed_bar": int(self.committed.get(year, 0) * 100 / largest) if largest else 0,
                "spent_bar": int(self.spent.get(year, 0) * 100 / largest) if largest else 0,
            }
            for year in years
        ]


def money_by_project(project_ids, years: list[int]) -> dict[int, Money]:
    """Committed (budget lines, else contributions) and spent (disbursements and expenditure) per year of
    ``years``, in euros at the ECB's average rate of each year (as in the atlas); 3 queries.

    ``project_ids``: ids, or a queryset of them (used as a subquery). Rows are summed here rather than
    grouped by year in SQL: SQLite extracts a year with a Python function per row."""
    first, last = date(years[0], 1, 1), date(years[-1], 12, 31)
    money: dict[int, Money] = defaultdict(Money)
    raw: dict[tuple[int, str, str, int], Decimal] = defaultdict(Decimal)  # summed first, converted once per group
    budgets: dict[int, list] = defaultdict(list)
    budget_rows = Budget.objects.filter(project_id__in=project_ids, period_start__gte=first, period_start__lte=last)
    for row in budget_rows.order_by().values_list("project_id", "type", "currency", "period_start", "value"):
        budgets[row[0]].append(row)
    for project_id, rows in budgets.items():
        revised = any(row[1] == "2" for row in rows)  # revised budgets replace the original ones
        for _project, kind, currency, start, amount in rows:
            if (kind == "2") == revised:
                raw[(project_id, "committed", currency, start.year)] += amount
    contributions = (
        Contribution.objects.filter(project_id__in=project_ids, year__gte=first.year, year__lte=last.year)
        .exclude(project_id__in=list(budgets))
        .order_by()
        .values_list("project_id", "currency", "year", "amount")
    )
    for project_id, currency, year, amount in contributions:
        raw[(project_id, "committed", currency, year or first.year)] += amount  # (the filter leaves no None)
    spending = (
        Transaction.objects.filter(project_id__in=project_ids, type__in=SPENDING_TYPES, date__gte=first, date__lte=last)
        .order_by()
        .values_list("project_id", "currency", "date", "value")
    )
    for project_id, currency, day, amount in spending:
        raw[(project_id, "spent", currency, day.year)] += amount
    rates: dict[tuple[str, int], Rate | None] = {}  # read once per currency and year, not per project
    for (project_id, kind, currency, year), amount in raw.items():
        key = (currency or TARGET_CURRENCY, year)
        if key not in rates:
            rates[key] = _rate(*key)
        rate = rates[key]
        if rate is None:
            money[project_id].not_converted.add((currency, year))
        else:
            getattr(money[project_id], kind)[year] += rate.convert(Decimal(amount or 0))
    return money


def _rate(currency: str, year: int) -> Rate | None:
    try:
        return year_average(currency, TARGET_CURRENCY, year)
    except RateUnavailable:
        return None


# The strategy page


@dataclass
class IndicatorRow:
    indicator: StrategyIndicator
    rolled: Rolled
    cells: list[dict]  # per year: year, target, actual, progress
    last_target: Decimal | None
    progress: int | None  # of the last year's target reached (cumulative) or of the targets' sum (yearly)
    sources: int  # project indicators counted


class LinkedProject(NamedTuple):
    """What the strategy page and its API show of a linked project (read as a tuple: there may be hundreds)."""

    pk: int
    title: dict
    status: str
    publication_status: str

    @property
    def display_title(self) -> str:
        return project_title(self.title, self.pk)

    @property
    def is_published(self) -> bool:
        return self.publication_status == PublicationStatus.PUBLISHED


@dataclass
class ObjectiveBlock:
    objective: Objective
    projects: list[LinkedProject]
    money: Money
    indicators: list[IndicatorRow]
    hidden_projects: int = 0  # linked projects the reader may not see (drafts): counted, never named
    money_rows: list[dict] = field(default_factory=list)


@dataclass
class Overview:
    strategy: Strategy
    years: list[int]
    objectives: list[ObjectiveBlock]
    money: Money  # every visible project once
    project_count: int
    money_rows: list[dict] = field(default_factory=list)
    not_converted: list[str] = field(default_factory=list)  # "XYZ 2026": groups left out of the euro totals


def _objectives(strategy: Strategy) -> list[Objective]:
    return list(
        strategy.objectives.prefetch_related(
            "axes",
            "territories",
            "countries",
            Prefetch("indicators", queryset=StrategyIndicator.objects.select_related("standard")),
        )
    )


def _indicator_row(
    indicator: StrategyIndicator, sources: set[int], series: dict[int, list[Series]], years, targets: dict[int, Decimal]
) -> IndicatorRow:
    rolled = rollup_series(
        (found for source in sources for found in series.get(source, ())), years=years, cumulative=indicator.cumulative
    )
    cells = []
    for year in years:
        actual, target = rolled.by_year.get(year), targets.get(year)
        cells.append({"year": year, "target": target, "actual": actual, "progress": progress(actual, target)})
    target_years = sorted(targets)
    if indicator.cumulative:
        last_target = targets[target_years[-1]] if target_years else None
    else:
        last_target = sum(targets.values(), Decimal(0)) if targets else None
    return IndicatorRow(
        indicator=indicator,
        rolled=rolled,
        cells=cells,
        last_target=last_target,
        progress=progress(rolled.achieved, last_target),
        sources=len(sources),
    )


def strategy_overview(strategy: Strategy, *, user) -> Overview:
    years = strategy.years
    objectives = _objectives(strategy)
    through = Objective.projects.through.objects.filter(objective__strategy=strategy)
    links = list(through.values_list("objective_id", "project_id"))
    # The linked projects the reader may see, as a subquery (no list of ids to send back and forth).
    visible = projects_visible_to(user).filter(pk__in=through.values("project_id"))
    projects = {
        row[0]: LinkedProject(*row)
        for row in visible.order_by("-id").values_list("id", "title", "status", "publication_status")
    }
    by_objective: dict[int, list[int]] = defaultdict(list)
    for objective_id, project_id in links:
        by_objective[objective_id].append(project_id)
    strategy_indicators = [indicator for objective in objectives for indicator in objective.indicators.all()]
    standards = {indicator.standard_id for indicator in strategy_indicators if indicator.standard_id}
    named_links = StrategyIndicator.project_indicators.through.objects.filter(
        strategyindicator__objective__strategy=strategy
    )
    named: dict[int, set[int]] = defaultdict(set)  # strategy indicator -> project indicators it names
    for strategy_indicator_id, indicator_id in named_links.values_list("strategyindicator_id", "indicator_id"):
        named[strategy_indicator_id].add(indicator_id)
    # Every project indicator that may roll up: named, or carrying a standard the strategy sums, in a visible project.
    candidates = Indicator.objects.filter(result__project__in=visible.values("pk")).filter(
        Q(pk__in=named_links.values("indicator_id")) | Q(standard_id__in=standards)
    )
    project_of: dict[int, int] = {}
    cumulative_of: dict[int, bool] = {}
    by_standard: dict[tuple[str, int], set[int]] = defaultdict(set)  # (standard, project) -> indicator ids
    for indicator_id, standard_id, project_id, is_cumulative in candidates.values_list(
        "id", "standard_id", "result__project_id", "cumulative"
    ):
        project_of[indicator_id], cumulative_of[indicator_id] = project_id, is_cumulative
        if standard_id:
            by_standard[(standard_id, project_id)].add(indicator_id)
    sources_of: dict[int, set[int]] = {}
    for objective in objectives:
        shown_ids = {project_id for project_id in by_objective.get(objective.pk, []) if project_id in projects}
        for indicator in objective.indicators.all():
            # Named project indicators count while their project is linked to the objective and visible.
            sources = {source for source in named.get(indicator.pk, ()) if project_of.get(source) in shown_ids}
            if indicator.standard_id:
                for project_id in shown_ids:
                    sources |= by_standard.get((indicator.standard_id, project_id), set())
            sources_of[indicator.pk] = sources
    series = approved_series(candidates.values("pk"), cumulative_of=cumulative_of)
    targets: dict[int, dict[int, Decimal]] = defaultdict(dict)  # strategy indicator -> year -> target
    for indicator_id, year, target in StrategyTarget.objects.filter(
        indicator__objective__strategy=strategy
    ).values_list("indicator_id", "year", "value"):
        targets[indicator_id][year] = target
    money = money_by_project(visible.values("pk"), years) if projects else {}
    blocks, total = [], Money()
    for project_id in projects:
        if project_id in money:
            total.add(money[project_id])
    for objective in objectives:
        linked = by_objective.get(objective.pk, [])
        shown = sorted((projects[pk] for pk in linked if pk in projects), key=lambda project: -project.pk)
        objective_money = Money()
        for project in shown:
            if project.pk in money:
                objective_money.add(money[project.pk])
        rows = [
            _indicator_row(indicator, sources_of[indicator.pk], series, years, targets.get(indicator.pk, {}))
            for indicator in objective.indicators.all()
        ]
        blocks.append(
            ObjectiveBlock(
                objective=objective,
                projects=shown,
                money=objective_money,
                indicators=rows,
                hidden_projects=len(linked) - len(shown),
                money_rows=objective_money.rows(years),
            )
        )
    return Overview(
        strategy=strategy,
        years=years,
        objectives=blocks,
        money=total,
        project_count=len(projects),
        money_rows=total.rows(years),
        not_converted=[f"{currency} {year}" for currency, year in sorted(total.not_converted)],
    )
