"""Shared fixtures. Prefect is configured here, before any test imports it."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

_PREFECT_HOME = tempfile.mkdtemp(prefix="dalil-prefect-home-")
os.environ.update(
    {
        "PREFECT_HOME": _PREFECT_HOME,
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
        "PREFECT_LOGGING_TO_API_ENABLED": "false",
        # the loopback test servers of most tests have no robots.txt and serve one test at
        # a time; tests/test_polite.py checks the rules with gates of its own
        "DALIL_FETCH_DELAY": "0",
        "DALIL_OBEY_ROBOTS": "0",
        "DALIL_HOST_COOLDOWN": "0",
    }
)
for _heartbeat in ("PREFECT_RUNNER_HEARTBEAT_FREQUENCY", "PREFECT_FLOWS_HEARTBEAT_FREQUENCY"):
    os.environ.pop(_heartbeat, None)

import pytest  # noqa: E402

if TYPE_CHECKING:
    from tests.miniweb import MiniWeb

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SHARED = ROOT.parent / "shared"
SHIPPED = 8  # sources in corpus/sources.yaml: five seeds, two synthetic PDFs, one synthetic page


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A private copy of the shipped corpus; returns its registry path."""
    shutil.copytree(CORPUS, tmp_path / "corpus")
    return tmp_path / "corpus" / "sources.yaml"


@pytest.fixture(scope="session")
def prefect_api() -> Iterator[str]:
    """A real Prefect API (temporary local server) for the whole session; yields its URL."""
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=180):
        yield PREFECT_API_URL.value()


def write_registry(path: Path, entries: str) -> Path:
    """Write a registry file with the given YAML body under ``sources:``."""
    path.write_text("sources:\n" + entries, encoding="utf-8")
    return path


def make_document(
    text: str | bytes, day: int = 1, source_id: str = "src", languages=(), kind: str = "text"
):
    """Extract a Document from text (or ``kind``) as if captured on 2025-03-<day>."""
    from datetime import UTC, datetime
    from hashlib import sha256

    from extractors.extract import extract

    data = text.encode("utf-8") if isinstance(text, str) else text
    return extract(
        data,
        kind=kind,
        source_id=source_id,
        fetched_at=datetime(2025, 3, day, tzinfo=UTC),
        sha256=sha256(data).hexdigest(),
        snapshot="snapshots/x",
        languages=languages,
    )


@pytest.fixture(scope="session")
def corpus_store_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped corpus refreshed once per session (all histories); copy before changing."""
    from flows.acquire import load_registry
    from flows.pipeline import run_refresh
    from flows.store import Store

    folder = tmp_path_factory.mktemp("corpus-store")
    registry = load_registry(CORPUS / "sources.yaml")
    run_refresh(Store(folder / "store"), registry, registry.sources)
    return folder / "store"


@pytest.fixture
def corpus_store(corpus_store_template: Path, tmp_path: Path) -> Path:
    """A private copy of the refreshed corpus store."""
    shutil.copytree(corpus_store_template, tmp_path / "store")
    return tmp_path / "store"


XSS_SOURCE = "xss-trap"


@pytest.fixture(scope="session")
def review_site(corpus_store_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The review site of the corpus histories plus a source whose two versions are full
    of script, attribute and javascript: URL injections; returns the store (site in
    ``report/``). Read-only: copy it before recording reviews."""
    from flows.acquire import load_registry
    from flows.pipeline import run_refresh
    from flows.review import build_site
    from flows.store import Store

    folder = tmp_path_factory.mktemp("review-site")
    store_dir = folder / "store"
    shutil.copytree(corpus_store_template, store_dir)
    snaps = folder / "snapshots" / XSS_SOURCE
    snaps.mkdir(parents=True)
    for day, name in (("2025-09-01", "v1.html"), ("2025-10-01", "v2.html")):
        shutil.copy(ROOT / "tests" / "fixtures" / "xss" / name, snaps / f"{day}.html")
    registry = write_registry(
        folder / "sources.yaml",
        f"""\
  - id: {XSS_SOURCE}
    title: Piège <script>alert("registry")</script>
    publisher: "x\\" onmouseover=\\"alert('publisher')"
    kind: html
    languages: [fr]
    url: https://example.org/x?a=1&b=<script>
    snapshots:
      - date: 2025-09-01
        path: snapshots/{XSS_SOURCE}/2025-09-01.html
      - date: 2025-10-01
        path: snapshots/{XSS_SOURCE}/2025-10-01.html
""",
    )
    reg = load_registry(registry)
    store = Store(store_dir)
    run_refresh(store, reg, reg.sources)
    build_site(store, store_dir / "report")
    return store_dir


@pytest.fixture
def web() -> Iterator[MiniWeb]:
    """The loopback mini-web (tests/miniweb.py), closed after the test."""
    from tests.miniweb import MiniWeb

    mini = MiniWeb()
    yield mini
    mini.close()
