"""The national totals of a campaign, kept as sums (``CampaignTotal``) that follow each submission.

A submitted declaration is locked, so its amounts only enter the totals when it is submitted and
leave them when it is reopened or deleted: ``add`` runs in the same transaction as those changes,
under a lock of the campaign row, so that two submissions at once cannot lose an addition.
``rebuild`` recomputes a campaign's sums, and each declaration's total, from the lines (after a bulk
load, or to check them).
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.db.models import DecimalField, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from .models import (
    POLICY_MARKERS,
    Campaign,
    CampaignTotal,
    Declaration,
    DeclarationLine,
    DeclarationStatus,
)

Key = tuple[str, str, int]  # dimension, code, significance


def line_keys(line) -> list[Key]:
    """The sums a line counts in (a line object, or a dict of its values)."""
    get = line.get if isinstance(line, dict) else lambda name: getattr(line, name)
    keys: list[Key] = [
        ("total", "", 0),
        ("recipient", f"{get('recipient_type')}:{get('recipient_code') or ''}", 0),
        ("sector", get("sector") or "", 0),
        ("channel", get("channel") or "", 0),
    ]
    for name, code in POLICY_MARKERS.items():
        significance = get(name)
        if significance in (1, 2):
            keys.append(("marker", code, significance))
    return keys


def sums_of(lines) -> dict[Key, Decimal]:
    sums: dict[Key, Decimal] = defaultdict(Decimal)
    for line in lines:
        amount = line["net_amount"] if isinstance(line, dict) else line.net_amount
        for key in line_keys(line):
            sums[key] += amount
    return sums


@transaction.atomic
def add(declaration: Declaration, *, sign: int) -> None:
    """Add (``sign=1``) or take away (``sign=-1``) a declaration's lines in its campaign's sums."""
    Campaign.objects.select_for_update().filter(pk=declaration.campaign_id).exists()  # one submission at a time
    for (dimension, code, significance), amount in sums_of(declaration.lines.all()).items():
        delta = amount * sign
        updated = CampaignTotal.objects.filter(
            campaign_id=declaration.campaign_id, dimension=dimension, code=code, significance=significance
        ).update(amount=F("amount") + delta)
        if not updated and sign > 0:
            CampaignTotal.objects.create(
                campaign_id=declaration.campaign_id,
                dimension=dimension,
                code=code,
                significance=significance,
                amount=delta,
            )


@transaction.atomic
def rebuild(campaign: Campaign) -> int:
    """Recompute a campaign's sums from the lines of its submitted declarations; returns the rows written."""
    Campaign.objects.select_for_update().filter(pk=campaign.pk).exists()
    lines = DeclarationLine.objects.filter(
        declaration__campaign=campaign, declaration__status=DeclarationStatus.SUBMITTED
    )
    grouped = (
        lines.values("recipient_type", "recipient_code", "sector", "channel")
        .annotate(
            amount=Sum("net_amount"),
            **{
                f"{name}_{level}": Sum("net_amount", filter=Q(**{name: level}))
                for name in POLICY_MARKERS
                for level in (1, 2)
            },
        )
        .order_by()
    )
    sums: dict[Key, Decimal] = defaultdict(Decimal)
    for row in grouped:
        for key in line_keys({**row, **dict.fromkeys(POLICY_MARKERS)}):
            sums[key] += row["amount"]
        for name, code in POLICY_MARKERS.items():
            for level in (1, 2):
                if row[f"{name}_{level}"]:
                    sums[("marker", code, level)] += row[f"{name}_{level}"]
    Declaration.objects.filter(campaign=campaign).update(
        total=Coalesce(
            Subquery(
                DeclarationLine.objects.filter(declaration=OuterRef("pk"))
                .order_by()
                .values("declaration")
                .annotate(total=Sum("net_amount"))
                .values("total")
            ),
            Value(Decimal(0)),
            output_field=DecimalField(),
        )
    )
    CampaignTotal.objects.filter(campaign=campaign).delete()
    CampaignTotal.objects.bulk_create(
        [
            CampaignTotal(campaign=campaign, dimension=dimension, code=code, significance=significance, amount=amount)
            for (dimension, code, significance), amount in sums.items()
        ],
        batch_size=1000,
    )
    return len(sums)
