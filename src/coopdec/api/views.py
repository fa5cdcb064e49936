"""The account page for personal API tokens, and the JSON 404 for unknown API addresses."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from .errors import error_response
from .forms import TokenCreateForm
from .models import ApiToken
from .selectors import tokens_of
from .services import token_create
from .services import token_revoke as revoke


def api_not_found(request):
    return error_response(
        404, "not_found", _("No such API address; the list of endpoints is at /api/v1/docs and /api/v1/openapi.json.")
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def tokens(request):
    """List the user's tokens; create one (shown once, on this response only)."""
    created_token = None
    form = TokenCreateForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_perm("api.add_apitoken"):
            raise PermissionDenied
        if form.is_valid():
            try:
                record, created_token = token_create(user=request.user, name=form.cleaned_data["name"])
            except ValidationError as exc:
                form.add_error("name", exc)
            else:
                form = TokenCreateForm()
                messages.success(request, _("Token “%(name)s” created.") % {"name": record.name})
    # never_cache: the page may carry a new token, which no cache may keep.
    return render(
        request, "api/tokens.html", {"form": form, "tokens": tokens_of(request.user), "created_token": created_token}
    )


@login_required
@require_POST
def token_revoke(request, pk: int):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    if not request.user.has_perm("api.revoke_apitoken", token):
        raise PermissionDenied
    revoke(token=token, by=request.user)
    messages.success(request, _("Token “%(name)s” revoked; it no longer works.") % {"name": token.name})
    return redirect("api-tokens")
