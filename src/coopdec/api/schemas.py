"""Shapes shared by several routers."""

from datetime import datetime

from ninja import Schema
from pydantic import Field


class PlaceRef(Schema):
    geonameid: int
    name: str


class OrganisationRef(Schema):
    id: int
    name: str
    kind: str
    country: str


class RecordMeta(Schema):
    publication_status: str = Field(description="published or draft (drafts only reach their editors).")
    is_demo: bool = Field(description="Invented for a demonstration: not real data.")
    source: str
    source_ref: str
    created_at: datetime
    updated_at: datetime
    last_checked_at: datetime = Field(description="The later of the last change and the last confirmation.")


class Versioned(Schema):
    """An update of a record sends back the version it read: no silent overwrite."""

    version: str | None = Field(
        None,
        max_length=40,
        description=(
            "The record's `updated_at` as you read it (GET). If a field you send changed since, the answer is 409 "
            "`stale_version` with what changed in `details`, and nothing is written: read the record again, apply "
            "your change on top, and send it with the new `updated_at`. Left out, the change applies whatever "
            "happened since (last writer wins)."
        ),
    )


def record_meta(record) -> dict:
    return {
        "publication_status": record.publication_status,
        "is_demo": record.is_demo,
        "source": record.source,
        "source_ref": record.source_ref,
        "created_at": record.created_at,
        "updated_at": record.updated_at,
        "last_checked_at": record.last_checked_at,
    }


def organisation_ref(organisation, user) -> dict | None:
    """A short reference to an organisation ``user`` may see; None for a draft they may not (a
    published partnership may have a party whose own record is still a draft)."""
    if organisation is None:
        return None
    if not organisation.is_published and not user.has_perm("actors.view_organisation", organisation):
        return None
    return {
        "id": organisation.pk,
        "name": organisation.name,
        "kind": organisation.kind,
        "country": organisation.country_id,
    }
