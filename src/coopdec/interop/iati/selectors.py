"""Reads shared by the IATI export command and the public IATI URLs."""

from django.db.models import Q, QuerySet

from coopdec.actors.models import Organisation
from coopdec.common.models import PublicationStatus
from coopdec.cooperation.models import PartnershipParty, Project, ProjectParticipant
from coopdec.interop.models import IatiActivity


def organisation_by_ref(ref: str) -> Organisation | None:
    """An organisation by its IATI organisation identifier, else by its id."""
    ref = (ref or "").strip()
    if not ref:
        return None
    found = Organisation.objects.filter(iati_identifier=ref).first()
    if found is None and ref.isdigit():
        found = Organisation.objects.filter(pk=int(ref)).first()
    return found


def organisation_projects(organisation: Organisation) -> QuerySet[Project]:
    """Published projects the organisation reports, leads, or takes part in (as participant or party)."""
    return Project.objects.filter(publication_status=PublicationStatus.PUBLISHED).filter(
        Q(lead_organisation=organisation)
        | Q(id__in=IatiActivity.objects.filter(reporting_org=organisation).values("project_id"))
        | Q(id__in=ProjectParticipant.objects.filter(organisation=organisation).values("project_id"))
        | Q(
            partnership__publication_status=PublicationStatus.PUBLISHED,
            partnership_id__in=PartnershipParty.objects.filter(organisation=organisation).values("partnership_id"),
        )
    )
