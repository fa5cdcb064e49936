"""Forms of the aid declaration pages. They only shape the input: the services check it (codes,
amounts, rates, dates) and their errors are shown on these forms."""

from __future__ import annotations

from typing import cast

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from coopdec.common.forms import DATE
from coopdec.territories.models import Country
from coopdec.vocabularies.selectors import codelist_choices

from .models import POLICY_MARKERS, DeclarationLine, Recipient

MARKER_CHOICES = [
    ("", _("not screened")),
    ("0", _("0 – not targeted")),
    ("1", _("1 – significant objective")),
    ("2", _("2 – principal objective")),
]
COFINANCING_CHOICES = [("", _("to confirm")), ("yes", _("deducted")), ("no", _("not deducted"))]


class CampaignForm(forms.Form):
    country = forms.ModelChoiceField(label=_("Country"), queryset=Country.objects.none())
    year = forms.IntegerField(label=_("Declared year"), help_text=_("The calendar year whose aid is declared."))
    opens_on = forms.DateField(label=_("Opens on"), widget=DATE)
    closes_on = forms.DateField(
        label=_("Closes on"), widget=DATE, help_text=_("Last day a declaration may be submitted.")
    )
    currency = forms.CharField(
        label=_("Declaration currency"), max_length=3, initial="EUR", widget=forms.TextInput(attrs={"size": 4})
    )

    def __init__(self, *args, countries, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = countries  # type: ignore[attr-defined]


class CampaignDatesForm(forms.Form):
    opens_on = forms.DateField(label=_("Opens on"), widget=DATE)
    closes_on = forms.DateField(label=_("Closes on"), widget=DATE)


class RevisionForm(forms.Form):
    """The revision the page was built from: the services refuse a change made since."""

    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ReopenForm(RevisionForm):
    reason = forms.CharField(
        label=_("Why is it reopened?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The declaration's editors read it."),
    )


class ExtendForm(RevisionForm):
    until = forms.DateField(label=_("Extend the deadline until"), widget=DATE)


def marker_field(name: str) -> models.Field:
    """A field of the line model (typed: ``get_field`` may return a relation)."""
    return cast(models.Field, DeclarationLine._meta.get_field(name))


def _code(label, datalist: str, help_text=""):
    return forms.CharField(
        label=label,
        max_length=5,
        help_text=help_text,
        widget=forms.TextInput(attrs={"list": datalist, "size": 8, "autocomplete": "off"}),
    )


class LineForm(RevisionForm):
    recipient_type = forms.ChoiceField(label=_("Recipient"), choices=Recipient.choices)
    recipient_code = forms.CharField(
        label=_("Recipient country or region code"),
        max_length=4,
        required=False,
        help_text=_("ISO code of the country (SN) or IATI region code (289); empty when unallocated."),
        widget=forms.TextInput(attrs={"list": "recipients", "size": 6, "autocomplete": "off"}),
    )
    sector = _code(_("DAC sector"), "sectors", _("DAC 5-digit purpose code, for example 14030."))
    channel = _code(
        _("Channel of delivery"), "channels", _("CRS channel code, for example 12000 (recipient government).")
    )
    flow_type = forms.ChoiceField(label=_("Flow type"))
    finance_type = forms.ChoiceField(label=_("Finance type"))
    aid_type = forms.ChoiceField(label=_("Aid type"))
    original_amount = forms.CharField(
        label=_("Amount paid"),
        max_length=30,
        help_text=_("In the currency it was paid in; it is converted at the ECB's average rate of the year."),
    )
    original_currency = forms.CharField(
        label=_("Currency paid in"), max_length=3, widget=forms.TextInput(attrs={"size": 4})
    )
    cofinancing = forms.CharField(
        label=_("Co-financing received"), max_length=30, required=False, help_text=marker_field("cofinancing").help_text
    )
    cofinancing_confirmed = forms.ChoiceField(label=_("Co-financing"), choices=COFINANCING_CHOICES, required=False)
    description = forms.CharField(label=_("Description"), max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, list_name in (("flow_type", "FlowType"), ("finance_type", "FinanceType"), ("aid_type", "AidType")):
            self.fields[name].choices = codelist_choices(list_name)  # type: ignore[attr-defined]
        for name in POLICY_MARKERS:
            self.fields[name] = forms.ChoiceField(
                label=str(marker_field(name).verbose_name).capitalize(), choices=MARKER_CHOICES, required=False
            )

    def marker_fields(self):
        return [self[name] for name in POLICY_MARKERS]

    def main_fields(self):
        return [field for field in self.visible_fields() if field.name not in POLICY_MARKERS]

    def service_fields(self) -> dict:
        """The cleaned data as the line services take it."""
        data = {name: value for name, value in self.cleaned_data.items() if name != "revision"}
        data["cofinancing_confirmed"] = {"yes": True, "no": False}.get(data["cofinancing_confirmed"])
        return data

    @staticmethod
    def initial_of(line: DeclarationLine) -> dict:
        initial = {
            name: getattr(line, name)
            for name in (
                "recipient_type",
                "recipient_code",
                "sector",
                "channel",
                "flow_type",
                "finance_type",
                "aid_type",
                "original_amount",
                "original_currency",
                "cofinancing",
                "description",
            )
        }
        initial["cofinancing_confirmed"] = {True: "yes", False: "no"}.get(line.cofinancing_confirmed, "")  # type: ignore[arg-type]
        for name in POLICY_MARKERS:
            value = getattr(line, name)
            initial[name] = "" if value is None else str(value)
        return initial
