"""The participation panel of partnership, organisation and project pages
(``participation/record_panel.html``): the spaces the reader may see, and for a project the shown
proposals it came from."""

from __future__ import annotations

from django import template
from django.utils import timezone

from coopdec.actors.models import Organisation
from coopdec.cooperation.models import Partnership, PartnershipParty, Project

from .. import selectors
from ..models import Phase, Proposal

register = template.Library()


@register.simple_tag
def participation_panel(record, user) -> dict:
    """{spaces: [(space, phase label)], proposals, kind, can_add} for ``record``'s page: spaces of a
    partnership; an organisation's own spaces and those of its partnerships; the spaces and shown
    proposals a project came from. Only what ``user`` may see; empty when there is nothing to show."""
    visible = selectors.spaces_visible_to(user)
    proposals: list[Proposal] = []
    if isinstance(record, Partnership):
        kind, spaces = "partnership", visible.filter(partnership=record)
    elif isinstance(record, Organisation):
        partnerships = PartnershipParty.objects.filter(organisation=record).values("partnership_id")
        kind = "organisation"
        spaces = visible.filter(organisation=record) | visible.filter(partnership__in=partnerships)
    elif isinstance(record, Project):
        kind = "project"
        proposals = list(
            Proposal.objects.filter(project=record, is_hidden=False, space__in=visible.values("pk"))
            .select_related("space")
            .order_by("pk")
        )
        spaces = visible.filter(pk__in={proposal.space_id for proposal in proposals})
    else:
        return {}
    today = timezone.localdate()
    rows = [(space, Phase(space.phase_on(today)).label) for space in spaces.order_by("-proposals_from", "-id")[:20]]
    can_add = kind != "project" and user.has_perm("participation.add_space", record)
    if not rows and not can_add:
        return {}
    return {"spaces": rows, "proposals": proposals, "kind": kind, "can_add": can_add}
