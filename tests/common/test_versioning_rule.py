"""Versioning cannot be forgotten: the services change records through ``versioned_change`` only.

``keep`` (before a change) and ``remember`` (after it) are ``versioned_change``'s business: no module
calls them by hand, and no service writes a version of a record by hand (``save_with_history(...,
update_fields=["updated_at"])``). In the services of the records that carry relations, every version
written is written inside a ``versioned_change`` block.
"""

import ast
from pathlib import Path

import coopdec

SOURCE = Path(coopdec.__file__).parent
VERSIONS = SOURCE / "common" / "versions.py"
# Services whose records (or what they carry) have versions: every save with history happens in a block.
GUARDED = [
    "actors/services.py",
    "cooperation/services.py",
    "declarations/services.py",
    "common/services.py",
    "strategy/services.py",
    "knowledge/services.py",
]


def _calls(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            yield name, node


def _where(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(SOURCE)}:{node.lineno}"


def test_keep_and_remember_are_called_only_by_versioned_change():
    found = []
    for path in sorted(SOURCE.rglob("*.py")):
        if path == VERSIONS or "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").endswith("versions"):
                found += [_where(path, node) for alias in node.names if alias.name in {"keep", "remember"}]
        found += [
            _where(path, node)
            for name, node in _calls(tree)
            if name in {"keep", "remember"}
            and isinstance(node.func, ast.Attribute)
            and getattr(node.func.value, "id", None) == "versions"
        ]
    assert found == []


def test_no_service_writes_a_version_by_hand():
    found = []
    for path in sorted(SOURCE.glob("*/services.py")):
        for name, node in _calls(ast.parse(path.read_text(encoding="utf-8"))):
            touched = [
                keyword
                for keyword in node.keywords
                if keyword.arg == "update_fields"
                and isinstance(keyword.value, ast.List | ast.Tuple)
                and [getattr(item, "value", None) for item in keyword.value.elts] == ["updated_at"]
            ]
            if name == "save_with_history" and touched:
                found.append(_where(path, node))
    assert found == []


def _inside_versioned_change(tree: ast.AST) -> set[int]:
    """The ids of the nodes inside a ``with versioned_change(...)`` block."""
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.With) and any(
            isinstance(item.context_expr, ast.Call)
            and getattr(item.context_expr.func, "id", getattr(item.context_expr.func, "attr", None))
            == "versioned_change"
            for item in node.items
        ):
            inside |= {id(child) for statement in node.body for child in ast.walk(statement)}
    return inside


def test_guarded_services_save_versions_inside_versioned_change():
    found = []
    for name in GUARDED:
        path = SOURCE / name
        tree = ast.parse(path.read_text(encoding="utf-8"))
        inside = _inside_versioned_change(tree)
        found += [
            _where(path, node) for call, node in _calls(tree) if call == "save_with_history" and id(node) not in inside
        ]
    assert found == []


def test_no_versioned_change_block_is_empty():
    """``with versioned_change(...): pass`` after a change comes too late: the change goes inside the block."""
    found = []
    for path in sorted(SOURCE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.With)
                and any(
                    isinstance(item.context_expr, ast.Call)
                    and getattr(item.context_expr.func, "id", getattr(item.context_expr.func, "attr", None))
                    == "versioned_change"
                    for item in node.items
                )
                and all(isinstance(statement, ast.Pass) for statement in node.body)
            ):
                found.append(_where(path, node))
    assert found == []
