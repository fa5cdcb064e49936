"""Downloads of any atlas search as CSV, XLSX or GeoJSON (``coopdec.interop.exports``), streamed."""

from typing import Literal

from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router

from coopdec.interop.exports import FORMATS
from coopdec.interop.exports.cache import full_atlas_file
from coopdec.interop.exports.rows import COLUMNS, atlas_rows, count

from ..auth import heavy_throttles
from ..errors import ApiError, error_response
from .atlas import AtlasFilters, atlas_query

BUILD_RETRY_AFTER = 10  # seconds a client is asked to wait while the whole-atlas file is built

router = Router(tags=["downloads"])


class DownloadParams(AtlasFilters):
    pass


@router.get(
    "/atlas.{fmt}",
    summary="Download an atlas search (CSV, XLSX, GeoJSON)",
    openapi_extra={
        "responses": {
            200: {
                "description": "The file",
                "content": {
                    "text/csv": {},
                    "application/geo+json": {},
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {},
                },
            },
            202: {"description": "The whole-atlas file is being built: retry after Retry-After seconds"},
            429: {"description": "Over the download limit (API_RATE_HEAVY): retry after Retry-After seconds"},
        }
    },
    throttle=heavy_throttles(),
)
def download_atlas(request, fmt: Literal["csv", "xlsx", "geojson"], params: Query[DownloadParams]):
    """Every published record matching the atlas filters, one row (or feature) each, in id order.
    CSV and GeoJSON are streamed as they are read, so even the whole atlas downloads with constant
    memory; XLSX is limited to the 1,048,575 rows a sheet holds. Spreadsheet cells that would run
    as formulas (starting with = + - @) are prefixed with an apostrophe. The whole atlas (no filter)
    is built once per change of the atlas by a background task and served from that file: while it
    is being built the answer is 202 with Retry-After. Downloads count against a smaller limit of
    their own (10 a minute by default), on top of the general one."""
    export = FORMATS[fmt]
    query = atlas_query(request)
    if export.max_rows is not None:
        total = count(query)
        if total > export.max_rows:
            raise ApiError(
                400,
                "too_many_rows",
                _(
                    "This search has %(total)s records, more than a spreadsheet holds (%(max)s): narrow it, or "
                    "download CSV."
                )
                % {"total": total, "max": export.max_rows},
            )
    filename = f"coopdec-atlas-{timezone.now():%Y%m%d}"
    if query.is_empty:
        stored = full_atlas_file(fmt)
        if stored is None:
            response = error_response(
                202,
                "building",
                _("The file of the whole atlas is being prepared; ask again in %(seconds)s seconds.")
                % {"seconds": BUILD_RETRY_AFTER},
            )
            response["Retry-After"] = str(BUILD_RETRY_AFTER)
            return response
        media_type = export.media_type + ("; charset=utf-8" if export.media_type.startswith("text/") else "")
        file_response = FileResponse(
            stored.open("rb"), content_type=media_type, as_attachment=True, filename=f"{filename}.{export.extension}"
        )
        file_response["X-Content-Type-Options"] = "nosniff"
        return file_response
    return export.response(atlas_rows(query), columns=COLUMNS, filename=filename)
