"""GeoJSON FeatureCollection (RFC 7946), streamed feature by feature; records without
coordinates have a null geometry."""

import json

from django.http import StreamingHttpResponse

from .base import ExportFormat


def _feature(row: dict, keys: list[str]) -> str:
    latitude, longitude = row.get("latitude"), row.get("longitude")
    geometry = None
    if latitude is not None and longitude is not None:
        geometry = {"type": "Point", "coordinates": [round(longitude, 6), round(latitude, 6)]}
    properties = {key: row.get(key) for key in keys if key not in {"latitude", "longitude"}}
    return json.dumps({"type": "Feature", "geometry": geometry, "properties": properties}, ensure_ascii=False)


def chunks(rows, columns):
    yield '{"type": "FeatureCollection", "features": [\n'
    separator = ""
    for row in rows:
        yield separator + _feature(row, columns)
        separator = ",\n"
    yield "\n]}\n"


def build(rows, columns):
    return StreamingHttpResponse(chunks(rows, columns), content_type="application/geo+json")


FORMAT = ExportFormat(
    name="geojson", extension="geojson", media_type="application/geo+json", max_rows=None, build=build
)
