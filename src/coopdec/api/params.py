"""Query parameters: every query schema rejects parameters it does not know (400, naming the allowed)."""

import functools
from typing import Any

from ninja import Schema
from pydantic import Field, ValidationInfo, model_validator

from .errors import UnknownParameters

MAX_LIMIT = 200
MAX_ID = 9_223_372_036_854_775_807  # record ids are 64-bit
MAX_INT32 = 2_147_483_647  # GeoNames ids
DEFAULT_LIMIT = 50


class StrictQuery(Schema):
    """Base of every endpoint's query parameters: unknown names are an error, not silently ignored.

    Ninja passes only known names to the schema; this validator looks at the raw query string
    (the request comes in the validation context) so that a typo like ``?contry=FR`` fails loudly.
    """

    @model_validator(mode="before")
    @classmethod
    def _reject_unknown(cls, data: Any, info: ValidationInfo) -> Any:
        request = (info.context or {}).get("request")
        if request is not None:
            allowed = cls.allowed_parameters()
            unknown = sorted(key for key in request.GET.keys() if key not in allowed)
            if unknown:
                raise UnknownParameters(unknown, sorted(allowed))
        return data

    @classmethod
    def allowed_parameters(cls) -> set[str]:
        return {field.alias or name for name, field in cls.model_fields.items()}


def no_query(view):
    """Decorate an endpoint that takes no query parameter: any is refused (400)."""

    @functools.wraps(view)
    def checked(request, *args, **kwargs):
        if request.GET:
            raise UnknownParameters(sorted(request.GET.keys()), [])
        return view(request, *args, **kwargs)

    return checked


class PageQuery(StrictQuery):
    cursor: str | None = Field(None, description="Opaque cursor from the `next` link of the previous page.")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Records per page (1 to 200).")
