"""Cursor (keyset) pagination with a stable order.

A page is ``{"next": url-or-null, "results": [...]}``. The order always ends with the primary key,
so it is total and stable; the cursor is the URL-safe base64 of the last row's ordering values
(opaque to clients). Fetching the next page is an indexed range scan (``WHERE key > last``), as
fast on page 10,000 as on page 1, and rows added meanwhile never shift or repeat what follows.
"""

import base64
import binascii
import json
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.utils.translation import gettext_lazy
from ninja.responses import NinjaJSONEncoder

from .errors import ApiError

INVALID_CURSOR = gettext_lazy("The cursor is not valid; use the `next` link of a previous page as is.")


def _fields(ordering: tuple[str, ...]) -> list[tuple[str, bool]]:
    return [(key.lstrip("-"), key.startswith("-")) for key in ordering]


def encode_cursor(values: list) -> str:
    raw = json.dumps(values, separators=(",", ":"), ensure_ascii=True).encode("ascii")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_cursor(cursor: str, ordering: tuple[str, ...]) -> list:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        values = None
    if (
        not isinstance(values, list)
        or len(values) != len(ordering)
        or not all(isinstance(v, int | float | str) and not isinstance(v, bool) for v in values)
    ):
        raise ApiError(400, "invalid_cursor", str(INVALID_CURSOR))
    return values


def after(ordering: tuple[str, ...], values: list) -> Q:
    """Rows strictly after ``values`` in ``ordering``: (a > x) or (a = x and b > y) or ..."""
    condition = Q()
    equal = Q()
    for (field, descending), value in zip(_fields(ordering), values, strict=True):
        lookup = "lt" if descending else "gt"
        condition |= equal & Q(**{f"{field}__{lookup}": value})
        equal &= Q(**{field: value})
    return condition


def _value(row, field: str):
    if isinstance(row, dict):
        return row[field]
    value = row
    for part in field.split("__"):
        value = getattr(value, part)
    return value


def next_url(request, cursor: str) -> str:
    params = request.GET.copy()
    params["cursor"] = cursor
    return request.build_absolute_uri(request.path) + "?" + urlencode(list(params.lists()), doseq=True)


def paginate(request, queryset, *, ordering: tuple[str, ...], cursor: str | None, limit: int, serialize, load=None):
    """One page of ``queryset`` in ``ordering`` (which must end with a unique key).

    ``load(rows)``, if given, reads what the rows carry in a few queries for the whole page before
    ``serialize`` turns each row into a dict; it may return new rows to serialise instead (e.g.
    records built from ``values()``).
    """
    queryset = queryset.order_by(*ordering)
    if cursor:
        try:
            queryset = queryset.filter(after(ordering, decode_cursor(cursor, ordering)))
        except (ValueError, TypeError, ValidationError):  # a value of the wrong type for its column
            raise ApiError(400, "invalid_cursor", str(INVALID_CURSOR)) from None
    rows = list(queryset[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    if load is not None and rows:
        rows = load(rows) or rows
    following = None
    if more:
        following = next_url(request, encode_cursor([_value(rows[-1], field) for field, _desc in _fields(ordering)]))
    return {"next": following, "results": [serialize(row) for row in rows]}


def page_response(page: dict) -> HttpResponse:
    """A page as JSON, encoded as ninja encodes responses but without validating it again against
    the response schema: the ``serialize`` functions build exactly the documented shape (the
    contract tests check each list against its schema), and a second pass of pydantic over 50
    nested records cost as much CPU as reading them from the database."""
    return HttpResponse(
        json.dumps(page, cls=NinjaJSONEncoder, ensure_ascii=False), content_type="application/json; charset=utf-8"
    )
