"""Web import of the spreadsheet template (upload, preview with problems per row, confirm), and the
coordinators' page of probable duplicate organisations with their merge."""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from coopdec.actors.duplicates import find_duplicates, organisations_merge
from coopdec.actors.models import Organisation
from coopdec.common.models import PublicationStatus
from coopdec.common.records import check, guarded
from coopdec.common.text import neutralise_formula
from coopdec.cooperation.models import Partnership
from coopdec.interop.models import SpreadsheetImport

from . import rules  # noqa: F401  (registers the permissions)
from .forms import UploadForm
from .jobs import spreadsheet_import_enqueue
from .places import preview_rows
from .reader import ImportFileError
from .services import COLUMNS, spreadsheet_choose, spreadsheet_parse
from .storage import upload_discard, upload_load, upload_replace, upload_store

PREVIEW_ROWS = 100
LINKS_SHOWN = 200
DUPLICATES_SHOWN = 200
EXAMPLE_ROWS = [
    [
        "Ville de Lyon",
        "municipality",
        "Lyon",
        "France",
        "",
        "municipality",
        "Ouagadougou",
        "Burkina Faso",
        "twinning",
        "active",
        "1990",
        "",
    ],
    [
        "Ville de Poitiers",
        "commune",
        "Poitiers",
        "France",
        "",
        "commune",
        "Marburg",
        "Allemagne",
        "jumelage",
        "actif",
        "20/06/2015",
        "",
    ],
    ["Département de la Gironde", "county", "Gironde", "France", "", "", "", "", "", "", "", ""],
    ["Cités Unies France", "ngo", "Paris", "France", "", "", "", "", "", "", "", ""],
]


@require_safe
def import_template(request):
    """The template as CSV, with three example rows to overwrite."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in EXAMPLE_ROWS:
        writer.writerow([neutralise_formula(v) for v in row])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="coopdec-import-template.csv"'
    return response


@guarded
@require_http_methods(["GET", "POST"])
def import_upload(request):
    check(request, "interop.import_spreadsheet")
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            parsed = spreadsheet_parse(upload.read(), filename=upload.name)
        except ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            token = upload_store(parsed=parsed, user=request.user, filename=upload.name)
            return redirect("interop:import_preview", token=token)
    return render(
        request,
        "interop/import_upload.html",
        {
            "form": form,
            "columns": COLUMNS,
            "publishes": request.user.has_perm("interop.publish_import"),
        },
    )


@guarded
@require_http_methods(["GET", "POST"])
def import_preview(request, token: str):
    check(request, "interop.import_spreadsheet")
    stored = upload_load(token=token, user=request.user)
    if stored is None:
        raise Http404
    started = SpreadsheetImport.objects.filter(token=token).first()
    if started is not None:  # confirmed already: its progress, never a second import
        return redirect("interop:import_status", pk=started.pk)
    parsed, filename = stored
    publish = request.user.has_perm("interop.publish_import")
    if request.method == "POST":
        if "cancel" in request.POST:
            upload_discard(token=token)
            messages.info(request, _("Import cancelled; nothing was written."))
            return redirect("interop:import_upload")
        choices = _place_choices(request.POST)
        if choices:  # the places chosen for ambiguous rows: those rows are imported too
            parsed = spreadsheet_choose(parsed, choices)
            upload_replace(token=token, parsed=parsed)
        job = spreadsheet_import_enqueue(token=token, user=request.user, filename=filename, publish=publish)
        return redirect("interop:import_status", pk=job.pk)
    errors = parsed.error_rows
    valid = parsed.valid_rows
    return render(
        request,
        "interop/import_preview.html",
        {
            "filename": filename,
            "token": token,
            "errors": preview_rows(errors[:PREVIEW_ROWS]),
            "error_count": len(errors),
            "valid": preview_rows(valid[:PREVIEW_ROWS]),
            "valid_count": len(valid),
            "shown": PREVIEW_ROWS,
            "publishes": publish,
            "choosing": any(r.candidates for r in errors[:PREVIEW_ROWS]),
        },
    )


def _place_choices(data) -> dict[tuple[int, int], int]:
    """{(line, side): GeoNames id} from the preview's selects ``place-<line>-<side>``."""
    choices = {}
    for name, value in data.items():
        parts = name.split("-")
        if (
            len(parts) == 3
            and parts[0] == "place"
            and parts[1].isdigit()
            and parts[2] in ("1", "2")
            and value.isdigit()
        ):
            choices[(int(parts[1]), int(parts[2]))] = int(value)
    return choices


@guarded
@require_safe
def import_status(request, pk: int):
    """The progress of an import (refreshed while it runs), then what it created and refused."""
    job = SpreadsheetImport.objects.filter(pk=pk).first()
    if job is None:
        raise Http404
    check(request, "interop.view_import", job)
    context: dict[str, object] = {"job": job, "refresh": 2 if not job.finished else None}
    if job.finished:
        context["drafts"] = Organisation.objects.filter(
            pk__in=job.organisation_ids, publication_status=PublicationStatus.DRAFT
        ).order_by("name")[:LINKS_SHOWN]
        context["partnerships"] = Partnership.objects.filter(pk__in=job.partnership_ids).order_by("pk")[:LINKS_SHOWN]
        context["shown"] = LINKS_SHOWN
    return render(request, "interop/import_status.html", context)


@guarded
@require_safe
def duplicates_list(request):
    """Probable duplicate organisations, for coordinators, each with a link to the merge page."""
    check(request, "interop.merge_organisations")
    pairs = find_duplicates()
    return render(
        request,
        "interop/duplicates.html",
        {"pairs": pairs[:DUPLICATES_SHOWN], "count": len(pairs), "shown": DUPLICATES_SHOWN},
    )


@guarded
@require_http_methods(["GET", "POST"])
def duplicates_merge(request, keep: int, drop: int):
    """Confirm, then merge ``drop`` into ``keep``."""
    check(request, "interop.merge_organisations")
    records = Organisation.objects.select_related("country", "locality", "subdivision").in_bulk([keep, drop])
    if keep == drop or keep not in records or drop not in records:
        raise Http404
    if request.method == "POST":
        try:
            organisations_merge(keep=records[keep], drop=records[drop], user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("interop:duplicates")
        messages.success(
            request,
            _("“%(drop)s” was merged into “%(keep)s”; every link now points to it.")
            % {"drop": records[drop].name, "keep": records[keep].name},
        )
        return redirect("interop:duplicates")
    return render(request, "interop/merge.html", {"keep": records[keep], "drop": records[drop]})
