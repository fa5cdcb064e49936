"""Figures shown on the home page."""

from django.db.models import Count, Q

from coopdec.actors.models import Organisation
from coopdec.common.models import PublicationStatus
from coopdec.cooperation.models import Partnership, Project
from coopdec.territories.models import Country, Locality


def home_counts() -> dict[str, int]:
    published = Q(publication_status=PublicationStatus.PUBLISHED)
    organisations = Organisation.objects.filter(published)
    return {
        "organisations": organisations.count(),
        "countries": organisations.aggregate(n=Count("country", distinct=True))["n"],
        "partnerships": Partnership.objects.filter(published).count(),
        "projects": Project.objects.filter(published).count(),
        "localities": Locality.objects.count(),
        "reference_countries": Country.objects.count(),
    }
