from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _


class ContentSecurityPolicyMiddleware:
    """A strict Content-Security-Policy: no inline scripts or styles, nothing from other origins."""

    def __init__(self, get_response):
        self.get_response = get_response
        img = "'self' data:"
        if settings.MAP_TILE_URL:
            img += " https:"
        self.policy = (
            "default-src 'self'; script-src 'self'; style-src 'self'; "
            f"img-src {img}; font-src 'self'; connect-src 'self'; "
            "frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'"
        )

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith("/admin/") and not request.path.startswith("/api/v1/docs"):
            response.setdefault("Content-Security-Policy", self.policy)
        return response


class BadRequestMiddleware:
    """Refuse, before any view reads them, requests that no view could answer but with a 500:

    - a body larger than the limits (``DATA_UPLOAD_MAX_MEMORY_SIZE`` for forms and JSON,
      ``MAX_UPLOAD_SIZE`` and a margin for file uploads): 413;
    - a NUL character in the query string, which PostgreSQL refuses in any text it is given: 400.

    API callers get the API's JSON error; web visitors a short page. (A body sent without a length
    is still bounded by Django when read: the API answers its ``RequestDataTooBig`` with 413 too.)
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        multipart = request.META.get("CONTENT_TYPE", "").startswith("multipart/form-data")
        limit = (
            settings.MAX_UPLOAD_SIZE + settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            if multipart
            else settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        )
        if length > limit:
            return refuse(
                request,
                413,
                "too_large",
                _("The request is too large (at most %(size)s MB).") % {"size": round(limit / (1024 * 1024), 1)},
            )
        if "%00" in request.META.get("QUERY_STRING", "") or "\x00" in request.META.get("QUERY_STRING", ""):
            return refuse(request, 400, "invalid_request", _("The address holds a NUL character; remove it."))
        return self.get_response(request)


def refuse(request, status: int, code: str, message: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"error": code, "message": message}, status=status)
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
