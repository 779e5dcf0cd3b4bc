"""The direction of imports (docs/architecture.md, "The layers"): config → newsroom → relations → core.

Checked on the source, not at run time, so that an import inside a function counts too."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# What each package may not import: the layers above it.
FORBIDDEN = {
    "core": ("config", "newsroom", "relations"),
    "relations": ("config", "newsroom"),
    "newsroom": ("config",),
}
PROJECT = {"config", *FORBIDDEN}


def imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module)
            modules.update(f"{node.module}.{alias.name}" for alias in node.names)
    return modules


def sources(*packages: str, migrations: bool = False) -> list[Path]:
    return [
        path
        for package in packages
        for path in sorted((ROOT / package).rglob("*.py"))
        if migrations or "migrations" not in path.parts
    ]


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_a_layer_imports_nothing_above_it(package):
    crossings = [
        f"{path.relative_to(ROOT)} imports {module}"
        for path in sources(package)
        for module in sorted(imported_modules(path))
        if module.split(".")[0] in FORBIDDEN[package]
    ]
    assert crossings == []


def test_only_migrations_import_migrations():
    # A migration is a frozen record: squashing or renaming one must not break the app or its tests.
    crossings = [
        f"{path.relative_to(ROOT)} imports {module}"
        for path in sources("config", "core", "relations", "newsroom", "tests")
        for module in sorted(imported_modules(path))
        if module.split(".")[0] in PROJECT and ".migrations" in module
    ]
    assert crossings == []


def test_the_checks_see_imports_inside_functions(tmp_path):
    module = tmp_path / "late.py"
    module.write_text("def f():\n    from config.api_router import router\n    import newsroom.migrations.x\n")
    assert {"config.api_router", "config.api_router.router", "newsroom.migrations.x"} <= imported_modules(module)
