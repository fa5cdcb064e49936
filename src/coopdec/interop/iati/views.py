"""Public IATI files of an organisation, streamed (never built whole in memory)."""

from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from coopdec.actors.models import Organisation

from . import rules  # noqa: F401  (registers the permission)
from .exporter import activities_xml, organisation_xml

CONTENT_TYPE = "application/xml; charset=utf-8"


def _organisation(request, pk: int) -> Organisation:
    organisation = get_object_or_404(Organisation, pk=pk)
    if not request.user.has_perm("interop.view_iati_files", organisation):
        raise Http404
    return organisation


def _stream(chunks, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(chunks, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
def organisation_activities(request, pk: int):
    organisation = _organisation(request, pk)
    return _stream(activities_xml(organisation), f"organisation-{organisation.pk}-activities.xml")


@require_safe
def organisation_file(request, pk: int):
    organisation = _organisation(request, pk)
    return _stream(organisation_xml(organisation), f"organisation-{organisation.pk}-organisation.xml")
