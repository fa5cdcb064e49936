"""Forms of the participation pages. The services check everything again (the API and tests call them)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from coopdec.actors.forms import I18nField
from coopdec.common.forms import DATE
from coopdec.common.i18n import localize
from coopdec.common.text import fold
from coopdec.common.validators import SUMMARY_MAX, validate_line
from coopdec.territories.models import Country
from coopdec.vocabularies.models import Axis

from .models import DisplayName, ParticipantKind, ProposalStatus


class SpaceForm(forms.Form):
    title = I18nField(label=_("Title"), max_length=300)
    description = I18nField(
        label=_("What the space is for"),
        textarea=True,
        required=False,
        help_text=_("Explain to residents what they can propose, and what will happen with their proposals."),
    )
    proposals_from = forms.DateField(label=_("Proposals from"), widget=DATE)
    support_from = forms.DateField(label=_("Support from"), widget=DATE)
    review_from = forms.DateField(
        label=_("Feasibility review from"), widget=DATE, help_text=_("Both parties check each proposal.")
    )
    vote_from = forms.DateField(label=_("Vote from"), widget=DATE)
    results_from = forms.DateField(label=_("Results from"), widget=DATE)
    budget = forms.DecimalField(
        label=_("Participatory budget"),
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
        help_text=_("Optional: the amount the public shares out by its vote. Without it, there is no vote."),
    )
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="EUR")


def country_choices() -> list[tuple[str, str]]:
    """Countries by their name in the reader's language (a resident looks for "Sénégal", not "SN")."""
    names = [(code, localize(names) or code) for code, names in Country.objects.values_list("code", "names")]
    return [("", "—"), *sorted(names, key=lambda item: fold(item[1]))]


class ProfileForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=100, validators=[validate_line])
    last_name = forms.CharField(label=_("Last name"), max_length=100, required=False, validators=[validate_line])
    display = forms.ChoiceField(
        label=_("What others see of your name"),
        choices=DisplayName.choices,
        initial=DisplayName.INITIAL,
        widget=forms.RadioSelect,
        help_text=_("Your e-mail address is never shown."),
    )
    town = forms.CharField(
        label=_("Your town"), max_length=120, validators=[validate_line], help_text=_("Where you live or act.")
    )
    country = forms.ChoiceField(label=_("Country"))
    kind = forms.ChoiceField(
        label=_("You take part as"), choices=ParticipantKind.choices, initial=ParticipantKind.RESIDENT
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = country_choices()  # type: ignore[attr-defined]

    def profile(self) -> dict:
        return {**self.cleaned_data, "language": (get_language() or settings.LANGUAGE_CODE)[:2]}


class SignUpForm(ProfileForm):
    email = forms.EmailField(label=_("Your e-mail address"), help_text=_("We send you a link to confirm it."))
    privacy = forms.BooleanField(label=_("I have read the privacy notice"), required=True)

    field_order = ["email", "first_name", "last_name", "display", "town", "country", "kind", "privacy"]


class PasswordForm(forms.Form):
    password1 = forms.CharField(
        label=_("Choose a password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters; a sentence you remember is best."),
    )
    password2 = forms.CharField(
        label=_("The same password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean() or {}
        if data.get("password1") and data.get("password1") != data.get("password2"):
            raise ValidationError(_("The two passwords differ."))
        if data.get("password1"):
            password_validation.validate_password(data["password1"])
        return data


class ProposalForm(forms.Form):
    title = forms.CharField(label=_("Title of your proposal"), max_length=200, validators=[validate_line])
    body = forms.CharField(
        label=_("Your proposal"),
        max_length=SUMMARY_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What should be done, where, for whom, and why. Write in your own language."),
    )
    language = forms.ChoiceField(label=_("Language you write in"), choices=settings.LANGUAGES)
    axes = forms.ModelMultipleChoiceField(
        label=_("Themes"), queryset=Axis.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    place_name = forms.CharField(label=_("Place"), max_length=200, required=False, validators=[validate_line])
    latitude = forms.FloatField(
        label=_("Latitude"), required=False, min_value=-90, max_value=90, help_text=_("Click the map to fill it in.")
    )
    longitude = forms.FloatField(label=_("Longitude"), required=False, min_value=-180, max_value=180)
    cost = forms.DecimalField(label=_("Estimated cost"), required=False, min_value=0, max_digits=14, decimal_places=2)
    on_behalf_of: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("On behalf of"), queryset=None, required=False
    )

    def __init__(self, *args, organisations, currency: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on_behalf_of"].queryset = organisations  # type: ignore[attr-defined]
        self.fields["on_behalf_of"].empty_label = _("Myself")  # type: ignore[attr-defined]
        self.fields["cost"].help_text = _("In %(currency)s; a rough estimate is fine.") % {"currency": currency}
        if not organisations.exists():
            del self.fields["on_behalf_of"]
        self.fields["language"].initial = (get_language() or settings.LANGUAGE_CODE)[:2]


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Your comment"), max_length=SUMMARY_MAX, widget=forms.Textarea(attrs={"rows": 3}))


class AnswerForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Answer"),
        choices=[(value, label) for value, label in ProposalStatus.choices if value != ProposalStatus.OPEN],
        widget=forms.RadioSelect,
    )
    answer = forms.CharField(
        label=_("Explanation"),
        max_length=SUMMARY_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the proposal is not feasible: say why."),
    )
    merged_into: forms.ModelChoiceField = forms.ModelChoiceField(label=_("Merged into"), queryset=None, required=False)

    def __init__(self, *args, proposals, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["merged_into"].queryset = proposals  # type: ignore[attr-defined]


class ReviewForm(forms.Form):
    organisation: forms.ModelChoiceField = forms.ModelChoiceField(label=_("In the name of"), queryset=None)
    feasible = forms.TypedChoiceField(
        label=_("Feasible?"),
        choices=[("1", _("Feasible")), ("0", _("Not feasible"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note"), max_length=1000, required=False, validators=[validate_line])

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, validators=[validate_line])


class ModerationForm(forms.Form):
    decision = forms.ChoiceField(choices=[("hide", _("Hide")), ("keep", _("Keep"))])
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False, validators=[validate_line])


class ProjectLinkForm(forms.Form):
    project: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Or link to an existing project"),
        queryset=None,
        required=False,
        empty_label=_("Create a new project from this proposal"),
    )

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects  # type: ignore[attr-defined]
