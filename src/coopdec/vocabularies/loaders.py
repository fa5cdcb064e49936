"""Load the IATI codelists (English and French names), the cooperation axes and the standard indicators of data/."""

import json
from pathlib import Path

from django.conf import settings
from lxml import etree

from coopdec.common.reference import LoadResult, checksum, load_dataset

from .models import Axis, CodelistItem, StandardIndicator

LOADER_VERSION = "1"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def codelist_dir() -> Path:
    return settings.REFERENCE_DATA_DIR / "iati" / "codelists"


def axes_file() -> Path:
    return settings.REFERENCE_DATA_DIR / "axes.json"


def standard_indicators_file() -> Path:
    return settings.REFERENCE_DATA_DIR / "standard_indicators.json"


def _narratives(element, default_lang: str) -> dict[str, str]:
    texts: dict[str, str] = {}
    if element is None:
        return texts
    for narrative in element.findall("narrative"):
        lang = narrative.get(XML_LANG, default_lang)
        text = (narrative.text or "").strip()
        if text and lang not in texts:
            texts[lang] = text
    return texts


def parse_codelist(path: Path) -> tuple[str, list[dict]]:
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    root = etree.parse(str(path), parser).getroot()
    name = root.get("name")
    default_lang = root.get(XML_LANG, "en")
    items = []
    for item in root.iter("codelist-item"):
        items.append(
            {
                "code": (item.findtext("code") or "").strip(),
                "names": _narratives(item.find("name"), default_lang),
                "descriptions": _narratives(item.find("description"), default_lang),
                "category": (item.findtext("category") or "").strip(),
                "withdrawn": item.get("status") == "withdrawn",
            }
        )
    return name, items


def load_codelists(*, force: bool = False) -> LoadResult:
    files = sorted(codelist_dir().glob("*.xml"))
    source = checksum(LOADER_VERSION, *files)

    def loader() -> int:
        unique: dict[tuple[str, str], CodelistItem] = {}
        for path in files:
            name, items = parse_codelist(path)
            for item in items:
                # A few lists repeat a code (a withdrawn entry beside its replacement): keep the first.
                if item["code"] and (name, item["code"]) not in unique:
                    unique[name, item["code"]] = CodelistItem(codelist=name, **item)
        rows = list(unique.values())
        CodelistItem.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["codelist", "code"],
            update_fields=["names", "descriptions", "category", "withdrawn"],
            batch_size=1000,
        )
        return len(rows)

    return load_dataset("codelists", source, loader, force=force)


def load_axes(*, force: bool = False) -> LoadResult:
    path = axes_file()
    source = checksum(LOADER_VERSION, path)

    def loader() -> int:
        axes = json.loads(path.read_text(encoding="utf-8"))
        rows = [
            Axis(
                code=axis["code"],
                names=axis["names"],
                descriptions=axis.get("descriptions", {}),
                sector_categories=axis["sector_categories"],
                sectors=axis.get("sectors", []),
                position=position,
            )
            for position, axis in enumerate(axes)
        ]
        Axis.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=["names", "descriptions", "sector_categories", "sectors", "position"],
        )
        return len(rows)

    return load_dataset("axes", source, loader, force=force)


def load_standard_indicators(*, force: bool = False) -> LoadResult:
    """The shared library of standard indicators (after the axes, which they name).

    An indicator dropped from the file stays in the table when a project names it (``PROTECT``): its
    values keep their meaning; the others go.
    """
    path = standard_indicators_file()
    source = checksum(LOADER_VERSION, path)

    def loader() -> int:
        entries = json.loads(path.read_text(encoding="utf-8"))
        rows = [
            StandardIndicator(
                code=entry["code"],
                names=entry["names"],
                descriptions=entry.get("descriptions", {}),
                unit=entry.get("unit", {}),
                measure=entry.get("measure", "1"),
                cumulative=entry.get("cumulative", False),
                sdg_target=entry.get("sdg_target", ""),
                sdg_indicator=entry.get("sdg_indicator", ""),
                axis_id=entry.get("axis") or None,
                position=position,
            )
            for position, entry in enumerate(entries)
        ]
        StandardIndicator.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=[
                "names",
                "descriptions",
                "unit",
                "measure",
                "cumulative",
                "sdg_target",
                "sdg_indicator",
                "axis",
                "position",
            ],
        )
        StandardIndicator.objects.exclude(code__in=[row.code for row in rows]).filter(indicators=None).delete()
        return len(rows)

    return load_dataset("standard_indicators", source, loader, force=force)
