from django.contrib.auth import views as auth_views
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .forms import PasswordResetForm, SignInForm
from .selectors import home_counts


@require_safe
def home(request):
    return render(request, "web/home.html", {"counts": home_counts()})


@never_cache
@require_safe
def healthz(request):
    """Liveness and database check for load balancers and monitors."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any database failure means unhealthy
        return JsonResponse({"status": "error", "database": str(exc.__class__.__name__)}, status=503)
    return JsonResponse({"status": "ok", "database": connection.vendor})


class ThrottledFormMixin:
    """A form refused by a rate limit is shown again with its message and the status 429."""

    def form_invalid(self, form):
        response = super().form_invalid(form)  # type: ignore[misc]
        if form.throttled:
            response.status_code = 429
        return response


class SignInView(ThrottledFormMixin, auth_views.LoginView):
    form_class = SignInForm


class PasswordResetView(ThrottledFormMixin, auth_views.PasswordResetView):
    form_class = PasswordResetForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}
