"""The code's layout holds its rules: one folder per stage, small folders, a pure
``extractors/``, and stages that meet only through each other's ``__init__``."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGES = ("extractors", "flows")
STAGES = {
    "extractors.formats",
    "extractors.arabic",
    "extractors.fields",
    "extractors.changes",
    "flows.acquire",
    "flows.extraction",
    "flows.store",
    "flows.reports",
    "flows.review",
    "flows.catalog",
    "flows.api",
    "extractors.catalog",
}
IMPURE = ("prefect", "httpx", "fsspec", "flows")
_LOADED = ("prefect", "fsspec", "flows")


def _modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def _dotted(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> list[str]:
    """Every module a file imports, relative imports resolved."""
    own = _dotted(path)
    package = own if path.name == "__init__.py" else own.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")
            if node.level:
                base = base[: len(base) - node.level + 1]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            found.append(name)
    return found


def _stage(module: str) -> str | None:
    return next((s for s in STAGES if module == s or module.startswith(s + ".")), None)


def test_no_folder_of_product_code_holds_more_than_ten_modules() -> None:
    folders = {p.parent for package in PACKAGES for p in _modules(package)}
    sizes = {str(f.relative_to(ROOT)): len(list(f.glob("*.py"))) for f in folders}
    assert sizes and max(sizes.values()) <= 10, sizes
    assert {f"{s.replace('.', '/')}" for s in STAGES} <= set(sizes)


def test_extractors_import_nothing_from_prefect_httpx_fsspec_or_flows() -> None:
    bad = {
        f"{path.relative_to(ROOT)}: {name}"
        for path in _modules("extractors")
        for name in _imports(path)
        if name.split(".")[0] in IMPURE
    }
    assert not bad


def test_an_extraction_loads_none_of_them_either() -> None:
    """Not only the code as written: a whole extraction, run in a fresh interpreter, loads
    no Prefect, fsspec or flows (httpx is left out here: spaCy's own weasel imports it)."""
    script = (
        "import sys\n"
        "from datetime import UTC, datetime\n"
        "from extractors.extract import extract\n"
        "doc = extract(b'<html><body><h1>AMO</h1><p>Inscription: www.cnss.ma</p></body></html>',"
        " kind='html', source_id='s', fetched_at=datetime.now(UTC), sha256='0' * 64,"
        " snapshot='snapshots/x')\n"
        "assert doc.urls, doc\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {_LOADED!r}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]", out.stdout


@pytest.mark.parametrize("path", [p for pkg in PACKAGES for p in _modules(pkg)], ids=str)
def test_stages_meet_only_through_each_others_init(path: Path) -> None:
    """A module imports another stage's names from that stage's package, never from the
    modules inside it."""
    own = _stage(_dotted(path))
    crossing = [
        name
        for name in _imports(path)
        if (other := _stage(name)) is not None and other != own and name != other
    ]
    assert not crossing, f"{path.relative_to(ROOT)} reaches into {crossing}"


@pytest.mark.parametrize("stage", sorted(STAGES))
def test_each_stage_says_what_goes_in_and_what_comes_out(stage: str) -> None:
    init = ROOT / stage.replace(".", "/") / "__init__.py"
    doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
    assert " in" in doc and " out" in doc, f"{stage}: {doc!r}"
