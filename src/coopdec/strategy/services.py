"""Writes of strategies: every change checked here (web forms and API alike), under a transaction.

A change to an objective, an indicator, a target or a project link is a change of the strategy: it
gets a version in the strategy's history with its reason, and the strategy's "updated" date.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from coopdec.actors.models import Organisation
from coopdec.common.i18n import clean_i18n
from coopdec.common.versions import versioned_change
from coopdec.cooperation.models import Indicator, Partnership, Project
from coopdec.territories.models import Country
from coopdec.vocabularies.models import Axis, StandardIndicator

from .models import FIRST_YEAR, LAST_YEAR, MAX_SPAN, Objective, Strategy, StrategyIndicator, StrategyTarget
from .selectors import linkable_projects

NUMBER_MAX = Decimal("1e14")


def parse_number(value, *, label: str) -> Decimal | None:
    """A number typed by a user (a comma or a point as decimal mark, spaces between thousands), or None if blank."""
    if value is None:
        return None
    if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
        number = Decimal(str(value))
    else:
        text = str(value).strip().replace("\u202f", "").replace("\u00a0", "").replace(" ", "").replace(",", ".")
        if not text:
            return None
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValidationError(
                _("%(label)s: enter a number (for example 1200 or 12.5), not “%(value)s”.")
                % {"label": label, "value": str(value)[:40]},
                code="number",
            ) from None
    if not number.is_finite() or abs(number) >= NUMBER_MAX:
        raise ValidationError(_("%(label)s: this number is too large.") % {"label": label}, code="number")
    return number.quantize(Decimal("0.0001"))


def _check_years(start_year: int, end_year: int) -> None:
    errors = {}
    for name, year in (("start_year", start_year), ("end_year", end_year)):
        if not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
            errors[name] = _("Enter a year between %(first)s and %(last)s.") % {"first": FIRST_YEAR, "last": LAST_YEAR}
    if errors:
        raise ValidationError(errors)
    if end_year < start_year:
        raise ValidationError({"end_year": _("The strategy ends before it starts.")})
    if end_year - start_year >= MAX_SPAN:
        raise ValidationError({"end_year": _("A strategy covers at most %(years)s years.") % {"years": MAX_SPAN}})


@transaction.atomic
def strategy_create(
    *,
    user=None,
    organisation: Organisation | None = None,
    partnership: Partnership | None = None,
    title,
    summary=None,
    start_year: int,
    end_year: int,
    published: bool = False,
    is_demo: bool = False,
    source: str = "manual",
) -> Strategy:
    if (organisation is None) == (partnership is None):
        raise ValidationError(_("A strategy belongs to one organisation or to one partnership."))
    _check_years(start_year, end_year)
    strategy = Strategy(
        organisation=organisation,
        partnership=partnership,
        title=clean_i18n(title),
        summary=clean_i18n(summary),
        start_year=start_year,
        end_year=end_year,
        publication_status="published" if published else "draft",
        is_demo=is_demo,
        source=source,
        created_by=user if user is not None and user.is_authenticated else None,
    )
    if not strategy.title:
        raise ValidationError({"title": _("Write this in at least one language.")})
    strategy.full_clean()
    with versioned_change(strategy, user=user) as change:
        change.save()
    return strategy


@transaction.atomic
def strategy_update(*, strategy: Strategy, user=None, title, summary=None, start_year: int, end_year: int) -> Strategy:
    _check_years(start_year, end_year)
    outside = sorted(
        set(
            StrategyTarget.objects.filter(indicator__objective__strategy=strategy)
            .exclude(year__gte=start_year, year__lte=end_year)
            .values_list("year", flat=True)
        )
    )
    if outside:
        raise ValidationError(
            {
                "end_year": _("Targets are set for %(years)s, outside %(start)s–%(end)s: change or remove them first.")
                % {"years": ", ".join(map(str, outside)), "start": start_year, "end": end_year}
            }
        )
    strategy.title, strategy.summary = clean_i18n(title), clean_i18n(summary)
    strategy.start_year, strategy.end_year = start_year, end_year
    if not strategy.title:
        raise ValidationError({"title": _("Write this in at least one language.")})
    strategy.full_clean()
    with versioned_change(strategy, user=user) as change:
        change.save()
    return strategy


@transaction.atomic
def strategy_delete(strategy: Strategy, user=None) -> None:
    if user is not None and user.is_authenticated:
        strategy._history_user = user
    strategy.delete()


# Objectives


@transaction.atomic
def objective_save(
    *,
    strategy: Strategy,
    objective: Objective | None = None,
    title,
    description=None,
    axes=(),
    territories=(),
    countries=(),
    user=None,
) -> Objective:
    """Create (``objective`` None) or change an objective with its axes, partner territories and countries."""
    if objective is not None and objective.strategy_id != strategy.pk:
        raise ValidationError(_("This objective belongs to another strategy."))
    created = objective is None
    if objective is None:
        last = strategy.objectives.order_by("-position").values_list("position", flat=True).first()
        objective = Objective(strategy=strategy, position=(last or 0) + 1)
    objective.title, objective.description = clean_i18n(title), clean_i18n(description)
    if not objective.title:
        raise ValidationError({"title": _("Write this in at least one language.")})
    objective.full_clean(exclude=["strategy"])
    axis_list = list(Axis.objects.filter(code__in=[getattr(a, "pk", a) for a in axes]))
    territory_list = list(Organisation.objects.filter(pk__in=[getattr(t, "pk", t) for t in territories]))
    country_list = list(Country.objects.filter(code__in=[getattr(c, "pk", c) for c in countries]))
    # A change of what the strategy carries is a new version of the strategy (its history, its freshness).
    with versioned_change(strategy, user=user, reason="objective added" if created else "objective changed"):
        objective.save()
        objective.axes.set(axis_list)
        objective.territories.set(territory_list)
        objective.countries.set(country_list)
    return objective


@transaction.atomic
def objective_remove(*, objective: Objective, user=None) -> None:
    with versioned_change(objective.strategy, user=user, reason="objective removed"):
        objective.delete()


@transaction.atomic
def objective_set_projects(*, objective: Objective, projects, user=None) -> Objective:
    """Link the objective to exactly ``projects`` (ids or projects), each a project of the strategy's owner."""
    wanted = {getattr(project, "pk", project) for project in projects}
    allowed = set(linkable_projects(objective.strategy).filter(pk__in=wanted).values_list("pk", flat=True))
    unknown = wanted - allowed
    if unknown:
        raise ValidationError(
            {
                "projects": _(
                    "Only projects of the strategy's organisation or partnership can be linked (not: %(ids)s)."
                )
                % {"ids": ", ".join(map(str, sorted(unknown)))}
            }
        )
    with versioned_change(objective.strategy, user=user, reason="projects linked"):
        objective.projects.set(Project.objects.filter(pk__in=allowed))
        # Project indicators named by the objective's indicators stay only if their project is still linked.
        for indicator in objective.indicators.all():
            linked = indicator.project_indicators.exclude(result__project_id__in=allowed)
            indicator.project_indicators.remove(*linked)
    return objective


# Indicators and targets


def _targets(strategy: Strategy, targets: dict) -> dict[int, Decimal]:
    """``{year: value}`` checked: whole years inside the strategy's period, numbers."""
    clean: dict[int, Decimal] = {}
    errors = []
    for key, raw in (targets or {}).items():
        try:
            year = int(str(key).strip())
        except ValueError:
            errors.append(_("“%(year)s” is not a year.") % {"year": str(key)[:20]})
            continue
        if not strategy.start_year <= year <= strategy.end_year:
            errors.append(
                _("A target for %(year)s is outside the strategy's period (%(start)s–%(end)s).")
                % {"year": year, "start": strategy.start_year, "end": strategy.end_year}
            )
            continue
        try:
            value = parse_number(raw, label=_("Target %(year)s") % {"year": year})
        except ValidationError as error:
            errors.extend(error.messages)
            continue
        if value is not None:
            clean[year] = value
    if errors:
        raise ValidationError({"targets": errors})
    return clean


def _project_indicators(objective: Objective, ids) -> list[Indicator]:
    wanted = {getattr(item, "pk", item) for item in ids}
    found = list(Indicator.objects.filter(pk__in=wanted, result__project__in=objective.projects.all()))
    missing = wanted - {indicator.pk for indicator in found}
    if missing:
        raise ValidationError(
            {
                "project_indicators": _(
                    "Only indicators of the projects linked to this objective can roll up into it (not: %(ids)s)."
                )
                % {"ids": ", ".join(map(str, sorted(missing)))}
            }
        )
    return found


@transaction.atomic
def indicator_save(
    *,
    objective: Objective,
    indicator: StrategyIndicator | None = None,
    title,
    unit=None,
    standard: StandardIndicator | str | None = None,
    cumulative: bool = False,
    baseline=None,
    baseline_year: int | None = None,
    project_indicators=(),
    targets: dict | None = None,
    user=None,
) -> StrategyIndicator:
    """Create or change a strategy indicator with its yearly targets (``{year: value}``, all of them)."""
    strategy = objective.strategy
    if indicator is not None and indicator.objective_id != objective.pk:
        raise ValidationError(_("This indicator belongs to another objective."))
    errors: dict[str, list] = {}
    clean_targets: dict[int, Decimal] = {}
    clean_baseline = None
    try:
        clean_targets = _targets(strategy, targets or {})
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        clean_baseline = parse_number(baseline, label=_("Baseline"))
    except ValidationError as error:
        errors["baseline"] = error.messages
    if baseline_year is not None and not FIRST_YEAR <= baseline_year <= strategy.end_year:
        errors["baseline_year"] = [
            _("The baseline year is a year before the end of the strategy (%(end)s).") % {"end": strategy.end_year}
        ]
    if standard is not None and not isinstance(standard, StandardIndicator):
        standard = StandardIndicator.objects.filter(code=standard).first()
        if standard is None:
            errors["standard"] = [_("Choose a standard indicator of the library.")]
    try:
        linked = _project_indicators(objective, project_indicators)
    except ValidationError as error:
        errors.update(error.message_dict)
        linked = []
    if errors:
        raise ValidationError(errors)
    created = indicator is None
    if indicator is None:
        last = objective.indicators.order_by("-position").values_list("position", flat=True).first()
        indicator = StrategyIndicator(objective=objective, position=(last or 0) + 1)
    indicator.title, indicator.unit = clean_i18n(title), clean_i18n(unit)
    if not indicator.title:
        raise ValidationError({"title": _("Write this in at least one language.")})
    indicator.standard = standard
    indicator.cumulative = bool(cumulative)
    indicator.baseline, indicator.baseline_year = clean_baseline, baseline_year
    indicator.full_clean(exclude=["objective"])
    with versioned_change(strategy, user=user, reason="indicator added" if created else "indicator changed"):
        indicator.save()
        indicator.project_indicators.set(linked)
        indicator.targets.exclude(year__in=clean_targets).delete()
        for year, value in clean_targets.items():
            StrategyTarget.objects.update_or_create(indicator=indicator, year=year, defaults={"value": value})
    return indicator


@transaction.atomic
def indicator_remove(*, indicator: StrategyIndicator, user=None) -> None:
    with versioned_change(indicator.objective.strategy, user=user, reason="indicator removed"):
        indicator.delete()
