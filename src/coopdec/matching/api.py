"""API: recommended partners of an organisation (mounted under /api/v1/organisations/)."""

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from pydantic import Field

from coopdec.actors.selectors import organisations_visible_to
from coopdec.api.params import StrictQuery

from .selectors import recommendations_for

router = Router(tags=["matchmaking"])


class RecommendationOut(Schema):
    id: int = Field(description="Organisation id.")
    name: str
    country: str = Field(description="ISO 3166-1 alpha-2 code.")
    geonameid: int | None = Field(description="GeoNames id of its place (null for a regional government).")
    score: float = Field(description="Higher is a better match; comparable within one list only.")
    reasons: list[str] = Field(description="Why it is recommended, in plain words, in the request's language.")


class RecommendationList(Schema):
    results: list[RecommendationOut]


class RecommendationQuery(StrictQuery):
    k: int = Field(10, ge=1, le=50, description="How many partners (1 to 50).")


@router.get(
    "/{int:organisation_id}/recommendations",
    response=RecommendationList,
    summary="Recommended partners of an organisation",
)
def organisation_recommendations(request, organisation_id: int, query: Query[RecommendationQuery]):
    """Local governments it could partner with, best first, each with its reasons; existing
    partners are left out. Learned from the network of the world's partnerships (see
    docs/decisions.md). Send `Accept-Language: fr` (or en, es, pt) for the reasons' language."""
    organisation = get_object_or_404(
        organisations_visible_to(request.user).select_related("country", "locality"),
        pk=organisation_id,
    )
    return {"results": recommendations_for(organisation, k=query.k)}
