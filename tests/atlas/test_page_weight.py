"""The atlas must stay light on slow, metered connections (issue 7): each HTML page at most 30 KB
compressed, the first visit of the atlas at most 200 KB compressed in total (HTML, CSS, JS, map
shapes and data), static files hashed so that they are cached for a year.

The real production storage is used: collectstatic into a temporary STATIC_ROOT with WhiteNoise's
CompressedManifestStaticFilesStorage, then every file the atlas page references is measured
gzipped, as WhiteNoise serves it.
"""

import gzip
import json
import random
import re

import pytest
from django.core.management import call_command

from coopdec.atlas.selectors import MAP_POINTS

PAGE_LIMIT = 30 * 1024
FIRST_VISIT_LIMIT = 200 * 1024
HASHED = re.compile(r"\.[0-9a-f]{12}\.(js|css|json|svg)$")


def _gzip_size(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9))


@pytest.fixture
def manifest_static(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    return settings.STATIC_ROOT


def _largest_map_data() -> bytes:
    """The map data at its largest: every country coloured and MAP_POINTS local governments."""
    rng = random.Random(7)
    data = {
        "countries": {f"{n:03d}": rng.randint(1, 30000) for n in range(4, 900, 4)},
        "partnerships": 123456,
        "points": [
            [
                rng.randint(1, 999999),
                round(rng.uniform(-50, 70), 4),
                round(rng.uniform(-170, 170), 4),
                rng.randint(0, 40),
            ]
            for _ in range(MAP_POINTS)
        ],
        "points_total": 60000,
        "codes": {f"{n:03d}": "XX" for n in range(4, 900, 4)},
    }
    return json.dumps(data).encode()


def test_atlas_first_visit_stays_under_200_kb_compressed(client, atlas, manifest_static):
    response = client.get("/atlas/")
    html = response.content.decode()
    assert response.status_code == 200

    assets = re.findall(r'(?:href|src|data-shapes-url)="(/static/[^"]+)"', html)
    assert any(path.endswith(".js") for path in assets)
    assert all(HASHED.search(path) for path in assets), assets  # hashed: cached for a year
    sizes = {"html": _gzip_size(response.content)}
    for path in assets:
        sizes[path] = _gzip_size((manifest_static / path.removeprefix("/static/")).read_bytes())
    map_url = re.search(r'data-map-url="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert client.get(map_url).status_code == 200
    sizes["map data (largest)"] = _gzip_size(_largest_map_data())

    assert sizes["html"] <= PAGE_LIMIT
    assert sum(sizes.values()) <= FIRST_VISIT_LIMIT, sizes
    assert any("countries-110m" in path for path in sizes)
    assert any("favicon" in path for path in sizes)  # its own icon: no /favicon.ico 404 on a first visit
    assert not re.search(r'(?:href|src)="https?://', html)  # no CDN, no font service


def test_atlas_pages_html_under_30_kb_compressed(client, atlas, manifest_static):
    for url in ("/atlas/", "/atlas/?q=eau&country=SN&page=1", "/atlas/stats/", "/atlas/stats/?axis=water-sanitation"):
        response = client.get(url)

        assert response.status_code == 200
        assert _gzip_size(response.content) <= PAGE_LIMIT, url


def test_statistics_page_loads_no_map_library(client, atlas, manifest_static):
    html = client.get("/atlas/stats/").content.decode()

    assert "leaflet" not in html
    assert "<svg" in html
