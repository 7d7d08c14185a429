"""Per-document extraction in worker processes: the hard time limit, crashes, recycling."""

from __future__ import annotations

import os
import re
import signal
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from extractors.errors import ExtractionError
from flows.acquire import load_registry
from flows.extraction import WorkerPool, extract_snapshot, run_isolated, time_limited
from flows.pipeline import refresh_source
from flows.store import Store


def _backtrack() -> object:
    """Catastrophic backtracking inside the C regex engine: no Python-level timeout
    (a signal, a thread timeout) can interrupt it; only killing the process can."""
    return re.match(r"(a+)+$", "a" * 64 + "b")


def _refuse(source_id: str) -> None:
    raise ExtractionError(source_id, "snapshot has no text")


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def _pid() -> int:
    return os.getpid()


def test_a_document_stuck_in_c_code_is_stopped_at_the_limit_and_the_pool_goes_on() -> None:
    run_isolated(_pid, (), "warm-up", 120)  # the fork server loads the models once
    started = time.monotonic()
    with pytest.raises(ExtractionError) as caught:
        run_isolated(_backtrack, (), "stuck-source", 1.0)
    assert time.monotonic() - started < 10
    assert str(caught.value) == (
        "stuck-source: extraction stopped after 1 s (per-document time limit)"
    )
    assert run_isolated(_pid, (), "next-source", 30) != os.getpid()


def test_errors_come_back_named_and_a_killed_worker_is_a_clear_error() -> None:
    with pytest.raises(ExtractionError, match=r"^bad-source: snapshot has no text$"):
        run_isolated(_refuse, ("bad-source",), "bad-source", 60)
    with pytest.raises(ExtractionError, match=r"^dying-source: extraction process died"):
        run_isolated(_die, (), "dying-source", 60)
    with pytest.raises(ExtractionError, match=r"^odd-source: unexpected error: ZeroDivisionError"):
        run_isolated(divmod, (1, 0), "odd-source", 60)


def test_workers_are_replaced_after_their_quota_of_documents() -> None:
    pool = WorkerPool(max_documents=2)
    try:
        pids = [pool.run(_pid, (), "s", 60) for _ in range(4)]
    finally:
        pool.close()
    assert pids[0] == pids[1] and pids[2] == pids[3] and pids[1] != pids[2]
    assert os.getpid() not in pids


def test_isolated_extraction_equals_in_process_extraction(corpus: Path) -> None:
    registry = load_registry(corpus)
    isolated = time_limited(120)
    for source in registry.sources[:5]:
        snap = registry.snapshots(source)[0]
        args = (snap.file.read_bytes(), "a" * 64, source, datetime(2025, 9, 1, tzinfo=UTC), {})
        assert isolated(*args) == extract_snapshot(*args), source.id


def test_refresh_with_a_time_limit_too_short_fails_the_source_cleanly(
    corpus: Path, tmp_path: Path
) -> None:
    registry = load_registry(corpus)
    source = registry.get("cnops-amoe-leaflet")
    store = Store(tmp_path / "store")
    outcome = refresh_source(store, registry, source, extractor=time_limited(0.001))
    assert outcome.outcome == "failed" and not outcome.versions
    assert outcome.error == (
        "cnops-amoe-leaflet: extraction stopped after 0.001 s (per-document time limit)"
    )
    assert store.versions(source.id) == [] and store.state(source.id).status == "failing"
    again = refresh_source(store, registry, source, extractor=time_limited(120))
    assert again.outcome == "new" and store.state(source.id).status == "ok"
