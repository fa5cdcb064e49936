"""Results monitoring: results, indicators, reporting periods and the updates that report on them.

A project's editors plan a result's indicators and their reporting periods (baseline, target, due
date), then enter each period's actual as an *update*: a number (or, for a qualitative indicator, a
text and a score from 1 to 5), or an explicit "not applicable", with an optional breakdown by
dimensions (``IndicatorDisaggregation``). An update goes draft → submitted → approved, or back to the
editors with a comment (returned); the designated approver approves it (``approver_ids``), and the
person who entered it never can. Only approved actuals count: sums across projects, pages, exports.

Numbers are strictly numeric: "N/A", "12 people" or "about 40" are refused with a message that says
what to do, and nothing is written. Two checks only warn, with their figures, and write: parts of a
breakdown that do not add up to the total, and a cumulative indicator whose actual goes down.

Keyword-only functions, each in one transaction, each a new version of the project
(``versioned_change``: restoring an earlier version brings the results back as they were). Access
checks are the caller's (``rules.py``), except the approver's, which is a rule on data.
"""

from __future__ import annotations

import contextvars
import re
from collections import defaultdict
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coopdec.actors.models import EDITING_ROLES, Membership, Organisation
from coopdec.actors.selectors import roles_of, working_language
from coopdec.common.i18n import clean_i18n
from coopdec.common.mail import mail_render_enqueue
from coopdec.common.versions import versioned_change

from .models import (
    ContributorRole,
    DisaggregatedMeasure,
    Indicator,
    IndicatorDisaggregation,
    IndicatorMeasure,
    IndicatorValue,
    IndicatorValueStatus,
    ParticipantRole,
    Project,
    Result,
    ResultType,
)
from .selectors import party_ids

NUMBER_LIMIT = Decimal("1e14")  # max_digits 18, 4 decimal places
Parts = list[tuple[dict[str, str], Decimal]]
AUTHOR_REFUSED = gettext_lazy(
    "You entered this update: someone else must approve it (an editor of the approving organisation)."
)


# Numbers and breakdowns: strictly numeric


_SPACES = re.compile(r"[\s\u00a0\u202f']")
_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")


def parse_number(value, *, label: str = "") -> Decimal | None:
    """A number as people type it ("1 200", "12,5", "12.5") or None when empty; anything else is refused.

    "N/A", "n.a.", "-", "about 40" or "40 people" are not numbers: the message says to leave the
    field empty or to tick "not applicable" instead.
    """
    if value is None:
        return None
    if isinstance(value, Decimal | int):
        number = Decimal(value)
    else:
        text = _SPACES.sub("", str(value))
        if not text:
            return None
        if not _NUMBER.match(text):
            raise ValidationError(
                _(
                    "“%(value)s” is not a number%(where)s. Write digits only (e.g. 1200 or 12.5); leave it empty "
                    "when it is not known yet, or tick “not applicable”."
                )
                % {"value": str(value).strip()[:40], "where": f" ({label})" if label else ""},
                code="not_a_number",
            )
        try:
            number = Decimal(text.replace(",", "."))
        except InvalidOperation:  # pragma: no cover - the pattern admits only what Decimal reads
            raise ValidationError(_("“%(value)s” is not a number.") % {"value": str(value)[:40]}) from None
    if not number.is_finite() or abs(number) >= NUMBER_LIMIT:
        raise ValidationError(_("This number is too large."), code="too_large")
    return number.quantize(Decimal("0.0001")) if number.as_tuple().exponent < -4 else number  # type: ignore[operator]


def parse_breakdown(text: str, *, label: str = "") -> Parts:
    """Parts of a total, one a line: ``sex: female = 60`` or ``sex: female; age: 15-24 = 25``."""
    parts: Parts = []
    seen = set()
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        dimensions_text, equals, value_text = line.rpartition("=")
        dimensions: dict[str, str] = {}
        for piece in dimensions_text.split(";") if equals else []:
            name, colon, dimension_value = piece.partition(":")
            if colon and name.strip() and dimension_value.strip():
                dimensions[name.strip()[:100]] = dimension_value.strip()[:100]
        if not equals or not dimensions or len(dimensions) != len([p for p in dimensions_text.split(";") if p.strip()]):
            raise ValidationError(
                _(
                    "Line %(line)s of the breakdown%(where)s is not “dimension: value = number” "
                    "(e.g. “sex: female = 60”)."
                )
                % {"line": number, "where": f" ({label})" if label else ""},
                code="breakdown",
            )
        key = tuple(sorted(dimensions.items()))
        if key in seen:
            raise ValidationError(
                _("The breakdown%(where)s names “%(part)s” twice.")
                % {"part": format_dimensions(dimensions), "where": f" ({label})" if label else ""},
                code="breakdown",
            )
        seen.add(key)
        parts.append((dimensions, parse_number(value_text, label=format_dimensions(dimensions)) or Decimal(0)))
    return parts


def format_dimensions(dimensions: dict) -> str:
    return "; ".join(f"{name}: {value}" for name, value in dimensions.items())


def format_number(number) -> str:
    if number is None:
        return ""
    text = f"{Decimal(number).normalize():f}"
    return text


def format_breakdown(rows: Iterable[IndicatorDisaggregation], measure: str) -> str:
    return "\n".join(
        f"{format_dimensions(row.dimensions)} = {format_number(row.value)}" for row in rows if row.measure == measure
    )


# Warnings: written, with their figures


@dataclass(frozen=True)
class Gap:
    """Parts of one set of dimensions (e.g. by sex) that do not add up to the total."""

    measure: str
    dimensions: tuple[str, ...]
    parts: Decimal
    total: Decimal

    @property
    def difference(self) -> Decimal:
        return self.parts - self.total


def breakdown_gaps(total, parts: Parts, measure: str) -> list[Gap]:
    """For each set of dimension names (by sex; by sex and age), the parts against the total."""
    if total is None or not parts:
        return []
    sums: dict[tuple[str, ...], Decimal] = defaultdict(Decimal)
    for dimensions, value in parts:
        sums[tuple(sorted(dimensions))] += value
    return [
        Gap(measure, names, parts_sum, Decimal(total))
        for names, parts_sum in sorted(sums.items())
        if parts_sum != Decimal(total)
    ]


def gap_message(gap: Gap) -> str:
    measure = dict(DisaggregatedMeasure.choices).get(gap.measure, gap.measure)
    difference = gap.difference
    return _(
        "%(measure)s: the parts by %(dimensions)s add up to %(parts)s, not %(total)s (%(difference)s %(direction)s "
        "than the total)."
    ) % {
        "measure": measure,
        "dimensions": ", ".join(gap.dimensions),
        "parts": format_number(gap.parts),
        "total": format_number(gap.total),
        "difference": format_number(abs(difference)),
        "direction": _("more") if difference > 0 else _("less"),
    }


def cumulative_drops(indicator: Indicator, value: IndicatorValue) -> list[str]:
    """A cumulative indicator's actual includes the periods before: it should not go down."""
    if not indicator.cumulative or value.actual is None:
        return []
    same_place = IndicatorValue.objects.filter(
        indicator=indicator, territory_id=value.territory_id, actual__isnull=False, not_applicable=False
    ).exclude(pk=value.pk)
    messages = []
    before = same_place.filter(period_end__lte=value.period_start).order_by("-period_end").first()
    if before is not None and before.actual is not None and value.actual < before.actual:
        messages.append(
            _(
                "This indicator is cumulative: the actual of %(period)s (%(actual)s) is %(difference)s less than that "
                "of %(before_period)s (%(before)s). Check it, or make the indicator periodic."
            )
            % {
                "period": _period_label(value),
                "actual": format_number(value.actual),
                "difference": format_number(before.actual - value.actual),
                "before_period": _period_label(before),
                "before": format_number(before.actual),
            }
        )
    after = same_place.filter(period_start__gte=value.period_end).order_by("period_start").first()
    if after is not None and after.actual is not None and after.actual < value.actual:
        messages.append(
            _(
                "This indicator is cumulative: the actual of %(after_period)s (%(after)s) is %(difference)s less than "
                "that of %(period)s (%(actual)s)."
            )
            % {
                "after_period": _period_label(after),
                "after": format_number(after.actual),
                "difference": format_number(value.actual - after.actual),
                "period": _period_label(value),
                "actual": format_number(value.actual),
            }
        )
    return messages


def _period_label(value: IndicatorValue) -> str:
    return f"{value.period_start.isoformat()} – {value.period_end.isoformat()}"


# Who approves


def approver_ids(indicator: Indicator) -> set[int]:
    """The organisations whose editors approve an indicator's updates.

    The indicator's ``approver`` when set; otherwise the other parties of the project's partnership
    (every party but the lead organisation); otherwise its funders (participating organisations
    "funding", contributors "funder"); otherwise the project's own parties (another of their editors).
    """
    if indicator.approver_id:
        return {indicator.approver_id}
    project = indicator.result.project
    parties = party_ids(project)
    others = parties - {project.lead_organisation_id}
    if project.partnership_id and others:
        return others
    funders = set(
        project.participants.filter(role=ParticipantRole.FUNDING).values_list("organisation_id", flat=True)
    ) | set(
        project.contributions.filter(role=ContributorRole.FUNDER, organisation__isnull=False).values_list(
            "organisation_id", flat=True
        )
    )
    if project.lead_organisation_id:
        funders.discard(project.lead_organisation_id)
    return funders or parties


def is_approver(user, indicator: Indicator) -> bool:
    """An editor of one of the approving organisations (the author of an update is refused separately)."""
    roles = roles_of(user)
    return bool(roles) and any(roles.get(org_id) in EDITING_ROLES for org_id in approver_ids(indicator))


def may_approve(user, value: IndicatorValue) -> bool:
    return (
        user is not None
        and user.is_authenticated
        and value.status == IndicatorValueStatus.SUBMITTED
        and value.submitted_by_id != user.pk
        and is_approver(user, value.indicator)
    )


def approver_choice_ids(project: Project) -> set[int]:
    return (
        party_ids(project)
        | set(project.participants.values_list("organisation_id", flat=True))
        | set(project.contributions.filter(organisation__isnull=False).values_list("organisation_id", flat=True))
    )


# One version per edit: a screen that saves a result with its indicators and periods writes one version


_BATCH: contextvars.ContextVar[int | None] = contextvars.ContextVar("results_batch", default=None)


@contextmanager
def results_edit(project: Project, *, user, reason: str = "results edited"):
    """Several writes of this module as one change of the project (one version, one transaction)."""
    with versioned_change(project, user=user, reason=reason):
        token = _BATCH.set(project.pk)
        try:
            yield
        finally:
            _BATCH.reset(token)


@contextmanager
def _change(project: Project, *, user, reason: str):
    if _BATCH.get() == project.pk:
        yield
    else:
        with versioned_change(project, user=user, reason=reason):
            yield


# Results and indicators


def _next_position(queryset) -> int:
    last = queryset.aggregate(last=Max("position"))["last"]
    return 0 if last is None else last + 1


def result_save(
    *, project: Project, result: Result | None = None, title, description=None, type: str = ResultType.OUTPUT, user
) -> Result:
    """Create (``result`` None) or change an expected result."""
    if type not in ResultType.values:
        raise ValidationError({"type": _("Choose output, outcome, impact or other.")})
    title, description = clean_i18n(title), clean_i18n(description)
    if not title:
        raise ValidationError({"title": _("Give the expected result a title.")})
    if result is None:
        result = Result(project=project, position=_next_position(project.results))
    elif (result.title, result.description, result.type) == (title, description, type):
        return result
    reason = "result changed" if result.pk else "result added"
    result.title, result.description, result.type = title, description, type
    result.full_clean(exclude=["project"])
    with _change(project, user=user, reason=reason):
        result.save()
    return result


def result_remove(*, result: Result, user) -> None:
    with _change(result.project, user=user, reason="result removed"):
        result.delete()


def indicator_save(
    *,
    result: Result,
    indicator: Indicator | None = None,
    title,
    description=None,
    measure: str = IndicatorMeasure.UNIT,
    ascending: bool = True,
    cumulative: bool = False,
    standard=None,
    approver: Organisation | None = None,
    user,
) -> Indicator:
    """Create (``indicator`` None) or change an indicator of ``result``.

    A standard indicator of the library brings its measure and whether it is cumulative, so that the
    values of every project naming it add up. The approver must take part in the project.
    """
    project = result.project
    if measure not in IndicatorMeasure.values:
        raise ValidationError({"measure": _("Unknown measure.")})
    title, description = clean_i18n(title), clean_i18n(description)
    if standard is not None:
        measure, cumulative = standard.measure, standard.cumulative
        title = title or dict(standard.names)
    if not title:
        raise ValidationError({"title": _("Give the indicator a title.")})
    if approver is not None and approver.pk not in approver_choice_ids(project):
        raise ValidationError(
            {"approver": _("The approver must be a party, a participating organisation or a funder of the project.")}
        )
    if indicator is None:
        indicator = Indicator(result=result, position=_next_position(result.indicators))
    wanted = {
        "title": title,
        "description": description,
        "measure": measure,
        "ascending": bool(ascending),
        "cumulative": bool(cumulative),
        "standard_id": standard.pk if standard is not None else None,
        "approver_id": approver.pk if approver is not None else None,
    }
    if indicator.pk and all(getattr(indicator, name) == value for name, value in wanted.items()):
        return indicator
    if (
        indicator.pk
        and measure != indicator.measure
        and IndicatorMeasure.QUALITATIVE in {measure, indicator.measure}
        and indicator.values.exclude(actual=None, actual_text={}).exists()
    ):
        raise ValidationError(
            {"measure": _("Periods already hold actuals: a numeric indicator cannot become qualitative, or back.")}
        )
    reason = "indicator changed" if indicator.pk else "indicator added"
    for name, value in wanted.items():
        setattr(indicator, name, value)
    indicator.full_clean(exclude=["result", "standard", "approver"])
    with _change(project, user=user, reason=reason):
        indicator.save()
    return indicator


def indicator_remove(*, indicator: Indicator, user) -> None:
    with _change(indicator.result.project, user=user, reason="indicator removed"):
        indicator.delete()


# Reporting periods (the plan) and updates (the actuals)


@dataclass
class Saved:
    """What a service wrote, with the warnings to show (each with its figures)."""

    value: IndicatorValue
    warnings: list[str]


def _write_parts(value: IndicatorValue, measure: str, parts: Parts | None) -> bool:
    """Replace the parts of one measure; True when they changed."""
    if parts is None:
        return False
    current = [
        (row.dimensions, row.value)
        for row in value.disaggregations.all()
        if row.measure == measure  # prefetched by the editor, else one query
    ]
    if current == [(dimensions, number) for dimensions, number in parts]:
        return False
    IndicatorDisaggregation.objects.filter(indicator_value=value, measure=measure).delete()
    IndicatorDisaggregation.objects.bulk_create(
        IndicatorDisaggregation(indicator_value=value, measure=measure, dimensions=dimensions, value=number)
        for dimensions, number in parts
    )
    return True


def period_save(
    *,
    indicator: Indicator,
    value: IndicatorValue | None = None,
    period_start,
    period_end,
    territory: Organisation | None = None,
    due_date=None,
    baseline=None,
    target=None,
    baseline_parts: Parts | None = None,
    target_parts: Parts | None = None,
    user,
) -> Saved:
    """Plan a reporting period (create, or change ``value``): dates, where it is measured, baseline, target.

    The plan is the editors' (no approval); a changed actual is an update (``update_save``).
    """
    project = indicator.result.project
    if territory is not None and territory.pk not in party_ids(project):
        raise ValidationError(
            {"territory": _("Measure the indicator in the territory of one of the project's parties.")}
        )
    if not period_start or not period_end:
        raise ValidationError({"period_start": _("Give the period's start and end dates.")})
    if period_end < period_start:
        raise ValidationError(
            {
                "period_end": _("The end date (%(end)s) is before the start date (%(start)s).")
                % {"end": period_end.isoformat(), "start": period_start.isoformat()}
            }
        )
    baseline, target = parse_number(baseline, label=_("baseline")), parse_number(target, label=_("target"))
    same_period = value is not None and (value.period_start, value.period_end, value.territory_id) == (
        period_start,
        period_end,
        territory.pk if territory is not None else None,
    )
    clash = IndicatorValue.objects.filter(
        indicator=indicator, territory=territory, period_start=period_start, period_end=period_end
    )
    if value is not None:
        clash = clash.exclude(pk=value.pk)
    if not same_period and clash.exists():  # an unchanged period was checked when it was saved
        raise ValidationError({"period_start": _("This indicator already has this period in this territory.")})
    if value is None:
        value = IndicatorValue(indicator=indicator, status=IndicatorValueStatus.DRAFT)
    wanted = {
        "period_start": period_start,
        "period_end": period_end,
        "territory_id": territory.pk if territory is not None else None,
        "due_date": due_date,
        "baseline": baseline,
        "target": target,
        # A number entered replaces the text a value was published with (an IATI import's "N=35;P=55").
        "baseline_value_text": "" if baseline is not None else value.baseline_value_text,
        "target_value_text": "" if target is not None else value.target_value_text,
    }
    changed = value.pk is None or any(getattr(value, name) != figure for name, figure in wanted.items())
    warnings = [gap_message(gap) for gap in breakdown_gaps(baseline, baseline_parts or [], "baseline")]
    warnings += [gap_message(gap) for gap in breakdown_gaps(target, target_parts or [], "target")]
    with transaction.atomic():
        if changed:
            for name, figure in wanted.items():
                setattr(value, name, figure)
        if changed or _parts_differ(value, "baseline", baseline_parts) or _parts_differ(value, "target", target_parts):
            with _change(project, user=user, reason="indicator value"):
                value.save()
                _write_parts(value, "baseline", baseline_parts)
                _write_parts(value, "target", target_parts)
    return Saved(value, warnings)


def _parts_differ(value: IndicatorValue, measure: str, parts: Parts | None) -> bool:
    if parts is None:
        return False
    if value.pk is None:
        return bool(parts)
    current = [(row.dimensions, row.value) for row in value.disaggregations.all() if row.measure == measure]
    return current != list(parts)


def period_remove(*, value: IndicatorValue, user) -> None:
    with _change(value.indicator.result.project, user=user, reason="indicator value removed"):
        value.delete()


def update_save(
    *,
    value: IndicatorValue,
    actual=None,
    not_applicable: bool = False,
    actual_text=None,
    score=None,
    comment=None,
    actual_parts: Parts | None = None,
    submit: bool = False,
    user,
) -> Saved:
    """Enter a period's actual (an update); a change makes it a draft again, entered by ``user``.

    Numeric indicator: a number, or not applicable (then a comment says why). Qualitative indicator:
    a text and a score from 1 to 5, or not applicable. ``submit`` sends it for approval at once.
    """
    indicator = value.indicator
    qualitative = indicator.measure == IndicatorMeasure.QUALITATIVE
    actual = parse_number(actual, label=_("actual"))
    actual_text, comment = clean_i18n(actual_text), clean_i18n(comment)
    score = _score(score)
    if not_applicable:
        if actual is not None or score is not None:
            raise ValidationError(
                {"not_applicable": _("A period cannot be “not applicable” and have an actual: choose one.")}
            )
        if not comment and not actual_text:
            raise ValidationError({"comment": _("Say in the comment why the actual is not applicable.")})
        actual_parts = [] if actual_parts is not None else None
    elif qualitative:
        if actual is not None:
            raise ValidationError(
                {"actual": _("This indicator is qualitative: describe the result in words and give a score.")}
            )
        if actual_text and score is None:
            raise ValidationError({"score": _("Give a score from 1 (poor) to 5 (excellent).")})
    elif actual_text or score is not None:
        raise ValidationError({"actual_text": _("This indicator is numeric: the actual is a number.")})
    wanted = {
        "actual": actual,
        "not_applicable": bool(not_applicable),
        "actual_text": actual_text,
        "score": score,
        "comment": comment,
        "actual_value_text": "" if actual is not None or not_applicable else value.actual_value_text,
    }
    changed = any(getattr(value, name) != figure for name, figure in wanted.items())
    parts_changed = _parts_differ(value, "actual", actual_parts)
    warnings = [gap_message(gap) for gap in breakdown_gaps(actual, actual_parts or [], "actual")]
    if not changed and not parts_changed and not submit:
        return Saved(value, warnings)
    for name, figure in wanted.items():
        setattr(value, name, figure)
    now = timezone.now()
    if changed or parts_changed:
        value.status = IndicatorValueStatus.DRAFT
        value.submitted_by, value.submitted_at = user, None
        value.reviewed_by, value.reviewed_at = None, None
    if submit:
        _check_submittable(value)
        value.status, value.submitted_by, value.submitted_at = IndicatorValueStatus.SUBMITTED, user, now
    with _change(indicator.result.project, user=user, reason="indicator value"):
        value.save()
        _write_parts(value, "actual", actual_parts)
    if submit:
        _notify_approvers(value)
    warnings += cumulative_drops(indicator, value)
    return Saved(value, warnings)


def _score(score) -> int | None:
    if score in (None, ""):
        return None
    try:
        number = int(str(score).strip())
    except ValueError:
        number = 0
    if not 1 <= number <= 5:
        raise ValidationError({"score": _("The score is a whole number from 1 (poor) to 5 (excellent).")})
    return number


def _check_submittable(value: IndicatorValue) -> None:
    if value.status == IndicatorValueStatus.APPROVED:
        raise ValidationError(_("This update is approved already."))
    if value.actual is None and not value.not_applicable and not value.actual_text:
        raise ValidationError(_("Enter the actual (or tick “not applicable”) before submitting the update."))


# Mail: the approvers learn that an update waits for them, its author learns their answer.


def _mail_update(value: IndicatorValue, *, template: str, recipients: list[str], organisations) -> None:
    """Render ``cooperation/mail/<template>.txt`` (first line: the subject) and queue it after the commit."""
    project = value.indicator.result.project
    url = reverse("cooperation:update_review", args=[project.pk, value.pk])
    mail_render_enqueue(
        template=f"cooperation/mail/{template}.txt",
        context={"value": value, "project": project, "link": settings.SITE_URL + url},
        recipients=recipients,
        language=working_language(organisations) or settings.LANGUAGE_CODE,
    )


def _notify_approvers(value: IndicatorValue) -> None:
    approvers = list(Organisation.objects.filter(pk__in=approver_ids(value.indicator)))
    members = Membership.objects.filter(organisation__in=approvers, role__in=EDITING_ROLES, user__is_active=True)
    if value.submitted_by_id is not None:
        members = members.exclude(user_id=value.submitted_by_id)  # the author may not approve: no mail
    emails = members.exclude(user__email="").values_list("user__email", flat=True)
    _mail_update(value, template="update_submitted", recipients=sorted(set(emails)), organisations=approvers)


def _notify_author(value: IndicatorValue) -> None:
    author = value.submitted_by
    if author is None or not author.is_active or not author.email:
        return
    project = value.indicator.result.project
    organisations = [project.lead_organisation] if project.lead_organisation_id else []
    _mail_update(value, template="update_reviewed", recipients=[author.email], organisations=organisations)


@transaction.atomic
def update_submit(*, value: IndicatorValue, user) -> IndicatorValue:
    value = IndicatorValue.objects.select_for_update().select_related("indicator__result__project").get(pk=value.pk)
    if value.status == IndicatorValueStatus.SUBMITTED:
        return value
    _check_submittable(value)
    # Whoever entered the figures stays their author (and may not approve them), whoever submits them.
    value.submitted_by = value.submitted_by or user
    value.status, value.submitted_at = IndicatorValueStatus.SUBMITTED, timezone.now()
    with _change(value.indicator.result.project, user=user, reason="update submitted"):
        value.save(update_fields=["status", "submitted_by", "submitted_at"])
    _notify_approvers(value)
    return value


def _review(value: IndicatorValue, user, status: str, comment: str) -> IndicatorValue:
    value = IndicatorValue.objects.select_for_update().select_related("indicator__result__project").get(pk=value.pk)
    if value.status != IndicatorValueStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted update can be approved or returned; this one is not submitted."))
    if user is None or not user.is_authenticated or value.submitted_by_id == user.pk:
        raise ValidationError(str(AUTHOR_REFUSED))
    if not is_approver(user, value.indicator):
        raise ValidationError(_("Only the editors of the approving organisation approve or return this update."))
    value.status, value.reviewed_by, value.reviewed_at = status, user, timezone.now()
    value.review_comment = comment
    with _change(value.indicator.result.project, user=user, reason=f"update {status}"):
        value.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_comment"])
    _notify_author(value)
    return value


@transaction.atomic
def update_approve(*, value: IndicatorValue, user, comment: str = "") -> IndicatorValue:
    """Approve a submitted update: from now on it counts. Never by the person who entered it."""
    return _review(value, user, IndicatorValueStatus.APPROVED, (comment or "").strip()[:2000])


@transaction.atomic
def update_return(*, value: IndicatorValue, user, comment: str) -> IndicatorValue:
    """Send a submitted update back to the editors, saying what to change."""
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Say what should change: the editors read your comment.")})
    return _review(value, user, IndicatorValueStatus.RETURNED, comment[:2000])
