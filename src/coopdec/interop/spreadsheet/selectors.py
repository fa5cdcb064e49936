"""Reads of the web imports."""

from coopdec.interop.models import SpreadsheetImport

IMPORTS_LISTED = 20


def imports_of(user) -> list[SpreadsheetImport]:
    """The user's latest web imports, newest first: each links to its result and its drafts."""
    return list(SpreadsheetImport.objects.filter(user=user).order_by("-created_at", "-pk")[:IMPORTS_LISTED])
