"""The import contract of coopdec's apps (docs/structure.md): imports go one way, down the layers.

A small walk over the syntax trees of ``src/coopdec`` (no import is executed): every ``import`` and
``from ... import`` counts, at module level or inside a function, ``TYPE_CHECKING`` blocks included.
An app's domain modules (models, services, selectors, rules, tasks...) may import the apps of lower
layers, and the apps of their own layer only where ``ACROSS`` says so and why. Its interface modules
(views, urls, the API router, admin, management commands, template tags, demo data) compose pages and
commands from every app and are free, like ``api`` and ``web``.
"""

import ast
import re
from collections import defaultdict
from graphlib import TopologicalSorter
from pathlib import Path

import coopdec

SOURCE = Path(coopdec.__file__).resolve().parent

# From the bottom up: an app may import the apps of the layers below its own.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("common",),  # env helpers, text, i18n, mail, record history: no domain app
    ("territories", "vocabularies"),  # reference data
    ("actors",),
    ("cooperation",),
    ("atlas", "matching", "interop", "declarations", "funding", "strategy", "knowledge", "participation"),
    ("api", "web"),
)

# Imports allowed between two apps of one layer: (importer, imported) -> why. Keep it acyclic.
ACROSS: dict[tuple[str, str], str] = {
    ("interop", "atlas"): "an import reindexes the records it wrote",
    ("matching", "atlas"): "offers and requests are facets of their organisation's document: a change reindexes it",
    ("knowledge", "atlas"): "good practices are a record type registered with the atlas",
    ("knowledge", "matching"): "similar territories come from the recommender's network",
    ("funding", "declarations"): "a call may require the applicant's aid declaration",
    ("strategy", "declarations"): "the principles scorecard reads the policy markers of declared aid",
    ("declarations", "interop"): "downloads in interop's CSV and XLSX formats; uploads through its spreadsheet reader",
    ("funding", "interop"): "downloads in interop's CSV and XLSX formats",
}

# Modules that compose pages and commands out of every app (paths inside an app).
INTERFACE = re.compile(
    r"(?:^|/)(?:views|\w+_views|urls|api|admin|demo)\.py$|(?:^|/)management/commands/|(?:^|/)templatetags/"
)


def _layer_of() -> dict[str, int]:
    return {app: level for level, apps in enumerate(LAYERS) for app in apps}


def _apps() -> set[str]:
    return {path.name for path in SOURCE.iterdir() if (path / "__init__.py").exists()} - {"locale"}


def _imported_modules(path: Path, module: tuple[str, ...]) -> list[tuple[str, int]]:
    """(absolute module name, line) of every import in the file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: from the module's package upwards
                package = module if path.name == "__init__.py" else module[:-1]
                base = package[: len(package) - node.level + 1]
                name = ".".join(base + ((node.module,) if node.module else ()))
            else:
                name = node.module or ""
            found.append((name, node.lineno))
    return found


def app_imports() -> list[tuple[str, str, str, int, bool]]:
    """(importing app, imported app, file, line, from an interface module) for every import of one app
    by another in ``src/coopdec`` (migrations aside: they name models, not code)."""
    apps = _apps()
    found = []
    for path in sorted(SOURCE.rglob("*.py")):
        relative = path.relative_to(SOURCE)
        if "migrations" in relative.parts or relative.parts[0] not in apps:
            continue
        app = relative.parts[0]
        module = ("coopdec", *relative.with_suffix("").parts)
        inside_app = "/".join(relative.parts[1:])
        for name, line in _imported_modules(path, module):
            parts = name.split(".")
            if parts[0] == "coopdec" and len(parts) > 1 and parts[1] in apps and parts[1] != app:
                found.append((app, parts[1], str(relative), line, bool(INTERFACE.search(inside_app))))
    return found


def test_structure_places_every_app_in_a_layer():
    placed = [app for apps in LAYERS for app in apps]
    assert len(placed) == len(set(placed))
    missing = _apps() - set(placed)
    assert not missing, f"place the new app(s) {sorted(missing)} in LAYERS of tests/test_structure.py"


def test_structure_allowed_imports_within_a_layer_form_no_cycle():
    layer = _layer_of()
    assert [pair for pair in ACROSS if layer[pair[0]] != layer[pair[1]]] == []
    graph: dict[str, set[str]] = defaultdict(set)
    for importer, imported in ACROSS:
        graph[importer].add(imported)
    list(TopologicalSorter(graph).static_order())  # raises CycleError on a cycle


def test_structure_imports_go_down_the_layers():
    layer = _layer_of()
    wrong = [
        f"{path}:{line}: {app} imports {imported}"
        for app, imported, path, line, interface in app_imports()
        if not interface
        and app in layer
        and imported in layer
        and (layer[imported] > layer[app] or (layer[imported] == layer[app] and (app, imported) not in ACROSS))
    ]
    assert wrong == [], (
        "imports against the layering of docs/structure.md (move the shared code below both apps, or add the "
        "pair to ACROSS with its reason):\n" + "\n".join(wrong)
    )


def test_structure_atlas_imports_none_of_the_apps_it_indexes_for():
    above = {"matching", "interop", "declarations", "funding", "strategy", "knowledge", "participation", "api", "web"}
    found = [
        f"{path}:{line} imports {imported}"
        for app, imported, path, line, _i in app_imports()
        if app == "atlas" and imported in above
    ]
    assert found == []


def test_structure_contract_sees_imports_inside_functions(tmp_path):
    module = tmp_path / "services.py"
    module.write_text(
        "from coopdec.cooperation.models import Project\n"
        "from . import selectors\n"
        "from ..actors import models\n"
        "def f():\n"
        "    from coopdec.atlas.index import reindex\n"
        "    import coopdec.matching.selectors\n",
        encoding="utf-8",
    )
    found = _imported_modules(module, ("coopdec", "interop", "services"))
    assert found == [
        ("coopdec.cooperation.models", 1),
        ("coopdec.interop", 2),
        ("coopdec.actors", 3),
        ("coopdec.atlas.index", 5),
        ("coopdec.matching.selectors", 6),
    ]
