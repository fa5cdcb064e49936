"""Probable duplicate organisations, and merging two records into one.

Two records are probable duplicates when they stand for the same place (same locality, or same
subdivision) and are the same kind of body or have similar names (never two local governments of
different kinds: a commune and its inter-municipal body share a place and a name), or when they share a country
and kind and their folded names are nearly identical. The merge moves every link of the dropped
record to the kept one (party links, projects led, participations, contributions, memberships,
contacts, invitations, matching listings... every foreign key to an organisation, found from
the model registry), fills the kept record's empty fields, records the merge in both histories
and keeps the dropped record's identifiers in the kept record's source reference.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from coopdec.common.versions import rename_organisation, save_with_history, versioned_change

from .models import LOCAL_GOVERNMENT_KINDS, Membership, MembershipRole, Organisation
from .selectors import forget_roles

SIMILAR_NAMES = 0.85
SIMILAR_NAMES_SAME_PLACE = 0.6
# Fields copied from the dropped record when the kept one leaves them empty.
FILLED_FIELDS = (
    "acronym",
    "website",
    "iati_identifier",
    "description",
    "languages",
    "logo",
    "locality",
    "subdivision",
    "latitude",
    "longitude",
    "population",
)


@dataclass(frozen=True)
class DuplicatePair:
    keep: Organisation
    drop: Organisation
    score: float
    reason: str


def name_similarity(a: str, b: str) -> float:
    if not a or not b:
        return 0.0
    if a in b or b in a:
        return max(0.9, difflib.SequenceMatcher(None, a, b).ratio())
    return difflib.SequenceMatcher(None, a, b).ratio()


def _pair(a: Organisation, b: Organisation, score: float, reason: str) -> DuplicatePair:
    # The older record is kept: it is the one others have linked to for longer.
    keep, drop = (a, b) if a.pk < b.pk else (b, a)
    return DuplicatePair(keep, drop, round(score, 2), reason)


def find_duplicates(queryset=None) -> list[DuplicatePair]:
    """Probable duplicate organisations, the most certain first."""
    organisations = list(
        (queryset if queryset is not None else Organisation.objects.all()).only(
            "id", "name", "name_folded", "kind", "country_id", "locality_id", "subdivision_id"
        )
    )
    pairs: dict[tuple[int, int], DuplicatePair] = {}

    def add(pair: DuplicatePair) -> None:
        k = (pair.keep.pk, pair.drop.pk)
        if k not in pairs or pairs[k].score < pair.score:
            pairs[k] = pair

    by_place: dict[tuple, list[Organisation]] = defaultdict(list)
    by_kind: dict[tuple, list[Organisation]] = defaultdict(list)
    for organisation in organisations:
        if organisation.locality_id:
            by_place[("locality", organisation.locality_id)].append(organisation)
        elif organisation.subdivision_id:
            by_place[("subdivision", organisation.subdivision_id)].append(organisation)
        else:
            by_kind[(organisation.country_id, organisation.kind)].append(organisation)
    for group in by_place.values():
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                score = name_similarity(a.name_folded, b.name_folded)
                both_local = a.kind in LOCAL_GOVERNMENT_KINDS and b.kind in LOCAL_GOVERNMENT_KINDS
                if both_local and a.kind == b.kind:
                    add(_pair(a, b, max(score, 0.95), _("two local governments of the same kind at the same place")))
                elif both_local:
                    continue  # a commune and its intercommunal body (Poitiers, Grand Poitiers): two governments
                elif score >= SIMILAR_NAMES_SAME_PLACE:
                    add(_pair(a, b, score, _("same place, similar names")))
    for group in by_kind.values():
        group.sort(key=lambda o: o.name_folded)
        for i, a in enumerate(group):
            # Names sorted: similar names sit close together; compare with the next few only.
            for b in group[i + 1 : i + 25]:
                score = name_similarity(a.name_folded, b.name_folded)
                if score >= SIMILAR_NAMES:
                    add(_pair(a, b, score, _("same country and kind, nearly identical names")))
    return sorted(pairs.values(), key=lambda p: (-p.score, p.keep.pk, p.drop.pk))


def _organisation_links():
    """(model, field name) of every foreign key to an organisation, history tables left out."""
    for relation in Organisation._meta.related_objects:
        if relation.many_to_many or not relation.field.concrete:
            continue
        model = relation.related_model
        if model._meta.model_name.startswith("historical"):  # type: ignore[union-attr]  # a model, never "self"
            continue
        yield model, relation.field.name


@transaction.atomic
def organisations_merge(*, keep: Organisation, drop: Organisation, user=None) -> dict[str, int]:
    """Merge ``drop`` into ``keep``: every link moves, both histories stay. Returns moved counts per link."""
    if keep.pk == drop.pk:
        raise ValidationError(_("An organisation cannot be merged with itself."))
    keep = Organisation.objects.select_for_update().get(pk=keep.pk)
    drop = Organisation.objects.select_for_update().get(pk=drop.pk)
    reason = _("merged organisation #%(drop)s (%(name)s) into #%(keep)s") % {
        "drop": drop.pk,
        "name": drop.name,
        "keep": keep.pk,
    }
    moved: dict[str, int] = {}
    # Its latest version learns the contacts it had before the dropped one's join them (``versioned_change``).
    with versioned_change(keep, user=user, reason=reason) as change:
        for model, field in _organisation_links():
            label = f"{model._meta.label_lower}.{field}"
            for record in model.objects.filter(**{field: drop}):
                setattr(record, field, keep)
                try:
                    with transaction.atomic():
                        save_with_history(record, user=user, reason=reason, update_fields=[field])
                    moved[label] = moved.get(label, 0) + 1
                except IntegrityError:
                    # The kept organisation already has this link (a unique constraint): the copy goes,
                    # keeping the higher role for a membership.
                    if isinstance(record, Membership) and record.role == MembershipRole.ADMIN:
                        Membership.objects.filter(user=record.user, organisation=keep).update(role=MembershipRole.ADMIN)
                    setattr(record, field, drop)
                    record.delete()
                    moved[label + " (already linked)"] = moved.get(label + " (already linked)", 0) + 1
        changed = []
        for name in FILLED_FIELDS:
            attname = Organisation._meta.get_field(name).attname  # type: ignore[union-attr]  # concrete fields only
            if not getattr(keep, attname) and getattr(drop, attname):
                setattr(keep, attname, getattr(drop, attname))
                changed.append(name)
        if "iati_identifier" in changed:  # unique: free it on the dropped record first
            Organisation.objects.filter(pk=drop.pk).update(iati_identifier="")
        trace = f"merged:{drop.pk}" + (f":{drop.source}:{drop.source_ref}" if drop.source_ref else "")
        keep.source_ref = "; ".join(p for p in (keep.source_ref, trace) if p)[:255]
        change.save(update_fields=[*changed, "source_ref", "updated_at"])
    rename_organisation(drop.pk, keep.pk)
    if user is not None and getattr(user, "is_authenticated", False):
        drop._history_user = user
    drop._change_reason = reason
    drop.delete()
    forget_roles(user)
    return moved
