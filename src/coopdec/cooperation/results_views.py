"""Results monitoring pages: the one-screen editor of a result, the review of an update, the dashboards.

Thin: access through ``rules.py``, writes through ``monitoring.py``, reads through ``selectors.py``.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from django import forms as forms_module
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from coopdec.actors.models import Organisation
from coopdec.actors.selectors import UNPUBLISHED_NAME, organisations_visible_to
from coopdec.common import records
from coopdec.common.i18n import localize
from coopdec.vocabularies.models import StandardIndicator

from . import monitoring, selectors
from .forms import IndicatorRowForm, PeriodRowForm, ResultChangeForm
from .models import Indicator, IndicatorMeasure, IndicatorValue, IndicatorValueStatus, Project, Result

NEW = "n"


def _project(request, pk: int) -> Project:
    project = get_object_or_404(Project.objects.select_related("partnership", "lead_organisation"), pk=pk)
    return records.viewable_or_404(request, "cooperation.view_project", project)


# The one-screen editor


def field_html(bound) -> str:
    """One field of a row (label, input, errors) written directly: the editor shows about a thousand, and
    Django's widget templates would take a second of CPU for 10 indicators of 8 periods."""
    form_field, widget = bound.field, bound.field.widget
    name, identifier, value = bound.html_name, bound.auto_id, bound.value()
    errors = bound.errors
    described = format_html(' aria-invalid="true" aria-describedby="{}_error"', identifier) if errors else ""
    if isinstance(widget, forms_module.CheckboxInput):
        checked = mark_safe(" checked") if widget.check_test(value) else ""  # noqa: S308 - a constant
        control = format_html('<input type="checkbox" name="{}" id="{}"{}{}>', name, identifier, checked, described)
        body = format_html('<label class="check">{} {}</label>', control, form_field.label)
    else:
        label = format_html('<label for="{}">{}</label>', identifier, form_field.label)
        if isinstance(widget, forms_module.Select):
            current = "" if value is None else str(value)
            options = format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                (
                    (key, mark_safe(" selected") if str(key) == current else "", text)
                    for key, text in form_field.choices
                ),  # noqa: S308
            )
            control = format_html('<select name="{}" id="{}"{}>{}</select>', name, identifier, described, options)
        elif isinstance(widget, forms_module.Textarea):
            text = "" if value is None else str(value)
            control = format_html(
                '<textarea name="{}" id="{}" rows="2"{}>\n{}</textarea>', name, identifier, described, text
            )
        else:
            kind = "date" if isinstance(widget, forms_module.DateInput) else "text"
            shown = value.isoformat() if hasattr(value, "isoformat") else ("" if value is None else str(value))
            extra = mark_safe(' inputmode="decimal"') if widget.attrs.get("inputmode") else ""  # noqa: S308
            control = format_html(
                '<input type="{}" name="{}" id="{}" value="{}"{}{}>', kind, name, identifier, shown, extra, described
            )
        body = format_html("{}{}", label, control)
    error_html = (
        format_html(
            '<div id="{}_error">{}</div>',
            identifier,
            format_html_join("", '<p class="error" role="alert">{}</p>', ((error,) for error in errors)),
        )
        if errors
        else ""
    )
    return format_html('<div class="field{}">{}{}</div>', " has-error" if errors else "", body, error_html)


@dataclass
class PeriodRow:
    prefix: str
    value: IndicatorValue | None
    form: PeriodRowForm

    def fields_html(self) -> list[str]:
        return [field_html(bound) for bound in self.form]


@dataclass
class IndicatorRow:
    prefix: str
    indicator: Indicator | None
    form: IndicatorRowForm
    periods: list[PeriodRow] = field(default_factory=list)

    def fields_html(self) -> list[str]:
        return [field_html(bound) for bound in self.form]


def _merge_text(current: dict, text: str, initial: str, language: str) -> dict:
    """A text edited in the editor's language, the other languages kept; unchanged text: as it was."""
    if (text or "") == (initial or ""):
        return current
    merged = dict(current or {})
    if text:
        merged[language] = text
    else:
        merged.pop(language, None)
    return merged


class ResultEditor:
    """The forms of one result's screen: the result, each indicator, each period (plus blank rows to add).

    Row prefixes: ``i<id>`` an indicator, ``i<id>-v<id>`` one of its periods; ``n<token>`` a new one. The
    page lists them in hidden ``indicator_rows`` / ``period_rows`` inputs, so that rows added with htmx
    come back with the form. Four queries to read a result with its indicators, periods and breakdowns.
    """

    def __init__(self, request, project: Project, result: Result, data=None):
        self.request, self.project, self.result, self.data = request, project, result, data
        self.language = (get_language() or "en")[:2]
        values = IndicatorValue.objects.select_related("territory", "submitted_by").prefetch_related("disaggregations")
        self.indicators = {
            indicator.pk: indicator
            for indicator in result.indicators.select_related("standard").prefetch_related(
                Prefetch("values", queryset=values)
            )
        }
        self.values = {value.pk: value for indicator in self.indicators.values() for value in indicator.values.all()}
        # Every party and funder is a choice (a draft one under a neutral name: its name is for its members).
        visible = set(organisations_visible_to(request.user).values_list("pk", flat=True))
        self.organisations = {
            org.pk: org
            for org in Organisation.objects.filter(pk__in=monitoring.approver_choice_ids(project)).order_by("name")
        }

        def label(org) -> str:
            return org.name if org.pk in visible else str(UNPUBLISHED_NAME)

        parties = selectors.party_ids(project)
        self.territories = [(str(pk), label(org)) for pk, org in self.organisations.items() if pk in parties]
        self.approvers = [(str(pk), label(org)) for pk, org in self.organisations.items()]
        self.standards = [(standard.code, standard.name) for standard in StandardIndicator.objects.all()]
        self.result_form = ResultChangeForm(
            data,
            prefix="result",
            initial={"type": result.type, "title": result.title, "description": result.description},
        )
        self.rows = self._rows_from_data() if data is not None else self._rows_from_database()

    # Building the rows

    def indicator_form(self, prefix: str, indicator: Indicator | None) -> IndicatorRowForm:
        initial = {}
        if indicator is not None:
            initial = {
                "title": localize(indicator.title, self.language),
                "standard": indicator.standard_id or "",
                "measure": indicator.measure,
                "cumulative": indicator.cumulative,
                "ascending": indicator.ascending,
                "approver": indicator.approver_id or "",
            }
        return IndicatorRowForm(
            self.data, prefix=prefix, initial=initial, standards=self.standards, approvers=self.approvers
        )

    def period_form(self, prefix: str, value: IndicatorValue | None) -> PeriodRowForm:
        initial = {}
        if value is not None:
            initial = {
                "territory": value.territory_id or "",
                "period_start": value.period_start,
                "period_end": value.period_end,
                "due_date": value.due_date,
                "baseline": monitoring.format_number(value.baseline),
                "target": monitoring.format_number(value.target),
                "actual": monitoring.format_number(value.actual),
                "not_applicable": value.not_applicable,
                "actual_text": localize(value.actual_text, self.language),
                "score": value.score,
                "comment": localize(value.comment, self.language),
                "breakdown": monitoring.format_breakdown(value.disaggregations.all(), "actual"),
            }
        return PeriodRowForm(self.data, prefix=prefix, initial=initial, territories=self.territories)

    def new_indicator_row(self) -> IndicatorRow:
        prefix = NEW + secrets.token_hex(3)
        row = IndicatorRow(prefix, None, self.indicator_form(prefix, None))
        row.periods.append(self.new_period_row(prefix))
        return row

    def new_period_row(self, indicator_prefix: str) -> PeriodRow:
        prefix = f"{indicator_prefix}-{NEW}{secrets.token_hex(3)}"
        return PeriodRow(prefix, None, self.period_form(prefix, None))

    def _rows_from_database(self) -> list[IndicatorRow]:
        rows = []
        for indicator in self.indicators.values():
            row = IndicatorRow(f"i{indicator.pk}", indicator, self.indicator_form(f"i{indicator.pk}", indicator))
            for value in indicator.values.all():
                prefix = f"i{indicator.pk}-v{value.pk}"
                row.periods.append(PeriodRow(prefix, value, self.period_form(prefix, value)))
            row.periods.append(self.new_period_row(row.prefix))
            rows.append(row)
        rows.append(self.new_indicator_row())
        return rows

    def _indicator_of(self, prefix: str) -> tuple[bool, Indicator | None]:
        """(is the prefix valid, the indicator it names or None for a new one)."""
        if prefix.startswith(NEW) and prefix[1:].isalnum() and len(prefix) <= 12:
            return True, None
        if prefix.startswith("i") and prefix[1:].isdigit() and int(prefix[1:]) in self.indicators:
            return True, self.indicators[int(prefix[1:])]
        return False, None

    def _rows_from_data(self) -> list[IndicatorRow]:
        rows: dict[str, IndicatorRow] = {}
        for prefix in self.data.getlist("indicator_rows")[:100]:
            valid, indicator = self._indicator_of(prefix)
            if valid and prefix not in rows:
                rows[prefix] = IndicatorRow(prefix, indicator, self.indicator_form(prefix, indicator))
        for prefix in self.data.getlist("period_rows")[:2000]:
            indicator_prefix, _dash, own = prefix.partition("-")
            row = rows.get(indicator_prefix)
            if row is None or any(period.prefix == prefix for period in row.periods):
                continue
            if own.startswith(NEW) and own[1:].isalnum() and len(own) <= 12:
                row.periods.append(PeriodRow(prefix, None, self.period_form(prefix, None)))
            elif own.startswith("v") and own[1:].isdigit() and row.indicator is not None:
                value = self.values.get(int(own[1:]))
                if value is not None and value.indicator_id == row.indicator.pk:
                    row.periods.append(PeriodRow(prefix, value, self.period_form(prefix, value)))
        return list(rows.values())

    # Saving

    def is_valid(self) -> bool:
        forms: list[forms_module.Form] = [self.result_form, *(row.form for row in self.rows)]
        forms += [period.form for row in self.rows for period in row.periods]
        return all([form.is_valid() for form in forms])  # every form, so that each shows its errors

    def save(self) -> list[str] | None:
        """Write everything in one transaction and one version; the warnings, or None when refused."""
        warnings: list[str] = []
        user = self.request.user
        try:
            with monitoring.results_edit(self.project, user=user):
                try:
                    monitoring.result_save(
                        project=self.project, result=self.result, user=user, **self.result_form.cleaned_data
                    )
                except ValidationError as error:
                    records.form_errors(self.result_form, error)
                    raise
                for row in self.rows:
                    warnings += self._save_indicator(row)
        except ValidationError:
            return None
        return warnings

    def _save_indicator(self, row: IndicatorRow) -> list[str]:
        data, user = row.form.cleaned_data, self.request.user
        if data["remove"]:
            if row.indicator is not None:
                monitoring.indicator_remove(indicator=row.indicator, user=user)
            return []
        if row.indicator is None and row.form.is_blank():
            if any(not period.form.is_blank() for period in row.periods):
                row.form.add_error("title", _("Give the indicator a title (or choose a standard indicator)."))
                raise ValidationError("")
            return []
        title = _merge_text(
            row.indicator.title if row.indicator else {},
            data["title"],
            row.form.initial.get("title", ""),
            self.language,
        )
        try:
            indicator = monitoring.indicator_save(
                result=self.result,
                indicator=row.indicator,
                title=title,
                measure=data["measure"],
                ascending=data["ascending"],
                cumulative=data["cumulative"],
                standard=StandardIndicator.objects.filter(code=data["standard"]).first() if data["standard"] else None,
                approver=self.organisations.get(int(data["approver"])) if data["approver"] else None,
                user=user,
            )
        except ValidationError as error:
            records.form_errors(row.form, error)
            raise
        warnings = []
        for period in row.periods:
            for message in self._save_period(indicator, period):
                warnings.append(f"{localize(indicator.title)}: {message}")
        return warnings

    def _save_period(self, indicator: Indicator, period: PeriodRow) -> list[str]:
        data, user = period.form.cleaned_data, self.request.user
        if data["remove"]:
            if period.value is not None:
                monitoring.period_remove(value=period.value, user=user)
            return []
        if period.value is None and period.form.is_blank():
            return []
        territory = self.organisations.get(int(data["territory"])) if data["territory"] else None
        value = period.value
        try:
            planned = monitoring.period_save(
                indicator=indicator,
                value=value,
                period_start=data["period_start"],
                period_end=data["period_end"],
                territory=territory,
                due_date=data["due_date"],
                baseline=data["baseline"],
                target=data["target"],
                user=user,
            )
            updated = monitoring.update_save(
                value=planned.value,
                actual=data["actual"],
                not_applicable=data["not_applicable"],
                actual_text=_merge_text(
                    value.actual_text if value else {},
                    data["actual_text"],
                    period.form.initial.get("actual_text", ""),
                    self.language,
                ),
                score=data["score"],
                comment=_merge_text(
                    value.comment if value else {},
                    data["comment"],
                    period.form.initial.get("comment", ""),
                    self.language,
                ),
                actual_parts=data["breakdown"],
                submit=data["submit"] and planned.value.status != IndicatorValueStatus.SUBMITTED,
                user=user,
            )
        except ValidationError as error:
            records.form_errors(period.form, error)
            raise
        return planned.warnings + updated.warnings


def _result(request, pk: int, result_id: int) -> tuple[Project, Result]:
    project = _project(request, pk)
    records.check(request, "cooperation.change_project", project)
    return project, get_object_or_404(Result.objects.all(), pk=result_id, project=project)


def _editor_page(request, editor: ResultEditor, status: int = 200):
    return render(
        request,
        "cooperation/result_editor.html",
        {
            "project": editor.project,
            "result": editor.result,
            "editor": editor,
            "qualitative": IndicatorMeasure.QUALITATIVE,
            "statuses": IndicatorValueStatus,
        },
        status=status,
    )


@records.guarded
def result_edit(request, pk: int, result_id: int):
    """One screen: the result, its indicators and their reporting periods, saved at once."""
    project, result = _result(request, pk, result_id)
    if request.method != "POST":
        return _editor_page(request, ResultEditor(request, project, result))
    editor = ResultEditor(request, project, result, request.POST)
    if editor.is_valid():
        warnings = editor.save()
        if warnings is not None:
            for warning in warnings:
                messages.warning(request, warning)
            messages.success(request, _("Saved."))
            return redirect("cooperation:result_edit", pk=project.pk, result_id=result.pk)
    messages.error(request, _("Nothing was saved: correct the fields marked below."))
    return _editor_page(request, editor, status=400)


@require_safe
@records.guarded
def result_edit_row(request, pk: int, result_id: int):
    """htmx: a blank indicator (with a blank period), or a blank period of the indicator ``?indicator=``."""
    project, result = _result(request, pk, result_id)
    editor = ResultEditor(request, project, result)
    indicator_prefix = request.GET.get("indicator", "")
    if indicator_prefix:
        valid, _indicator = editor._indicator_of(indicator_prefix)
        if not valid:
            raise Http404
        context = {"period": editor.new_period_row(indicator_prefix), "row_prefix": indicator_prefix}
        return render(request, "cooperation/result_editor_period.html", {**context, "editor": editor})
    return render(
        request, "cooperation/result_editor_indicator.html", {"row": editor.new_indicator_row(), "editor": editor}
    )


# Reviewing an update: submit, approve, return


def _value(request, pk: int, value_id: int) -> tuple[Project, IndicatorValue]:
    project = _project(request, pk)
    value = get_object_or_404(
        IndicatorValue.objects.select_related(
            "indicator__result__project", "indicator__standard", "territory", "submitted_by", "reviewed_by"
        ).prefetch_related("disaggregations"),
        pk=value_id,
        indicator__result__project=project,
    )
    records.check(request, "cooperation.review_indicator_value", value)
    return project, value


@records.guarded
def update_review(request, pk: int, value_id: int):
    """An update with its figures and warnings; its editors submit it, its approver approves or returns it."""
    project, value = _value(request, pk, value_id)
    if request.method == "POST":
        action, user = request.POST.get("action", ""), request.user
        try:
            if action == "submit":
                records.check(request, "cooperation.change_project", project)
                monitoring.update_submit(value=value, user=user)
                messages.success(request, _("Submitted for approval."))
            elif action in {"approve", "return"}:
                if value.submitted_by_id == user.pk and monitoring.is_approver(user, value.indicator):
                    raise ValidationError(str(monitoring.AUTHOR_REFUSED))  # say why, rather than a bare 403
                records.check(request, "cooperation.approve_indicator_value", value)
                comment = request.POST.get("comment", "")
                if action == "approve":
                    monitoring.update_approve(value=value, user=user, comment=comment)
                    messages.success(request, _("Approved: the update counts from now on."))
                else:
                    monitoring.update_return(value=value, user=user, comment=comment)
                    messages.success(request, _("Returned to the project's editors with your comment."))
            else:
                raise ValidationError(_("Choose an action: submit, approve or return."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return _review_page(request, project, value, status=400)
        return redirect("cooperation:update_review", pk=project.pk, value_id=value.pk)
    return _review_page(request, project, value)


def _review_page(request, project, value, status: int = 200):
    value.refresh_from_db(fields=["status", "submitted_by", "reviewed_by", "review_comment"])
    parts = list(value.disaggregations.all())
    gaps = [
        monitoring.gap_message(gap)
        for measure, total in (("baseline", value.baseline), ("target", value.target), ("actual", value.actual))
        for gap in monitoring.breakdown_gaps(
            total,
            [(row.dimensions, row.value) for row in parts if row.measure == measure and row.value is not None],
            measure,
        )
    ]
    user = request.user
    approvers = Organisation.objects.filter(pk__in=monitoring.approver_ids(value.indicator)).order_by("name")
    context = {
        "project": project,
        "value": value,
        "indicator": value.indicator,
        "parts": parts,
        "actual_text": localize(value.actual_text),
        "comment": localize(value.comment),
        "warnings": gaps + monitoring.cumulative_drops(value.indicator, value),
        "approvers": [org for org in approvers if user.has_perm("actors.view_organisation", org)],
        "can_edit": user.has_perm("cooperation.change_project", project),
        "can_approve": value.status == IndicatorValueStatus.SUBMITTED
        and user.has_perm("cooperation.approve_indicator_value", value),
        "is_author": value.submitted_by_id == user.pk,
        "statuses": IndicatorValueStatus,
        "qualitative": value.indicator.measure == IndicatorMeasure.QUALITATIVE,
    }
    return render(request, "cooperation/update_review.html", context, status=status)


# Dashboards: per organisation (its editors) and for coordinators


@require_safe
@records.guarded
def organisation_results(request, pk: int):
    organisation = get_object_or_404(Organisation, pk=pk)
    records.check(request, "cooperation.view_results_dashboard", organisation)
    context = {
        "organisation": organisation,
        **selectors.results_dashboard(
            organisation_ids={organisation.pk}, visible=selectors.projects_visible_to(request.user)
        ),
    }
    return render(request, "cooperation/results_dashboard.html", context)


@require_safe
@records.guarded
def coordination_results(request):
    records.check(request, "cooperation.view_results_coordination")
    countries, country, scope = selectors.review_scope(request.user, request.GET.get("country", ""))
    context = {
        "countries": countries,
        "country": country,
        **selectors.results_dashboard(countries=scope, visible=selectors.projects_visible_to(request.user)),
    }
    return render(request, "cooperation/results_dashboard.html", context)


@require_POST
@records.guarded
def result_create(request, pk: int):
    """Add an expected result and open its screen."""
    project = _project(request, pk)
    records.check(request, "cooperation.change_project", project)
    form = ResultChangeForm(request.POST, prefix="result")
    if form.is_valid():
        try:
            result = monitoring.result_save(project=project, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            return redirect("cooperation:result_edit", pk=project.pk, result_id=result.pk)
    else:
        messages.error(request, _("Give the expected result a title."))
    return redirect(reverse("cooperation:project_update", args=[project.pk]) + "#result")
