"""Downloads of any atlas search as CSV, XLSX or GeoJSON (``coopdec.interop.exports``), streamed."""

from typing import Literal

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router

from coopdec.interop.exports import FORMATS
from coopdec.interop.exports.rows import COLUMNS, atlas_rows, count

from ..errors import ApiError
from .atlas import AtlasFilters, atlas_query

router = Router(tags=["downloads"])


class DownloadParams(AtlasFilters):
    pass


@router.get(
    "/atlas.{fmt}", summary="Download an atlas search (CSV, XLSX, GeoJSON)",
    openapi_extra={"responses": {200: {"description": "The file", "content": {
        "text/csv": {}, "application/geo+json": {},
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}}}}},
)
def download_atlas(request, fmt: Literal["csv", "xlsx", "geojson"], params: Query[DownloadParams]):
    """Every published record matching the atlas filters, one row (or feature) each, in id order.
    CSV and GeoJSON are streamed as they are read, so even the whole atlas downloads with constant
    memory; XLSX is limited to the 1,048,575 rows a sheet holds. Spreadsheet cells that would run
    as formulas (starting with = + - @) are prefixed with an apostrophe."""
    export = FORMATS[fmt]
    query = atlas_query(request)
    if export.max_rows is not None:
        total = count(query)
        if total > export.max_rows:
            raise ApiError(
                400, "too_many_rows",
                _("This search has %(total)s records, more than a spreadsheet holds (%(max)s): narrow it, or download CSV.")
                % {"total": total, "max": export.max_rows},
            )
    filename = f"coopdec-atlas-{timezone.now():%Y%m%d}"
    return export.response(atlas_rows(query), columns=COLUMNS, filename=filename)
