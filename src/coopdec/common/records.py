"""Views shared by every record type (organisation, partnership, project): history, restore,
"still accurate", publish, delete. Each takes the record and the permission prefix; the apps' views
wrap them, so every access still goes through ``rules.py``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from . import services, versions
from .throttle import TooManyAttempts


def check(request, permission: str, record=None) -> None:
    """Refuse politely: anonymous visitors are sent to sign in, others get 403."""
    if request.user.has_perm(permission, record):
        return
    if not request.user.is_authenticated:
        raise _LoginRequired
    raise PermissionDenied


class _LoginRequired(Exception):  # noqa: N818 - control flow, turned into a redirect by ``login_or_403``
    pass


# Pages with a form: shown (GET, HEAD) and sent (POST); any other method is refused (405), so that every
# method a URL answers is one its access rules were written for (tests/test_access_matrix.py).
form_methods = require_http_methods(["GET", "HEAD", "POST"])


def guarded(view):
    """Turn ``check``'s sign-in request into a redirect to the sign-in page."""

    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except _LoginRequired:
            return redirect_to_login(request.get_full_path())

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def viewable_or_404(request, permission: str, record):
    """A draft the user may not see does not exist for them (404, not 403: no leak)."""
    if not request.user.has_perm(permission, record):
        raise Http404
    return record


# Reasons the services record with a version (stored as codes, shown in the reader's language).
REASONS = {
    "confirmed": gettext_lazy("confirmed still accurate"),
    "published": gettext_lazy("published"),
    "unpublished": gettext_lazy("back to draft"),
    "party added": gettext_lazy("party added"),
    "party removed": gettext_lazy("party removed"),
    "party changed": gettext_lazy("party's role or joining date changed"),
    "contribution added": gettext_lazy("contribution added"),
    "contribution removed": gettext_lazy("contribution removed"),
    "result added": gettext_lazy("expected result added"),
    "result changed": gettext_lazy("expected result changed"),
    "result removed": gettext_lazy("expected result removed"),
    "indicator added": gettext_lazy("indicator added"),
    "indicator changed": gettext_lazy("indicator changed"),
    "indicator removed": gettext_lazy("indicator removed"),
    "indicator value": gettext_lazy("indicator values recorded"),
    "indicator value removed": gettext_lazy("indicator values removed"),
    "results edited": gettext_lazy("results, indicators and periods edited"),
    "update submitted": gettext_lazy("indicator update submitted for approval"),
    "update approved": gettext_lazy("indicator update approved"),
    "update returned": gettext_lazy("indicator update returned for changes"),
    "document added": gettext_lazy("document added"),
    "document removed": gettext_lazy("document removed"),
    "participant added": gettext_lazy("participating organisation added"),
    "participant changed": gettext_lazy("participating organisation changed"),
    "participant removed": gettext_lazy("participating organisation removed"),
    "contact added": gettext_lazy("contact added"),
    "contact removed": gettext_lazy("contact removed"),
}


def register_reasons(reasons: dict) -> None:
    """Add an app's own history reasons (``{code: label}``) to ``REASONS``, from its ``ready()``.

    A code already registered with another label is refused: one code, one meaning on every page."""
    clashes = sorted(code for code, label in reasons.items() if code in REASONS and REASONS[code] is not label)
    if clashes:
        raise ImproperlyConfigured(f"History reasons registered twice with different labels: {', '.join(clashes)}")
    REASONS.update(reasons)


def reason_label(reason: str | None) -> str:
    if not reason:
        return ""
    if reason.startswith("restored "):
        return _("restored the version of %(date)s") % {"date": reason.removeprefix("restored ").replace("T", " ")[:16]}
    return str(REASONS.get(reason, reason))


def history_entries(record) -> list[dict]:
    """Versions, newest first, each with who, when, how and which fields changed (old → new)."""
    with versions.describing():
        return _history_entries(record)


def _history_entries(record) -> list[dict]:
    rows = list(record.history.select_related("history_user").order_by("-history_date", "-history_id")[:200])
    relations = versions.relations_along(rows)  # each version's relations as they were, not only what it changed
    entries = []
    for index, version in enumerate(rows):
        previous = rows[index + 1] if index + 1 < len(rows) else None
        changes = []
        if previous is not None:
            delta = version.diff_against(previous, excluded_fields=["updated_at", "created_at"])
            for change in delta.changes:
                field = record._meta.get_field(change.field)
                changes.append(
                    {
                        "field": field.verbose_name,
                        "old": versions.display_value(field, change.old),
                        "new": versions.display_value(field, change.new),
                    }
                )
            for relation, old, new in versions.changes(relations[index + 1], relations[index], type(record)):
                changes.append({"field": relation.label, **versions.describe_change(relation, old, new)})
        entries.append(
            {
                "version": version,
                "changes": changes,
                "is_current": index == 0,
                "reason": reason_label(version.history_change_reason),
                # A version that only touched the record (a confirmation, a contribution added...)
                # has nothing of its own to restore.
                "restorable": index > 0
                and version.history_type != "-"
                and (bool(changes) or version.history_type == "+"),
                "kind": {"+": _("created"), "~": _("changed"), "-": _("deleted")}[version.history_type],
            }
        )
    return entries


def history(request, record, *, permission: str, change_permission: str, restore_url_name: str, template_context: dict):
    check(request, permission, record)
    entries = history_entries(record)
    for entry in entries:
        entry["restore_url"] = reverse(restore_url_name, args=[record.pk, entry["version"].history_id])
    context = {
        "record": record,
        "entries": entries,
        "not_kept": versions.not_kept(type(record)),
        "relations": ", ".join(str(relation.label) for relation in versions.relations_of(type(record))),
        "can_restore": request.user.has_perm(change_permission, record),
        **template_context,
    }
    return render(request, "actors/history.html", context)


def restore(request, record, history_id: int, *, permission: str):
    """Restore a version, relations included; each relation that would change needs its own permission."""
    check(request, permission, record)
    try:
        plan = versions.restore_plan(record, history_id)
        refused = [
            relation
            for relation in plan.changing
            if relation.permission and not request.user.has_perm(relation.permission, record)
        ]
        if refused:
            raise ValidationError(
                _(
                    "Restoring this version would also change: %(relations)s, which you may not change. Ask someone "
                    "who may change them, or a coordinator, to restore it."
                )
                % {"relations": ", ".join(str(relation.label).lower() for relation in refused)}
            )
        services.record_restore(record=record, history_id=history_id, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        for message in plan.lost:
            messages.warning(request, message)
        if plan.recorded:
            messages.success(request, _("The earlier version was restored as a new version; nothing was erased."))
        else:
            messages.success(
                request,
                _(
                    "The fields of the earlier version were restored as a new version; nothing was erased. That "
                    "version "
                    "did not record its relations (parties, sectors, places...), so they were left as they are."
                ),
            )
    return redirect(record.get_absolute_url())


def confirm(request, record, *, permission: str):
    check(request, permission, record)
    services.record_confirm(record=record, user=request.user)
    messages.success(request, _("Thank you: the record is marked as still accurate today."))
    return redirect(request.POST.get("next") if _safe_next(request) else record.get_absolute_url())


def publish(request, record, *, permission: str):
    check(request, permission, record)
    published = request.POST.get("publish") != "0"
    services.record_publish(record=record, user=request.user, published=published)
    messages.success(
        request,
        _("The record is now public.") if published else _("The record is now a draft, visible to its parties only."),
    )
    return redirect(record.get_absolute_url())


def delete(request, record, *, permission: str, delete_service, success_url: str, template_context: dict):
    check(request, permission, record)
    if request.method == "POST":
        try:
            delete_service(record, request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(record.get_absolute_url())
        messages.success(request, _("Deleted. Its history is kept."))
        return redirect(success_url)
    return render(request, "actors/delete.html", {"record": record, **template_context})


def form_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field when the form has it, else on top."""
    if hasattr(error, "error_dict"):
        for field, field_errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, field_errors)
    else:
        form.add_error(None, error)


def form_text(form) -> str:
    """Every error of ``form`` in one line, for a message shown after a redirect."""
    return " ".join(str(error) for errors in form.errors.values() for error in errors)


def refusal_text(error: ValidationError | TooManyAttempts) -> str:
    """What a refused write tells the person: the service's messages, or how long a limit makes them wait."""
    return error.message if isinstance(error, TooManyAttempts) else " ".join(error.messages)


def act(request, back, action, *, done, form=None, invalid=None, then=None) -> HttpResponse:
    """The body of an action sent by POST (a button, a small form): run ``action``, say how it went, go back.

    With ``form``, a form that does not validate is refused with ``invalid`` (else its own errors) and
    ``action`` is not run; ``action`` takes no argument (it reads the form it closes over). A refusal of
    the service (``ValidationError``, or a limit's ``TooManyAttempts``) becomes an error message and writes
    nothing; else ``done`` (a text, or a function of what ``action`` returned) becomes a success message.
    Then the redirect: to ``back`` (a URL, a record, a URL name), or after a success to ``then(result)``.
    The view says only what differs: its permission check comes first, as always.
    """
    if form is not None and not form.is_valid():
        messages.error(request, invalid or form_text(form))
        return redirect(back)
    try:
        result = action()
    except (ValidationError, TooManyAttempts) as error:
        messages.error(request, refusal_text(error))
        return redirect(back)
    messages.success(request, done(result) if callable(done) else done)
    return redirect(then(result) if then is not None else back)


def form_saved(request, form, save, *, done, then) -> HttpResponse | None:
    """The POST of a page with a form: ``save()`` once the form is valid, then the success message and the
    redirect to ``then`` (a URL, or a function of what ``save`` returned). ``None`` when the page is to be
    shown again: a GET, an invalid form, or a refusal of the service, put on the form (``form_errors``)."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = save()
    except TooManyAttempts as error:
        form.add_error(None, error.message)
        return None
    except ValidationError as error:
        form_errors(form, error)
        return None
    messages.success(request, done)
    return redirect(then(result) if callable(then) else then)


def edit(request, form, record, save) -> tuple[bool, str]:
    """Save the edit form of a record with the version its editor read; (saved?, the version the page carries).

    The page carries the record's version (``versions.version_token``, a hidden ``version`` input) and
    sends it back; ``save(version)`` calls the service, which refuses the save when what it writes
    changed since (``versions.StaleVersion``): the form then says who changed what and keeps the
    editor's input, and carries the current version, so that saving again applies their merge.
    """
    posted = request.method == "POST"
    version = request.POST.get("version", "") if posted else versions.version_token(record)
    if posted and form.is_valid():
        try:
            save(version)
        except versions.StaleVersion as error:
            form.add_error(None, error)
            return False, error.version
        except ValidationError as error:
            form_errors(form, error)
        else:
            return True, version
    return False, version or versions.version_token(record)


class RecordViews:
    """The five views every record type shares, bound to one model.

    ``get(request, pk)`` returns the record the user may see (404 otherwise); permissions are
    ``<app>.<action>_<model>``; URL names ``<app>:<model>_restore``.
    """

    def __init__(self, *, app: str, model: str, get, delete_service, success_url, title):
        self.app, self.model, self.get = app, model, get
        self.delete_service, self.success_url, self.title = delete_service, success_url, title

    def perm(self, action: str) -> str:
        return f"{self.app}.{action}_{self.model}"

    def views(self) -> dict:
        def delete_view(request, pk: int):
            record = self.get(request, pk)
            return delete(
                request,
                record,
                permission=self.perm("delete"),
                delete_service=self.delete_service,
                success_url=self.success_url(record),
                template_context={"title": self.title(record)},
            )

        def confirm_view(request, pk: int):
            return confirm(request, self.get(request, pk), permission=self.perm("confirm"))

        def publish_view(request, pk: int):
            return publish(request, self.get(request, pk), permission=self.perm("publish"))

        def history_view(request, pk: int):
            record = self.get(request, pk)
            return history(
                request,
                record,
                permission=f"{self.app}.view_{self.model}_history",
                change_permission=self.perm("change"),
                restore_url_name=f"{self.app}:{self.model}_restore",
                template_context={"title": self.title(record)},
            )

        def restore_view(request, pk: int, history_id: int):
            return restore(request, self.get(request, pk), history_id, permission=self.perm("change"))

        return {
            "delete": form_methods(guarded(delete_view)),
            "confirm": require_POST(guarded(confirm_view)),
            "publish": require_POST(guarded(publish_view)),
            "history": require_safe(guarded(history_view)),
            "restore": require_POST(guarded(restore_view)),
        }


def record_urls(path_prefix: str, model: str, views: dict) -> list:
    """The URL patterns of ``RecordViews.views()``: ``<path_prefix><pk>/delete/`` named ``<model>_delete``..."""
    from django.urls import path

    routes = {
        "delete": "delete/",
        "confirm": "confirm/",
        "publish": "publish/",
        "history": "history/",
        "restore": "history/<int:history_id>/restore/",
    }
    return [
        path(f"{path_prefix}<int:pk>/{route}", views[action], name=f"{model}_{action}")
        for action, route in routes.items()
    ]


def _safe_next(request) -> bool:
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next")
    return bool(target) and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
