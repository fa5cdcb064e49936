"""The sign-in and password-reset forms of Django, with limits on how often they may be tried
(``coopdec.common.throttle``: per account, strict, and per client address, loose)."""

from django.contrib.auth import forms as auth_forms
from django.core.exceptions import ValidationError

from coopdec.common.mail import QueuedMailPasswordResetForm
from coopdec.common.throttle import TooManyAttempts, rate_forgive, throttle_attempt


class Throttled:
    """A form whose attempts are counted; ``throttled`` is set when one was refused (answer 429)."""

    throttled = False

    def refuse(self, error: TooManyAttempts):
        self.throttled = True
        raise ValidationError(error.message, code="throttled")


class SignInForm(Throttled, auth_forms.AuthenticationForm):
    """Failed sign-ins count against the user name and the address; a successful one is not held
    against the account."""

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        if username and self.cleaned_data.get("password"):
            try:
                attempt = throttle_attempt(action="signin", request=self.request, account=username)
            except TooManyAttempts as error:
                self.refuse(error)
            cleaned = super().clean()
            rate_forgive(attempt)
            return cleaned
        return super().clean()


class PasswordResetForm(Throttled, QueuedMailPasswordResetForm):
    """Each mail asked for counts against the address it goes to and the address it is asked from,
    whether an account has that address or not (so the limit reveals nothing). The mail is sent by
    the background task, once the request's transaction commits."""

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_email(self):
        email = self.cleaned_data["email"]
        try:
            throttle_attempt(action="password_reset", request=self.request, account=email)
        except TooManyAttempts as error:
            self.refuse(error)
        return email
