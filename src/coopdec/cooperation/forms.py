"""Forms for partnerships, projects, contributions, results, indicators and documents.

Forms only shape input; the rules on data (two parties, sectors summing to 100, currencies, SDG
codes, document types) live in ``services.py`` and come back as form errors.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from coopdec.actors.forms import (
    I18nField,
    OrganisationField,
    OrganisationsField,
    PickerChoiceMixin,
    PickerWidget,
    PlaceField,
    place_label,
)
from coopdec.actors.models import Organisation, OrganisationKind
from coopdec.actors.selectors import search_localities
from coopdec.common.forms import DATE
from coopdec.territories.models import Country, Locality
from coopdec.vocabularies.models import Axis

from . import services
from .models import (
    ActivityStatus,
    ContributionKind,
    ContributorRole,
    IndicatorMeasure,
    ParticipantRole,
    PartnershipKind,
    PartnershipStatus,
    PartyRole,
    Result,
    ResultType,
    SupportType,
)

SECTOR_ROWS = 5


class PartnershipForm(forms.Form):
    title = I18nField(
        label=_("Title"),
        required=False,
        max_length=300,
        help_text=_("Optional: the parties' names are shown otherwise."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=PartnershipKind.choices)
    status = forms.ChoiceField(label=_("Status"), choices=PartnershipStatus.choices, initial=PartnershipStatus.ACTIVE)
    start_date = forms.DateField(label=_("Start date"), required=False, widget=DATE)
    end_date = forms.DateField(label=_("End date"), required=False, widget=DATE)
    strategy_start_year = forms.IntegerField(
        label=_("Strategy from (year)"), min_value=1900, max_value=2100, required=False
    )
    strategy_end_year = forms.IntegerField(
        label=_("Strategy to (year)"), min_value=1900, max_value=2100, required=False
    )
    description = I18nField(label=_("Description"), textarea=True, required=False)

    def __init__(self, *args, organisations=None, with_parties: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if with_parties:
            self.fields["parties"] = OrganisationsField(
                label=_("Parties"),
                queryset=organisations,
                required=False,
                help_text=_("At least two organisations: yours and your partner's (type a name to find it)."),
            )
            self.fields.update(_proposed_partner_fields())
            self.order_fields(["parties", *PROPOSED_PARTNER_FIELDS])

    def proposed_partner(self) -> dict | None:
        """The partner not yet registered that the user proposes (``actors.services.organisation_propose``)."""
        data = self.cleaned_data
        if not data.get("new_partner_name"):
            return None
        return {
            "name": data["new_partner_name"],
            "kind": data.get("new_partner_kind") or OrganisationKind.MUNICIPALITY,
            "country": data.get("new_partner_country"),
            "locality": data.get("new_partner_place"),
        }

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if data.get("new_partner_name") and not (data.get("new_partner_country") or data.get("new_partner_place")):
            self.add_error("new_partner_country", _("Choose the country of the partner you propose (or its town)."))
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date is before the start date."))
        return data


PROPOSED_PARTNER_FIELDS = ["new_partner_name", "new_partner_kind", "new_partner_place", "new_partner_country"]


def _proposed_partner_fields() -> dict:
    """A partner the search does not find: proposed here, it is recorded as a draft for the coordinators to review."""
    return {
        "new_partner_name": forms.CharField(
            label=_("Partner not registered yet: its name"),
            max_length=255,
            required=False,
            help_text=_(
                "Only if the search above does not find it. It is recorded as a proposed partner (a draft that "
                "coordinators review, and that its own people can claim); you do not become its administrator."
            ),
        ),
        "new_partner_kind": forms.ChoiceField(
            label=_("Its kind"), choices=[("", "—"), *OrganisationKind.choices], required=False
        ),
        "new_partner_place": PlaceField(label=_("Its town (local governments)"), required=False),
        "new_partner_country": forms.ModelChoiceField(
            label=_("Its country"), queryset=Country.objects.all(), required=False
        ),
    }


class PartnershipThemesForm(forms.Form):
    """The themes of a partnership, on its page: a few ticks for the parties' editors."""

    axes = forms.ModelMultipleChoiceField(
        label=_("Cooperation axes"), queryset=Axis.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )


class PartyForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=PartyRole.choices)
    joined_on = forms.DateField(
        label=_("Joined on"),
        required=False,
        widget=DATE,
        help_text=_("Optional: when the organisation joined the partnership."),
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisations"] = OrganisationsField(label=_("Organisations to add"), queryset=organisations)
        self.order_fields(["organisations"])


class PartyChangeForm(forms.Form):
    """A party's role in the partnership and the date it joined."""

    role = forms.ChoiceField(label=_("Role"), choices=PartyRole.choices)
    joined_on = forms.DateField(label=_("Joined on"), required=False, widget=DATE)


PARTICIPANT_ROLE_HELP = _(
    "Funding: brings money. Accountable: answers for the project. Extending: manages funds on a funder's behalf. "
    "Implementing: carries out the work. An organisation may have several roles."
)


class ParticipantChangeForm(forms.Form):
    """A participating organisation's role in a project (IATI OrganisationRole) and its own activity identifier."""

    role = forms.ChoiceField(label=_("Role"), choices=ParticipantRole.choices, help_text=PARTICIPANT_ROLE_HELP)
    activity_id = forms.CharField(
        label=_("Their activity identifier"),
        max_length=200,
        required=False,
        help_text=_("Optional: the identifier this organisation gives the project in its own IATI data."),
    )


class ParticipantForm(ParticipantChangeForm):
    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"] = OrganisationField(
            label=_("Organisation"),
            queryset=organisations,
            help_text=_("Type its name; register it first if it is not found."),
        )
        self.order_fields(["organisation"])


class PlacesField(PickerChoiceMixin, forms.ModelMultipleChoiceField):
    def __init__(self, **kwargs):
        from django.urls import reverse_lazy

        widget = PickerWidget(search_url=reverse_lazy("actors:place_search"), multiple=True)
        widget.choices_for = lambda ids: [
            (loc.pk, place_label(loc)) for loc in Locality.objects.select_related("country").filter(pk__in=ids)
        ]
        widget.search = lambda text: [(loc.pk, place_label(loc)) for loc in search_localities(text)]
        super().__init__(queryset=Locality.objects.all(), widget=widget, **kwargs)


class ProjectForm(forms.Form):
    title = I18nField(label=_("Title"), max_length=300)
    summary = I18nField(label=_("Summary"), textarea=True, required=False)
    description = I18nField(label=_("Description"), textarea=True, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=ActivityStatus.choices, initial=ActivityStatus.IMPLEMENTATION)
    planned_start = forms.DateField(label=_("Planned start"), required=False, widget=DATE)
    planned_end = forms.DateField(label=_("Planned end"), required=False, widget=DATE)
    actual_start = forms.DateField(label=_("Actual start"), required=False, widget=DATE)
    actual_end = forms.DateField(label=_("Actual end"), required=False, widget=DATE)
    axes = forms.ModelMultipleChoiceField(
        label=_("Cooperation axes"), queryset=Axis.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    support_types = forms.MultipleChoiceField(
        label=_("Support types"), choices=SupportType.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    sdgs = forms.CharField(
        label=_("SDG goals or targets"),
        required=False,
        max_length=300,
        help_text=_("Separated by commas, for example 6, 6.1, 11.6."),
    )
    currency = forms.CharField(
        label=_("Currency"),
        max_length=3,
        initial="EUR",
        widget=forms.TextInput(attrs={"list": "currencies", "size": 4}),
        help_text=_("ISO 4217 code: EUR, XOF, BRL, USD…"),
    )
    beneficiaries_count = forms.IntegerField(label=_("Number of beneficiaries"), min_value=0, required=False)
    beneficiary_groups = I18nField(
        label=_("Beneficiary groups"),
        required=False,
        max_length=500,
        help_text=_("Who benefits: for example households of six neighbourhoods, schools."),
    )
    locations = PlacesField(label=_("Places where the project happens"), required=False)
    iati_identifier = forms.CharField(label=_("IATI activity identifier"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sector_errors = []
        for index in range(SECTOR_ROWS):
            self.fields[f"sector_{index}"] = forms.CharField(
                label=_("DAC sector"),
                required=False,
                max_length=200,
                widget=forms.TextInput(attrs={"list": "dac-sectors"}),
            )
            self.fields[f"sector_{index}_percentage"] = forms.DecimalField(
                label=_("Percentage"),
                required=False,
                min_value=0,
                max_value=100,
                decimal_places=2,
            )

    def sector_rows(self):
        return [(self[f"sector_{index}"], self[f"sector_{index}_percentage"]) for index in range(SECTOR_ROWS)]

    def main_fields(self):
        return [field for field in self.visible_fields() if not field.name.startswith("sector_")]

    def clean(self):
        super().clean()
        data = self.cleaned_data
        for start, end in (("planned_start", "planned_end"), ("actual_start", "actual_end")):
            if data.get(start) and data.get(end) and data[end] < data[start]:
                self.add_error(end, _("The end date is before the start date."))
        # The data rules (shared with the API) are checked here too, so that every mistake shows at once.
        fields = self.service_fields(data)
        for check, value in (
            (services.validate_sectors, fields["sectors"]),
            (services.validate_sdgs, fields["sdgs"]),
            (services.validate_currency, data.get("currency") or ""),
        ):
            try:
                check(value)
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    self.add_error(None if field == "sectors" else field, messages)
                    if field == "sectors":
                        self.sector_errors = messages
        return data

    def service_fields(self, cleaned_data=None) -> dict:
        data = dict(self.cleaned_data if cleaned_data is None else cleaned_data)
        sectors = []
        for index in range(SECTOR_ROWS):
            code = (data.pop(f"sector_{index}", "") or "").split("–")[0].split(" ")[0].strip()
            percentage = data.pop(f"sector_{index}_percentage", None)
            if code:
                sectors.append(("1" if len(code) == 5 else "2", code, percentage))
        data["sectors"] = sectors
        data["sdgs"] = [code.strip() for code in data.get("sdgs", "").replace(";", ",").split(",") if code.strip()]
        data["locations"] = list(data.get("locations") or [])
        return data

    @classmethod
    def initial_for(cls, project) -> dict:
        initial = {
            name: getattr(project, name)
            for name in (
                "title",
                "summary",
                "description",
                "status",
                "planned_start",
                "planned_end",
                "actual_start",
                "actual_end",
                "support_types",
                "currency",
                "beneficiaries_count",
                "beneficiary_groups",
                "iati_identifier",
            )
        }
        initial["axes"] = list(project.axes.values_list("pk", flat=True))
        initial["sdgs"] = ", ".join(project.sdgs.values_list("target", flat=True))
        initial["locations"] = [loc.locality_id for loc in project.locations.all() if loc.locality_id]
        for index, sector in enumerate(project.sectors.all()[:SECTOR_ROWS]):
            initial[f"sector_{index}"] = sector.code
            initial[f"sector_{index}_percentage"] = sector.percentage
        return initial


class ContributionForm(forms.Form):
    organisation: forms.ModelChoiceField[Organisation] = forms.ModelChoiceField(
        label=_("Contributor"), queryset=None, required=False, empty_label=_("(another contributor, named below)")
    )
    contributor_name = forms.CharField(
        label=_("Name of the contributor, if not listed"), max_length=255, required=False
    )
    role = forms.ChoiceField(label=_("Role"), choices=ContributorRole.choices)
    kind = forms.ChoiceField(label=_("Kind"), choices=ContributionKind.choices)
    amount = forms.DecimalField(label=_("Amount"), min_value=0, max_digits=16, decimal_places=2)
    currency = forms.CharField(
        label=_("Currency"), max_length=3, widget=forms.TextInput(attrs={"list": "currencies", "size": 4})
    )
    year = forms.IntegerField(label=_("Year"), min_value=1950, max_value=2100, required=False)

    def __init__(self, *args, parties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = parties  # type: ignore[attr-defined]  # a ModelChoiceField

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if not data.get("organisation") and not (data.get("contributor_name") or "").strip():
            raise ValidationError(_("Choose a party or write the contributor's name."))
        return data


class ResultForm(forms.Form):
    type = forms.ChoiceField(label=_("Type"), choices=ResultType.choices)
    title = I18nField(label=_("Expected result"), max_length=500)


class ResultChangeForm(ResultForm):
    description = I18nField(label=_("Description"), textarea=True, required=False)


class IndicatorChangeForm(forms.Form):
    title = I18nField(label=_("Indicator"), max_length=500)
    measure = forms.ChoiceField(label=_("Measure"), choices=IndicatorMeasure.choices)
    ascending = forms.BooleanField(label=_("Higher is better"), required=False, initial=True)
    description = I18nField(label=_("Description"), textarea=True, required=False)


class IndicatorForm(forms.Form):
    result: forms.ModelChoiceField[Result] = forms.ModelChoiceField(label=_("Result"), queryset=None)
    title = I18nField(label=_("Indicator"), max_length=500)
    measure = forms.ChoiceField(label=_("Measure"), choices=IndicatorMeasure.choices)

    def __init__(self, *args, results, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["result"].queryset = results  # type: ignore[attr-defined]  # a ModelChoiceField


class DocumentForm(forms.Form):
    title = I18nField(label=_("Title"), max_length=300)
    file = forms.FileField(
        label=_("File"), required=False, help_text=_("PDF, office document or image (PNG, JPEG, GIF, WebP).")
    )
    url = forms.URLField(label=_("Or its address on the web"), required=False, assume_scheme="https")
    is_agreement = forms.BooleanField(label=_("Signed agreement"), required=False)
    signed_on = forms.DateField(label=_("Signed on"), required=False, widget=DATE)
    renewal_on = forms.DateField(label=_("Renewal due on"), required=False, widget=DATE)


# Results monitoring: the one-screen editor of a result, its indicators and their reporting periods


class NumberField(forms.CharField):
    """A strictly numeric input ("1 200", "12,5"): "N/A" or "about 40" is refused with a message saying what to do."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "size": 8}))
        super().__init__(**kwargs)

    def clean(self, value):
        from .monitoring import parse_number

        return parse_number(super().clean(value), label=str(self.label or ""))


class BreakdownField(forms.CharField):
    """Parts of a total, one a line: ``sex: female = 60``."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 4000)
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 2, "placeholder": "sex: female = 60"}))
        super().__init__(**kwargs)

    def clean(self, value):
        from .monitoring import parse_breakdown

        return parse_breakdown(super().clean(value) or "", label=str(self.label or ""))


class IndicatorRowForm(forms.Form):
    """One indicator of the editor; its title in the editor's language (the other languages are kept)."""

    title = forms.CharField(label=_("Indicator"), max_length=500, required=False)
    standard = forms.ChoiceField(label=_("Standard indicator"), required=False)
    measure = forms.ChoiceField(label=_("Measure"), choices=IndicatorMeasure.choices, initial=IndicatorMeasure.UNIT)
    cumulative = forms.BooleanField(label=_("Cumulative"), required=False)
    ascending = forms.BooleanField(label=_("Higher is better"), required=False, initial=True)
    approver = forms.ChoiceField(label=_("Approver"), required=False)
    remove = forms.BooleanField(label=_("Remove"), required=False)

    def __init__(self, *args, standards, approvers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["standard"].choices = [("", _("(none)")), *standards]  # type: ignore[attr-defined]
        self.fields["approver"].choices = [  # type: ignore[attr-defined]
            ("", _("(by default: the other party, or the funder)")),
            *approvers,
        ]

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not (data.get("title") or data.get("standard"))


class PeriodRowForm(forms.Form):
    """One reporting period: the plan (dates, place, baseline, target) and the update (the actual)."""

    territory = forms.ChoiceField(label=_("Measured in"), required=False)
    period_start = forms.DateField(label=_("Period start"), required=False, widget=DATE)
    period_end = forms.DateField(label=_("Period end"), required=False, widget=DATE)
    due_date = forms.DateField(label=_("Report due"), required=False, widget=DATE)
    baseline = NumberField(label=_("Baseline"))
    target = NumberField(label=_("Target"))
    actual = NumberField(label=_("Actual"))
    not_applicable = forms.BooleanField(label=_("Not applicable"), required=False)
    actual_text = forms.CharField(
        label=_("Qualitative actual"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    score = forms.TypedChoiceField(
        label=_("Score"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "—"), *[(n, str(n)) for n in range(1, 6)]],
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    breakdown = BreakdownField(label=_("Breakdown of the actual"))
    submit = forms.BooleanField(label=_("Submit for approval"), required=False)
    remove = forms.BooleanField(label=_("Remove"), required=False)

    def __init__(self, *args, territories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territory"].choices = [("", _("(whole project)")), *territories]  # type: ignore[attr-defined]

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not any(data.get(name) for name in ("period_start", "period_end", "target", "actual", "baseline"))
