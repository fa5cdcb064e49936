"""Forms of the strategy pages. Numbers are read as text and checked by the services, so that "about
100" or "N/A" in a target gets the services' clear message, the same on every entry path."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from coopdec.actors.forms import I18nField
from coopdec.actors.models import Organisation
from coopdec.common.validators import SUMMARY_MAX, TEXT_MAX, TITLE_MAX
from coopdec.cooperation.models import Indicator, Project
from coopdec.territories.models import Country
from coopdec.vocabularies.models import Axis, StandardIndicator

from .models import FIRST_YEAR, LAST_YEAR, Strategy


class OrganisationChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.display_name


class CountryChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.name} ({obj.code})"


class ProjectChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.display_title


class IndicatorChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.result.project.display_title} – {obj}"


class StrategyForm(forms.Form):
    title = I18nField(label=_("Title"), max_length=TITLE_MAX)
    summary = I18nField(label=_("Summary"), textarea=True, required=False, max_length=SUMMARY_MAX)
    start_year = forms.IntegerField(label=_("From (year)"), min_value=FIRST_YEAR, max_value=LAST_YEAR)
    end_year = forms.IntegerField(label=_("To (year)"), min_value=FIRST_YEAR, max_value=LAST_YEAR)


class ObjectiveForm(forms.Form):
    title = I18nField(label=_("Objective"), max_length=TITLE_MAX)
    description = I18nField(label=_("Description"), textarea=True, required=False, max_length=TEXT_MAX)
    axes = forms.ModelMultipleChoiceField(
        label=_("Cooperation axes"), queryset=Axis.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    territories = OrganisationChoices(
        label=_("Partner territories"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    countries = CountryChoices(
        label=_("Countries"),
        queryset=Country.objects.order_by("code"),
        required=False,
        help_text=_("Hold Ctrl (or Cmd) to choose several."),
    )

    def __init__(self, *args, partners, **kwargs):
        super().__init__(*args, **kwargs)
        cast(OrganisationChoices, self.fields["territories"]).queryset = partners


class ProjectsForm(forms.Form):
    projects = ProjectChoices(
        label=_("Projects serving this objective"),
        queryset=Project.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        cast(ProjectChoices, self.fields["projects"]).queryset = projects


class IndicatorForm(forms.Form):
    title = I18nField(label=_("Indicator"), max_length=TITLE_MAX)
    unit = I18nField(label=_("Unit"), required=False, max_length=100, help_text=_("For example: people, km, schools."))
    standard = forms.ModelChoiceField(
        label=_("Standard indicator"),
        queryset=StandardIndicator.objects.all(),
        required=False,
        help_text=_("Every indicator of the objective's projects with this standard indicator counts."),
    )
    project_indicators = IndicatorChoices(
        label=_("Project indicators that roll up into it"),
        queryset=Indicator.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    cumulative = forms.BooleanField(
        label=_("Targets are running totals since the start of the strategy"),
        required=False,
        help_text=_("Otherwise each year's target counts alone."),
    )
    baseline = forms.CharField(label=_("Baseline"), required=False, max_length=40)
    baseline_year = forms.IntegerField(
        label=_("Baseline year"), required=False, min_value=FIRST_YEAR, max_value=LAST_YEAR
    )

    def __init__(self, *args, strategy: Strategy, indicators, **kwargs):
        super().__init__(*args, **kwargs)
        self.strategy = strategy
        cast(IndicatorChoices, self.fields["project_indicators"]).queryset = indicators
        for year in strategy.years:
            self.fields[f"target_{year}"] = forms.CharField(
                label=_("Target %(year)s") % {"year": year}, required=False, max_length=40
            )

    def targets(self) -> dict[int, str]:
        return {year: self.cleaned_data.get(f"target_{year}") or "" for year in self.strategy.years}
