"""Serving an uploaded file (a project's, a partnership's or a practice's document).

Uploaded files are never served from /media/: each goes through a view that first checks that the
reader may see what the file belongs to, then calls ``uploaded_file``.
"""

from __future__ import annotations

from django.http import FileResponse, Http404


def uploaded_file(file) -> FileResponse:
    """The stored ``file`` (a ``FieldFile``) as a download that no browser renders in the site's origin;
    404 when there is none or it is no longer stored."""
    if not file:
        raise Http404
    try:
        handle = file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=file.name.rsplit("/", 1)[-1])
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=0"
    return response
