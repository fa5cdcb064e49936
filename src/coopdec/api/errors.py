"""One JSON shape for every API error: ``{"error": code, "message": text, "details": ...}``.

``message`` says what to change; ``details`` (optional) carries the machine-readable part, e.g. the
fields at fault or the allowed query parameters.
"""

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError
from django.db.models import ProtectedError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from coopdec.common.versions import StaleVersion

logger = logging.getLogger("coopdec.api")


class ApiError(Exception):
    """An error with a status, a stable code and a message for the developer."""

    def __init__(self, status: int, code: str, message: str, details=None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = str(message)
        self.details = details


class UnknownParameters(ApiError):
    def __init__(self, unknown: list[str], allowed: list[str]):
        if allowed:
            message = _("Unknown query parameter(s): %(unknown)s. Allowed: %(allowed)s.") % {
                "unknown": ", ".join(unknown),
                "allowed": ", ".join(allowed),
            }
        else:
            message = _("Unknown query parameter(s): %(unknown)s. This endpoint takes no query parameter.") % {
                "unknown": ", ".join(unknown)
            }
        super().__init__(400, "unknown_parameter", message, {"unknown": unknown, "allowed": allowed})


def error_response(status: int, code: str, message: str, details=None, headers=None) -> JsonResponse:
    body = {"error": code, "message": str(message)}
    if details is not None:
        body["details"] = details
    response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _location(loc) -> str:
    parts = [str(part) for part in loc if part not in {"body", "query", "path", "payload", "filters", "params"}]
    return ".".join(parts) or "request"


def validation_details(errors) -> list[dict]:
    return [
        {"field": _location(error.get("loc", ())), "message": str(error.get("msg", "")), "type": error.get("type", "")}
        for error in errors
    ]


def register_handlers(api) -> None:
    """Install the handlers on ``api`` (a NinjaAPI)."""

    @api.exception_handler(ApiError)
    def api_error(request, exc: ApiError):
        return error_response(exc.status, exc.code, exc.message, exc.details)

    @api.exception_handler(NinjaValidationError)
    def invalid(request, exc: NinjaValidationError):
        details = validation_details(exc.errors)
        summary = "; ".join(f"{d['field']}: {d['message']}" for d in details[:5])
        return error_response(
            400, "invalid_request", _("The request is not valid: %(summary)s") % {"summary": summary}, details
        )

    @api.exception_handler(StaleVersion)
    def stale(request, exc: StaleVersion):
        return error_response(
            409,
            "stale_version",
            exc.messages[0],
            {"version": exc.version, "changed_by": exc.who, "changed_at": exc.when.isoformat(), "changes": exc.changes},
        )

    @api.exception_handler(DjangoValidationError)
    def rejected(request, exc: DjangoValidationError):
        if hasattr(exc, "message_dict"):
            details = [
                {"field": field, "message": str(message), "type": "invalid"}
                for field, messages in exc.message_dict.items()
                for message in messages
            ]
        else:
            details = [{"field": "request", "message": str(message), "type": "invalid"} for message in exc.messages]
        summary = "; ".join(
            d["message"] if d["field"] in {"__all__", "request"} else f"{d['field']}: {d['message']}"
            for d in details[:5]
        )
        return error_response(400, "invalid_request", summary, details)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        return error_response(
            401,
            "unauthenticated",
            _(
                "Send a valid personal API token in the header 'Authorization: Bearer <token>'; "
                "create one on your account page (/account/tokens/)."
            ),
            headers={"WWW-Authenticate": 'Bearer realm="coopdec"'},
        )

    @api.exception_handler(PermissionDenied)
    def forbidden(request, exc):
        message = str(exc) or _("You are not allowed to do this with this record.")
        return error_response(403, "forbidden", message)

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return error_response(404, "not_found", _("No such record, or you are not allowed to see it."))

    @api.exception_handler(Throttled)
    def throttled(request, exc: Throttled):
        wait = getattr(exc, "wait", None)
        message = _("Too many requests; slow down and retry later.")
        if wait:
            message = _(
                "Too many requests; retry in %(seconds)d seconds. Authenticated clients get a higher limit."
            ) % {"seconds": max(1, round(wait))}
        return error_response(429, "rate_limited", message)

    @api.exception_handler(ProtectedError)
    def protected(request, exc):
        return error_response(
            409,
            "conflict",
            _("Other records still refer to this one (for example projects it leads); change or remove them first."),
        )

    @api.exception_handler(IntegrityError)
    def integrity(request, exc):
        logger.warning("API integrity error on %s %s: %s", request.method, request.path, exc)
        return error_response(
            409,
            "conflict",
            _(
                "The database refused this change as conflicting with existing records (a value that must be "
                "unique is taken, or other records depend on this one); nothing was written."
            ),
        )

    @api.exception_handler(OverflowError)
    @api.exception_handler(DataError)
    def out_of_range(request, exc):
        # A path id beyond 64 bits (/projects/99999999999999999999) or a value the database refuses.
        return error_response(
            400, "invalid_request", _("A value of the request is out of range (ids are 64-bit integers).")
        )

    @api.exception_handler(RequestDataTooBig)
    def too_large(request, exc):
        return error_response(
            413,
            "too_large",
            _("The request is too large (at most %(size)s MB).")
            % {"size": round(settings.DATA_UPLOAD_MAX_MEMORY_SIZE / (1024 * 1024), 1)},
        )

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        return error_response(exc.status_code, "error", str(exc))

    @api.exception_handler(Exception)
    def server_error(request, exc):
        logger.exception("API error on %s %s", request.method, request.path)
        return error_response(500, "server_error", _("An unexpected error occurred; it has been logged."))
