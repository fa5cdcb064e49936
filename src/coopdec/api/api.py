"""The open data API: one NinjaAPI served under /api/v1/, one router per domain.

Documents: /api/v1/openapi.json (OpenAPI 3) and /api/v1/docs (interactive; Swagger UI served from
ninja's own static files, so it works offline).

Conventions every router follows:

- Reads are public (``auth=token_or_public``) and go through the registry's selectors and rules
  (``*_visible_to(user)``, ``user.has_perm(...)``), so drafts and contacts stay with those allowed.
- Writes need a personal token (``auth=token_required``) and call the registry's services.
- Query parameters are a ``StrictQuery`` schema (``coopdec.api.params``): unknown names are
  rejected with 400. Lists are cursor-paginated (``coopdec.api.pagination.paginate``).
- Errors are raised, never returned: ``Http404``, ``PermissionDenied``, Django's
  ``ValidationError`` or ``coopdec.api.errors.ApiError``; ``errors.py`` turns them into one JSON
  shape ``{"error": code, "message": ..., "details": ...}``.

Adding a router from another app (e.g. matching's recommendations): write ``<app>/api.py`` with
``router = Router(tags=["..."])`` and its operations following the conventions above, then add one
line to ``ROUTERS`` below, e.g. ``("organisations", "coopdec.matching.api")`` with an operation
``@router.get("/{int:organisation_id}/recommendations", ...)``. Several routers may share a prefix.
Endpoints without query parameters are decorated with ``@no_query`` (after ``@router.get``).
"""

from importlib import import_module

from ninja import NinjaAPI
from ninja.openapi.docs import Swagger
from ninja.renderers import JSONRenderer

from .auth import throttles, token_or_public
from .errors import register_handlers

# (prefix, module with a ``router``): the order is the order in the documentation.
ROUTERS = [
    ("", "coopdec.api.routers.territories"),
    ("", "coopdec.api.routers.vocabularies"),
    ("organisations", "coopdec.api.routers.actors"),
    ("organisations", "coopdec.matching.api"),
    ("", "coopdec.api.routers.cooperation"),
    ("", "coopdec.api.routers.atlas"),
    ("downloads", "coopdec.api.routers.downloads"),
    ("", "coopdec.declarations.api"),
    ("", "coopdec.funding.api"),
    ("", "coopdec.strategy.api"),
    ("", "coopdec.participation.api"),
    ("", "coopdec.knowledge.api"),
]

DESCRIPTION = """
The open data of coopdec: the register of local and regional governments, their partnerships
and projects, and the reference lists they use.

* **Reading** needs no account. Lists are paginated with an opaque `cursor`: follow `next` until
  it is `null`. Unknown query parameters are refused (400) rather than ignored.
* **Writing** (create, update and delete organisations, partnerships and projects; add, change and
  remove the parties of a partnership and the participating organisations of a project) needs a
  personal token:
  create one on your account page (`/account/tokens/`) and send `Authorization: Bearer <token>`.
  You may write what you may write on the web site, nothing more.
* **No silent overwrite**: an update (`PATCH`) of an organisation, a partnership or a project may send
  back the record's `updated_at` it read as `version`. If a field it sends changed since, the answer
  is 409 `stale_version`, nothing is written, and `details` says who changed what (`changes`: each
  field with its old and new value) and the current `version`: apply your change on top and send it
  again. Without `version` the update applies whatever happened since (last writer wins).
* **Limits**: anonymous clients are rate-limited per address; authenticated clients get a higher
  limit, per token. Over the limit you get 429 with `Retry-After` (at most one window).
* **Errors** are JSON: `{"error": code, "message": text, "details": ...}`.
* **Downloads** of any atlas search as CSV, XLSX or GeoJSON under `/api/v1/downloads/`.
* **Aid declarations** under `/api/v1/aid/`: campaigns and national totals are public; a declaration
  is read and changed with a token by its organisation; every change sends the `revision` it read
  (409 if someone saved in between).
* **Citizen participation** under `/api/v1/participation/`: spaces, their proposals (hidden ones left
  out; an author named only as they chose) and aggregate statistics, never personal data.
"""


class UTF8JSONRenderer(JSONRenderer):
    """JSON in UTF-8 as it is ("Saint-Étienne", not "Saint-\\u00c9tienne"): smaller on slow links."""

    json_dumps_params = {"ensure_ascii": False}


class CoopdecAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs):
        """Reads take a token optionally: say so (``security: [{}, {BearerToken: []}]``)."""
        schema = super().get_openapi_schema(**kwargs)
        optional = type(token_or_public).__name__
        schema.get("components", {}).get("securitySchemes", {}).pop(optional, None)
        for operations in schema["paths"].values():
            for operation in operations.values():
                if operation.get("security") == [{optional: []}]:
                    operation["security"] = [{}, {"BearerToken": []}]
        return schema


api = CoopdecAPI(
    title="coopdec open data API",
    version="1.0",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    docs=Swagger(settings={"persistAuthorization": False}),
    docs_url="/docs",
    openapi_url="/openapi.json",
    auth=token_or_public,
    throttle=throttles(),
    renderer=UTF8JSONRenderer(),
)
register_handlers(api)

for _prefix, _module in ROUTERS:
    api.add_router(_prefix, import_module(_module).router)
