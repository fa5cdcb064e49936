"""Copy the front-end files coopdec serves from node_modules into the static folder.

The libraries come from the npm registry through package.json; they are never committed.
"""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE = ROOT / "node_modules"
VENDOR = ROOT / "src" / "coopdec" / "web" / "static" / "vendor"

FILES = {
    "htmx.org/dist/htmx.min.js": "htmx.min.js",
    "leaflet/dist/leaflet.js": "leaflet/leaflet.js",
    "leaflet/dist/leaflet.css": "leaflet/leaflet.css",
    "leaflet/dist/images/marker-icon.png": "leaflet/images/marker-icon.png",
    "leaflet/dist/images/marker-icon-2x.png": "leaflet/images/marker-icon-2x.png",
    "leaflet/dist/images/marker-shadow.png": "leaflet/images/marker-shadow.png",
    "leaflet/dist/images/layers.png": "leaflet/images/layers.png",
    "leaflet/dist/images/layers-2x.png": "leaflet/images/layers-2x.png",
    "leaflet.markercluster/dist/leaflet.markercluster.js": "leaflet/leaflet.markercluster.js",
    "leaflet.markercluster/dist/MarkerCluster.css": "leaflet/MarkerCluster.css",
    "topojson-client/dist/topojson-client.min.js": "topojson-client.min.js",
    "world-atlas/countries-110m.json": "world-atlas/countries-110m.json",
    "world-atlas/countries-50m.json": "world-atlas/countries-50m.json",
}


# Source maps are not shipped: drop the references to them (the manifest storage would fail on them).
SOURCE_MAP = re.compile(rb"\n?[ \t]*(//|/\*)# sourceMappingURL=[^\n]*")


def copy(src: Path, destination: Path) -> None:
    """Write ``destination`` only when its content would change (keeps `make` re-runs quick)."""
    content = src.read_bytes()
    if src.suffix in {".js", ".css"}:
        content = SOURCE_MAP.sub(b"", content)
    if not destination.exists() or destination.read_bytes() != content:
        destination.write_bytes(content)


def main() -> int:
    missing = [name for name in FILES if not (NODE / name).exists()]
    if missing:
        print("Missing front-end files (run `npm ci`): " + ", ".join(missing), file=sys.stderr)
        return 1
    for source, target in FILES.items():
        destination = VENDOR / target
        destination.parent.mkdir(parents=True, exist_ok=True)
        src = NODE / source
        copy(src, destination)
    return 0


if __name__ == "__main__":
    sys.exit(main())
