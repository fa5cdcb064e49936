"""Strategy pages and the principles statistics. Thin: access through ``rules.py``, writes through
``services.py``, reads through ``selectors.py`` and ``scorecard.py``."""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Avg, Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from coopdec.actors.models import EDITING_ROLES, Organisation
from coopdec.common import records
from coopdec.common.i18n import localize
from coopdec.cooperation.models import Indicator, Partnership, PartnershipParty, Project
from coopdec.territories.models import Country
from coopdec.vocabularies.models import Axis

from . import selectors, services
from .forms import IndicatorForm, ObjectiveForm, ProjectsForm, StrategyForm
from .models import Objective, Principle, Scorecard, Strategy, StrategyIndicator
from .scorecard import CHECK_LABELS, CHECKS


def _strategy(request, pk: int) -> Strategy:
    strategy = get_object_or_404(Strategy.objects.select_related("organisation", "partnership"), pk=pk)
    return records.viewable_or_404(request, "strategy.view_strategy", strategy)


def _editable(request, pk: int) -> Strategy:
    strategy = _strategy(request, pk)
    records.check(request, "strategy.change_strategy", strategy)
    return strategy


def _owner_name(strategy: Strategy) -> str:
    owner = strategy.owner
    return owner.display_name if isinstance(owner, Organisation) else owner.display_title


@require_safe
def strategy_list(request):
    strategies = selectors.strategies_visible_to(request.user).order_by("-start_year", "-id")[:200]
    return render(request, "strategy/strategy_list.html", {"strategies": strategies})


URL_PLACEHOLDER = 987654321  # reversed once; a project's URL replaces it with its id


def _project_lines(overview: selectors.Overview) -> list[SafeString]:
    """Per objective, the list items of its projects (a link, the status, a draft badge), each project's
    made once (a project may serve several objectives) with one reverse and one read of the status labels
    per page: a template loop over 200 projects cost a tenth of the page."""
    pattern = reverse("cooperation:project_detail", args=[URL_PLACEHOLDER])
    labels = {code: str(label) for code, label in Project._meta.get_field("status").flatchoices}
    draft = format_html(' <span class="badge draft">{}</span>', _("draft"))
    lines: dict[int, str] = {}
    result = []
    for block in overview.objectives:
        for project in block.projects:
            if project.pk not in lines:
                lines[project.pk] = format_html(
                    '<li><a href="{}">{}</a> · {}{}</li>',
                    pattern.replace(str(URL_PLACEHOLDER), str(project.pk)),
                    project.display_title,
                    labels.get(project.status, project.status),
                    "" if project.is_published else draft,
                )
        result.append(mark_safe("".join(lines[project.pk] for project in block.projects)))  # noqa: S308 (escaped)
    return result


@require_safe
def strategy_detail(request, pk: int):
    strategy = _strategy(request, pk)
    user = request.user
    overview = selectors.strategy_overview(strategy, user=user)
    context = {
        "strategy": strategy,
        "record": strategy,
        "overview": overview,
        "objectives": list(zip(overview.objectives, _project_lines(overview), strict=True)),
        "owner_name": _owner_name(strategy),
        "summary": localize(strategy.summary),
        "can_edit": user.has_perm("strategy.change_strategy", strategy),
        "can_delete": user.has_perm("strategy.delete_strategy", strategy),
        "edit_url": reverse("strategy:strategy_update", args=[strategy.pk]),
        "confirm_url": reverse("strategy:strategy_confirm", args=[strategy.pk]),
        "publish_url": reverse("strategy:strategy_publish", args=[strategy.pk]),
        "history_url": reverse("strategy:strategy_history", args=[strategy.pk]),
        "delete_url": reverse("strategy:strategy_delete", args=[strategy.pk]),
    }
    return render(request, "strategy/strategy_detail.html", context)


def _owner_from_query(request) -> Organisation | Partnership | None:
    record: Organisation | Partnership
    organisation, partnership = request.GET.get("organisation", ""), request.GET.get("partnership", "")
    if re.fullmatch(r"[0-9]{1,9}", organisation):  # an id, not a number the database cannot hold
        record = get_object_or_404(Organisation, pk=int(organisation))
        return records.viewable_or_404(request, "actors.view_organisation", record)
    if re.fullmatch(r"[0-9]{1,9}", partnership):
        record = get_object_or_404(Partnership, pk=int(partnership))
        return records.viewable_or_404(request, "cooperation.view_partnership", record)
    return None


@login_required
@records.guarded
def strategy_create(request):
    owner = _owner_from_query(request)
    if owner is None:
        return render(request, "strategy/strategy_owner.html", {"owners": _owners_of(request.user)})
    records.check(request, "strategy.add_strategy", owner)
    form = StrategyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organisation = owner if isinstance(owner, Organisation) else None
        partnership = owner if isinstance(owner, Partnership) else None
        try:
            strategy = services.strategy_create(
                user=request.user, organisation=organisation, partnership=partnership, **form.cleaned_data
            )
        except ValidationError as error:
            records.form_errors(form, error)
        else:
            messages.success(request, _("The strategy is recorded as a draft: add its objectives, then publish it."))
            return redirect(strategy)
    name = owner.display_name if isinstance(owner, Organisation) else owner.display_title
    return render(request, "strategy/strategy_form.html", {"form": form, "owner_name": name, "strategy": None})


def _owners_of(user) -> list:
    """Organisations and partnerships the user may give a strategy (for the "new strategy" page)."""
    from coopdec.actors.selectors import roles_of

    editable = [pk for pk, role in roles_of(user).items() if role in EDITING_ROLES]
    organisations = list(Organisation.objects.filter(pk__in=editable).order_by("name")[:50])
    partnerships = list(
        Partnership.objects.filter(
            pk__in=PartnershipParty.objects.filter(organisation_id__in=editable).values("partnership_id")
        ).prefetch_related("party_links__organisation")[:50]
    )
    return [("organisation", item.pk, item.display_name) for item in organisations] + [
        ("partnership", item.pk, item.display_title) for item in partnerships
    ]


@records.guarded
def strategy_update(request, pk: int):
    strategy = _editable(request, pk)
    initial = {
        "title": strategy.title,
        "summary": strategy.summary,
        "start_year": strategy.start_year,
        "end_year": strategy.end_year,
    }
    form = StrategyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.strategy_update(strategy=strategy, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            records.form_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(strategy)
    return render(
        request,
        "strategy/strategy_form.html",
        {"form": form, "owner_name": _owner_name(strategy), "strategy": strategy},
    )


STRATEGY_VIEWS = records.RecordViews(
    app="strategy",
    model="strategy",
    get=_strategy,
    delete_service=lambda record, user: services.strategy_delete(record, user),
    success_url=lambda record: record.owner.get_absolute_url(),
    title=lambda record: record.display_title,
).views()


# Objectives


def _partners(strategy: Strategy):
    """Organisations an objective may name as partner territories: the owner's partners (and the parties)."""
    owners = selectors.owner_organisation_ids(strategy)
    partnerships = PartnershipParty.objects.filter(organisation_id__in=owners).values("partnership_id")
    ids = PartnershipParty.objects.filter(partnership_id__in=partnerships).values("organisation_id")
    return Organisation.objects.filter(Q(pk__in=ids) | Q(pk__in=owners), publication_status="published").order_by(
        "name"
    )


def _objective(strategy: Strategy, objective_id: int) -> Objective:
    return get_object_or_404(Objective, pk=objective_id, strategy=strategy)


@records.guarded
def objective_add(request, pk: int):
    return _objective_form(request, _editable(request, pk), None)


@records.guarded
def objective_change(request, pk: int, objective_id: int):
    strategy = _editable(request, pk)
    return _objective_form(request, strategy, _objective(strategy, objective_id))


def _objective_form(request, strategy: Strategy, objective: Objective | None):
    initial = {}
    if objective is not None:
        initial = {
            "title": objective.title,
            "description": objective.description,
            "axes": list(objective.axes.values_list("pk", flat=True)),
            "territories": list(objective.territories.values_list("pk", flat=True)),
            "countries": list(objective.countries.values_list("pk", flat=True)),
        }
    form = ObjectiveForm(request.POST or None, initial=initial, partners=_partners(strategy))
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.objective_save(
                strategy=strategy, objective=objective, user=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            records.form_errors(form, error)
        else:
            messages.success(request, _("Saved. Link the projects that serve this objective."))
            return redirect("strategy:objective_projects", strategy.pk, saved.pk)
    return render(request, "strategy/objective_form.html", {"form": form, "strategy": strategy, "objective": objective})


@records.guarded
@require_POST
def objective_remove(request, pk: int, objective_id: int):
    strategy = _editable(request, pk)
    services.objective_remove(objective=_objective(strategy, objective_id), user=request.user)
    messages.success(request, _("The objective is removed (the strategy's history keeps it)."))
    return redirect(strategy)


@records.guarded
def objective_projects(request, pk: int, objective_id: int):
    strategy = _editable(request, pk)
    objective = _objective(strategy, objective_id)
    from coopdec.cooperation.selectors import projects_visible_to

    choices = projects_visible_to(request.user).filter(pk__in=selectors.linkable_projects(strategy).values("pk"))
    form = ProjectsForm(
        request.POST or None,
        initial={"projects": list(objective.projects.values_list("pk", flat=True))},
        projects=choices.order_by("-id"),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.objective_set_projects(
                objective=objective, projects=form.cleaned_data["projects"], user=request.user
            )
        except ValidationError as error:
            records.form_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(f"{strategy.get_absolute_url()}#objective-{objective.pk}")
    return render(
        request,
        "strategy/objective_projects.html",
        {
            "form": form,
            "strategy": strategy,
            "objective": objective,
            "suggestions": selectors.project_suggestions(objective, user=request.user),
        },
    )


# Indicators


def _indicator_choices(objective: Objective):
    return Indicator.objects.filter(result__project__in=objective.projects.all()).select_related("result__project")


@records.guarded
def indicator_add(request, pk: int, objective_id: int):
    strategy = _editable(request, pk)
    return _indicator_form(request, strategy, _objective(strategy, objective_id), None)


@records.guarded
def indicator_change(request, pk: int, indicator_id: int):
    strategy = _editable(request, pk)
    indicator = get_object_or_404(StrategyIndicator, pk=indicator_id, objective__strategy=strategy)
    return _indicator_form(request, strategy, indicator.objective, indicator)


def _indicator_form(request, strategy: Strategy, objective: Objective, indicator: StrategyIndicator | None):
    initial: dict = {}
    if indicator is not None:
        initial = {
            "title": indicator.title,
            "unit": indicator.unit,
            "standard": indicator.standard_id,
            "cumulative": indicator.cumulative,
            "baseline": "" if indicator.baseline is None else f"{indicator.baseline.normalize():f}",
            "baseline_year": indicator.baseline_year,
            "project_indicators": list(indicator.project_indicators.values_list("pk", flat=True)),
            **{f"target_{target.year}": f"{target.value.normalize():f}" for target in indicator.targets.all()},
        }
    form = IndicatorForm(
        request.POST or None, initial=initial, strategy=strategy, indicators=_indicator_choices(objective)
    )
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in ("title", "unit", "standard", "cumulative", "baseline")}
        try:
            services.indicator_save(
                objective=objective,
                indicator=indicator,
                baseline_year=form.cleaned_data["baseline_year"],
                project_indicators=form.cleaned_data["project_indicators"],
                targets=form.targets(),
                user=request.user,
                **data,
            )
        except ValidationError as error:
            _indicator_errors(form, error, strategy)
        else:
            messages.success(request, _("Saved."))
            return redirect(f"{strategy.get_absolute_url()}#objective-{objective.pk}")
    target_fields = [form[f"target_{year}"] for year in strategy.years]
    return render(
        request,
        "strategy/indicator_form.html",
        {"form": form, "strategy": strategy, "objective": objective, "indicator": indicator, "targets": target_fields},
    )


def _indicator_errors(form, error: ValidationError, strategy: Strategy) -> None:
    """The services' messages on the fields they concern (a target's message on its year's field)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, messages_ in error.message_dict.items():
        if name == "targets":
            for message in messages_:
                year = next((year for year in strategy.years if str(year) in message), None)
                form.add_error(f"target_{year}" if year else None, message)
        else:
            form.add_error(name if name in form.fields else None, messages_)


@records.guarded
@require_POST
def indicator_remove(request, pk: int, indicator_id: int):
    strategy = _editable(request, pk)
    indicator = get_object_or_404(StrategyIndicator, pk=indicator_id, objective__strategy=strategy)
    services.indicator_remove(indicator=indicator, user=request.user)
    messages.success(request, _("The indicator is removed (the strategy's history keeps it)."))
    return redirect(strategy)


# Statistics of the principles


@require_safe
def scorecard_statistics(request):
    """Average scores and the share of partnerships meeting each check, across a country or an axis."""
    country = (request.GET.get("country") or "").strip().upper()
    axis = (request.GET.get("axis") or "").strip()
    country = country if re.fullmatch(r"[A-Z]{2}", country) else ""
    axis = axis if re.fullmatch(r"[a-z0-9-]{1,40}", axis) else ""
    cards = Scorecard.objects.filter(partnership__isnull=False, partnership__publication_status="published")
    if country:
        cards = cards.filter(
            partnership_id__in=PartnershipParty.objects.filter(organisation__country_id=country).values(
                "partnership_id"
            )
        )
    if axis:
        cards = cards.filter(Q(partnership__axes=axis) | Q(partnership__projects__axes=axis)).distinct()
    averages = cards.aggregate(
        count=Count("id"),
        **{f"{principle}": Avg(f"{principle}_score") for principle in CHECKS},
        **{f"{principle}_known": Count(f"{principle}_score") for principle in CHECKS},
    )
    rows = []
    for principle in CHECKS:
        rows.append(
            {
                "label": Principle(principle).label,
                "average": None if averages[principle] is None else round(averages[principle]),
                "known": averages[f"{principle}_known"],
            }
        )
    checks = _check_shares(cards) if averages["count"] else []
    computed = cards.order_by("-computed_at").values_list("computed_at", flat=True).first()
    context = {
        "rows": rows,
        "checks": checks,
        "count": averages["count"],
        "computed_at": computed,
        "country": country,
        "axis": axis,
        "countries": Country.objects.order_by("code"),
        "axes": Axis.objects.all(),
    }
    return render(request, "strategy/scorecard_statistics.html", context)


def _check_shares(cards) -> list[dict]:
    """Per check: of the partnerships where it is known, how many meet it (counted in the database from the
    stored evidence, ``{check: true | false | null}``)."""
    codes = [code for codes in CHECKS.values() for code in codes]
    counts = cards.aggregate(
        **{f"{code}_met": Count("id", filter=Q(**{f"evidence__{code}": True})) for code in codes},
        **{f"{code}_known": Count("id", filter=Q(**{f"evidence__{code}__in": [True, False]})) for code in codes},
    )
    return [
        {
            "principle": Principle(principle).label,
            "label": CHECK_LABELS[code],
            "met": counts[f"{code}_met"],
            "known": counts[f"{code}_known"],
            "share": round(100 * counts[f"{code}_met"] / counts[f"{code}_known"]) if counts[f"{code}_known"] else None,
        }
        for principle, codes in CHECKS.items()
        for code in codes
    ]
