"""Forms of the funding pages: they shape input; the rules live in ``services.py`` and ``eligibility.py``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from coopdec.actors.forms import I18nField
from coopdec.actors.models import OrganisationKind
from coopdec.common.forms import DATE
from coopdec.common.validators import TITLE_MAX, validate_line
from coopdec.vocabularies.models import Axis
from coopdec.vocabularies.selectors import codelist_choices

from .models import CONCEPT_MAX, ApplicationStatus, Prerequisite, Stages

AMOUNT: dict[str, Any] = {"max_digits": 16, "decimal_places": 2, "min_value": 0}
RATE: dict[str, Any] = {"max_digits": 5, "decimal_places": 2, "min_value": 0, "max_value": 100}


def _codes(value: str) -> list[str]:
    return [code.strip() for code in (value or "").replace(";", ",").replace(" ", ",").split(",") if code.strip()]


class CallForm(forms.Form):
    funder = forms.TypedChoiceField(label=_("Funder"), coerce=int)
    title = I18nField(label=_("Title"), max_length=300)
    description = I18nField(label=_("Text of the call"), textarea=True, required=False)
    envelope = forms.DecimalField(label=_("Envelope"), **AMOUNT)
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="EUR")
    opens_on = forms.DateField(label=_("Opens on"), widget=DATE)
    deadline = forms.DateField(
        label=_("Deadline"),
        widget=DATE,
        help_text=_("Last day an application may be submitted."),
    )
    stages = forms.TypedChoiceField(
        label=_("Stages"), choices=Stages.choices, coerce=int, initial=Stages.ONE, widget=forms.RadioSelect
    )
    concept_deadline = forms.DateField(
        label=_("Concept note deadline"),
        required=False,
        widget=DATE,
        help_text=_("Two-stage calls: last day a concept note may be submitted."),
    )
    concept_guidance = I18nField(
        label=_("What the concept note asks"),
        textarea=True,
        required=False,
        help_text=_("Two-stage calls: what applicants write in their short concept note."),
    )
    eligible_kinds = forms.MultipleChoiceField(
        label=_("Who may apply"),
        choices=OrganisationKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: any kind of organisation."),
    )
    eligible_countries = forms.CharField(
        label=_("Applicants' countries"),
        required=False,
        max_length=400,
        help_text=_("ISO codes separated by commas, for example FR, DE; empty: any country."),
    )
    eligible_axes = forms.MultipleChoiceField(
        label=_("Eligible cooperation axes"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: any axis."),
    )
    eligible_sectors = forms.CharField(
        label=_("Eligible DAC sectors"),
        required=False,
        max_length=400,
        help_text=_("3- or 5-digit DAC codes separated by commas; empty: any sector."),
    )
    max_rate_ldc = forms.DecimalField(label=_("Maximum rate in the least developed countries (%)"), **RATE)
    max_rate_other = forms.DecimalField(label=_("Maximum rate elsewhere (%)"), **RATE)
    min_own_share = forms.DecimalField(label=_("Minimum own share (%)"), initial=0, **RATE)
    max_in_kind_share = forms.DecimalField(label=_("In-kind cap (% of the own share)"), initial=100, **RATE)
    min_amount = forms.DecimalField(label=_("Smallest grant"), required=False, **AMOUNT)
    max_amount = forms.DecimalField(label=_("Largest grant"), required=False, **AMOUNT)
    max_duration_months = forms.IntegerField(
        label=_("Maximum duration (months)"), required=False, min_value=1, max_value=240
    )
    required_documents = forms.MultipleChoiceField(
        label=_("Documents the project must carry"), required=False, widget=forms.SelectMultiple
    )
    prerequisites = forms.MultipleChoiceField(
        label=_("Prerequisites checked from the register"),
        choices=Prerequisite.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    retained_share = forms.DecimalField(label=_("Share retained until the final report (%)"), initial=20, **RATE)
    pass_mark = forms.DecimalField(
        label=_("Pass mark (weighted average, 1 to 5)"),
        initial=3,
        max_digits=3,
        decimal_places=2,
        min_value=1,
        max_value=5,
    )
    criteria = forms.CharField(
        label=_("Scoring grid"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=4000,
        help_text=_("One criterion a line: its weight, a vertical bar, its name. For example: 30 | Relevance."),
    )

    def __init__(self, *args, funders, criteria=(), **kwargs):
        super().__init__(*args, **kwargs)
        # The grid's names in every language, by the name shown in the box: a line left as it was keeps its
        # other languages (the box shows one).
        self.criteria_titles = {str(criterion): criterion.title for criterion in criteria}
        self.fields["funder"].choices = [(org.pk, org.name) for org in funders]  # type: ignore[attr-defined]
        self.fields["eligible_axes"].choices = [(axis.code, axis.name) for axis in Axis.objects.all()]  # type: ignore[attr-defined]
        self.fields["required_documents"].choices = codelist_choices("DocumentCategory")  # type: ignore[attr-defined]

    def clean_eligible_countries(self):
        return [code.upper() for code in _codes(self.cleaned_data["eligible_countries"])]

    def clean_eligible_sectors(self):
        return _codes(self.cleaned_data["eligible_sectors"])

    def clean_criteria(self):
        rows = []
        for number, line in enumerate(self.cleaned_data["criteria"].splitlines(), start=1):
            if not line.strip():
                continue
            weight, bar, title = line.partition("|")
            if not bar or not weight.strip().isdigit() or not title.strip():
                raise ValidationError(
                    _("Line %(number)s: write the weight, a vertical bar, then the name.") % {"number": number}
                )
            title = title.strip()
            validate_line(title)
            if len(title) > TITLE_MAX:
                raise ValidationError(
                    _("Line %(number)s: a criterion's name has at most %(max)s characters.")
                    % {"number": number, "max": TITLE_MAX}
                )
            rows.append((self.criteria_titles.get(title) or {(get_language() or "fr")[:2]: title}, int(weight)))
        if not rows:
            raise ValidationError(_("Give one criterion at least."))
        return rows


def criteria_text(call) -> str:
    return "\n".join(f"{c.weight} | {c}" for c in call.criteria.all())


class ApplyForm(forms.Form):
    organisation = forms.TypedChoiceField(label=_("Applicant"), coerce=int)
    project = forms.TypedChoiceField(
        label=_("Project"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("Its text, partners, budget, results and documents make the application."),
    )
    new_title = forms.CharField(
        label=_("Or a new project's title"),
        required=False,
        max_length=300,
        validators=[validate_line],
        help_text=_("Creates the project record; complete it before submitting."),
    )

    def __init__(self, *args, organisations, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [(org.pk, org.name) for org in organisations]  # type: ignore[attr-defined]
        self.fields["project"].choices = [("", "—")] + [(p.pk, p.display_title) for p in projects]  # type: ignore[attr-defined]

    def clean(self):
        data = super().clean() or {}
        if not data.get("project") and not (data.get("new_title") or "").strip():
            raise ValidationError(_("Choose one of your projects, or give the new project a title."))
        return data


class PlanForm(forms.Form):
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    requested = forms.DecimalField(label=_("Amount requested"), **AMOUNT)
    own_cash = forms.DecimalField(label=_("Own share in cash"), **AMOUNT)
    own_in_kind = forms.DecimalField(label=_("Own share in kind"), **AMOUNT)
    other_funding = forms.DecimalField(label=_("Other co-financing"), **AMOUNT)
    partner = forms.TypedChoiceField(label=_("Partner authority"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].choices = [("", "—")] + [(org.pk, org.name) for org in partners]  # type: ignore[attr-defined]


class RevisionForm(forms.Form):
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class AssignForm(forms.Form):
    reviewer = forms.CharField(
        label=_("Reviewer"), max_length=254, help_text=_("User name or e-mail address of an account of the site.")
    )


class DecisionForm(forms.Form):
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (value, label) for value, label in ApplicationStatus.choices if value in ("awarded", "reserve", "rejected")
        ],
    )
    amount = forms.DecimalField(label=_("Amount awarded"), required=False, **AMOUNT)
    note = forms.CharField(
        label=_("Reasons, for the letter"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ConceptForm(forms.Form):
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    concept_note = forms.CharField(
        label=_("Concept note"),
        required=False,
        max_length=CONCEPT_MAX,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("The project's idea, its partners and the change expected, in a few paragraphs."),
    )


class ShortlistForm(forms.Form):
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    decision = forms.ChoiceField(
        label=_("Answer"),
        choices=[("shortlist", _("Shortlist: invite the full application")), ("decline", _("Decline"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Message to the applicant, for the letter"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DeclareForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Conflict of interest"),
        choices=[
            ("no_conflict", _("I declare that I have no conflict of interest with the applicant or its partner.")),
            ("decline", _("I have a conflict of interest, or cannot review: I decline.")),
        ],
        widget=forms.RadioSelect,
    )


class ScoreForm(forms.Form):
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    comment = forms.CharField(
        label=_("Overall comment"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        choices = [("", "—")] + [(str(n), str(n)) for n in range(1, 6)]
        for criterion in criteria:
            self.fields[f"score_{criterion.pk}"] = forms.CharField(
                label=_("%(criterion)s (weight %(weight)s)") % {"criterion": criterion, "weight": criterion.weight},
                required=False,
                max_length=2,
                widget=forms.Select(choices=choices),
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=_("Comment"),
                required=False,
                max_length=4000,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=_("Required for a score of 1 or 5."),
            )

    def scores(self) -> dict:
        return {
            str(c.pk): {
                "score": self.cleaned_data.get(f"score_{c.pk}", ""),
                "comment": self.cleaned_data.get(f"comment_{c.pk}", ""),
            }
            for c in self.criteria
        }


class ReportForm(forms.Form):
    narrative = forms.CharField(
        label=_("Narrative report"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "What was done in the period, with whom, what changed; the indicator values are read from the project."
        ),
    )
    spent = forms.DecimalField(label=_("Spent in the period"), **AMOUNT)
    financial_note = forms.CharField(
        label=_("Financial report"), required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReportAnswerForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("Answer"),
        coerce=lambda value: value == "1",
        choices=[("1", _("Approve")), ("0", _("Return for changes"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
