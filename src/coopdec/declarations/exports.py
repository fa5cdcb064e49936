"""Aid declarations as files: one declaration, a whole campaign, and the CRS file for the national aggregator.

Column names are stable English keys (documented in docs/aid_declaration.md), whatever the
language of the page; labels (recipient, sector) are in the caller's language. The columns of one
declaration (``LINE_COLUMNS``) are the columns a spreadsheet import reads back (``spreadsheet.py``),
so an exported file can be edited and imported again. Rows are plain dicts made one at a time from
``.iterator()`` queries, and written by the site's download formats (``coopdec.interop.exports``):
CSV streamed, XLSX through a write-only workbook; a cell a spreadsheet would run as a formula
(``=HYPERLINK(...)``) is neutralised with a leading apostrophe.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from django.db.models import QuerySet
from django.http import HttpResponseBase

from coopdec.common.i18n import localize
from coopdec.interop.exports import FORMATS
from coopdec.interop.exports.formats import csv as csv_format
from coopdec.interop.exports.formats import xlsx as xlsx_format
from coopdec.vocabularies.selectors import code_label

from .models import (
    POLICY_MARKERS,
    Campaign,
    Declaration,
    DeclarationLine,
    DeclarationStatus,
    Recipient,
)
from .selectors import recipient_label

MARKER_COLUMNS = list(POLICY_MARKERS)  # marker_gender ... marker_nutrition
# One line of a declaration: the same columns for one declaration, a campaign and the import.
LINE_COLUMNS = [
    "organisation",
    "organisation_iati_identifier",
    "year",
    "recipient_type",
    "recipient_code",
    "recipient_label",
    "sector",
    "sector_label",
    "channel",
    "flow_type",
    "finance_type",
    "aid_type",
    "original_amount",
    "original_currency",
    "exchange_rate",
    "rate_source",
    "amount",
    "cofinancing",
    "cofinancing_deducted",
    "declared_amount",
    *MARKER_COLUMNS,
    "project",
    "project_title",
    "description",
    "status",
]
# The CRS++ reporting fields the national aggregator reads, one row per line.
CRS_MARKERS = {
    "marker_gender": "gender",
    "marker_environment": "environment",
    "marker_biodiversity": "biodiversity",
    "marker_climate_mitigation": "climate_mitigation",
    "marker_climate_adaptation": "climate_adaptation",
    "marker_desertification": "desertification",
    "marker_disability": "disability",
    "marker_nutrition": "nutrition",
}
CRS_COLUMNS = [
    "reporting_year",
    "donor_name",
    "donor_identifier",
    "recipient_code",
    "channel_code",
    "purpose_code",
    "flow_type",
    "finance_type",
    "aid_type",
    "amount",
    "currency",
    *CRS_MARKERS.values(),
    "short_description",
]
CRS_UNALLOCATED = "998"  # CRS recipient "Developing countries, unspecified"
FORMAT_NAMES = ("csv", "xlsx")
CHUNK = 2000


def _lines(queryset: QuerySet[DeclarationLine]) -> Iterator[DeclarationLine]:
    return (
        queryset.select_related("declaration__organisation", "declaration__campaign", "project")
        .order_by("declaration__organisation__name", "declaration_id", "position", "id")
        .iterator(chunk_size=CHUNK)
    )


def deducted_cell(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def line_row(line: DeclarationLine) -> dict:
    declaration = line.declaration
    organisation = declaration.organisation
    row = {
        "organisation": organisation.name,
        "organisation_iati_identifier": organisation.iati_identifier,
        "year": declaration.campaign.year,
        "recipient_type": line.recipient_type,
        "recipient_code": line.recipient_code,
        "recipient_label": recipient_label(line.recipient_type, line.recipient_code),
        "sector": line.sector,
        "sector_label": code_label("Sector", line.sector),
        "channel": line.channel,
        "flow_type": line.flow_type,
        "finance_type": line.finance_type,
        "aid_type": line.aid_type,
        "original_amount": line.original_amount,
        "original_currency": line.original_currency,
        "exchange_rate": line.exchange_rate,
        "rate_source": line.rate_source,
        "amount": line.amount,
        "cofinancing": line.cofinancing,
        "cofinancing_deducted": deducted_cell(line.cofinancing_confirmed),
        "declared_amount": line.net_amount,
        "project": line.project_id,
        "project_title": localize(line.project.title) if line.project else "",
        "description": line.description,
        "status": declaration.status,
    }
    row.update({name: getattr(line, name) for name in MARKER_COLUMNS})
    return row


def declaration_rows(declaration: Declaration) -> Iterator[dict]:
    return (line_row(line) for line in _lines(DeclarationLine.objects.filter(declaration=declaration)))


def campaign_lines(campaign: Campaign, *, everything: bool = False) -> QuerySet[DeclarationLine]:
    """The lines of the campaign's submitted declarations (of every declaration with ``everything``)."""
    lines = DeclarationLine.objects.filter(declaration__campaign=campaign)
    return lines if everything else lines.filter(declaration__status=DeclarationStatus.SUBMITTED)


def campaign_rows(campaign: Campaign, *, everything: bool = False) -> Iterator[dict]:
    return (line_row(line) for line in _lines(campaign_lines(campaign, everything=everything)))


def crs_rows(campaign: Campaign) -> Iterator[dict]:
    """One CRS row per line of the campaign's submitted declarations, amounts in the campaign currency."""
    for line in _lines(campaign_lines(campaign)):
        organisation = line.declaration.organisation
        row = {
            "reporting_year": campaign.year,
            "donor_name": organisation.name,
            "donor_identifier": organisation.iati_identifier,
            "recipient_code": CRS_UNALLOCATED if line.recipient_type == Recipient.UNALLOCATED else line.recipient_code,
            "channel_code": line.channel,
            "purpose_code": line.sector,
            "flow_type": line.flow_type,
            "finance_type": line.finance_type,
            "aid_type": line.aid_type,
            "amount": line.net_amount,
            "currency": campaign.currency,
            "short_description": (localize(line.project.title) if line.project else "") or line.description,
        }
        row.update({column: getattr(line, name) for name, column in CRS_MARKERS.items()})
        yield row


def _filename(campaign: Campaign, suffix: str) -> str:
    return f"aid-declaration-{campaign.country_id}-{campaign.year}-{suffix}".lower()


def declaration_filename(declaration: Declaration) -> str:
    return f"aid-declaration-{declaration.campaign.year}-{declaration.organisation_id}"


def declaration_response(declaration: Declaration, format_name: str) -> HttpResponseBase:
    """A download of one declaration's lines (``format_name``: csv or xlsx)."""
    return FORMATS[format_name].response(
        declaration_rows(declaration), columns=LINE_COLUMNS, filename=declaration_filename(declaration)
    )


def campaign_response(campaign: Campaign, format_name: str, *, everything: bool = False) -> HttpResponseBase:
    """A download of a campaign: ``format_name`` csv or xlsx (every column), or crs / crs-xlsx (the CRS file)."""
    if format_name in ("crs", "crs-xlsx"):
        fmt = FORMATS["xlsx" if format_name == "crs-xlsx" else "csv"]
        return fmt.response(crs_rows(campaign), columns=CRS_COLUMNS, filename=_filename(campaign, "crs"))
    suffix = "all" if everything else "submitted"
    return FORMATS[format_name].response(
        campaign_rows(campaign, everything=everything), columns=LINE_COLUMNS, filename=_filename(campaign, suffix)
    )


def write(rows: Iterable[dict], columns: list[str], path: str | Path, *, format_name: str) -> None:
    """Write ``rows`` to a file (the command line): CSV with a byte-order mark, or XLSX."""
    if format_name == "xlsx":
        with open(path, "wb") as target:
            xlsx_format.write(rows, columns, target)
        return
    with open(path, "w", encoding="utf-8", newline="") as target:
        target.writelines(csv_format.lines(rows, columns))


def write_campaign(campaign: Campaign, path: str | Path, *, format_name: str, everything: bool = False) -> None:
    """``format_name``: csv, xlsx, crs (CSV) or crs-xlsx."""
    if format_name in ("crs", "crs-xlsx"):
        write(crs_rows(campaign), CRS_COLUMNS, path, format_name="xlsx" if format_name == "crs-xlsx" else "csv")
    else:
        write(campaign_rows(campaign, everything=everything), LINE_COLUMNS, path, format_name=format_name)
