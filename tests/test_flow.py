"""The refresh flow end to end on a real Prefect API (temporary local server)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from extractors import EXTRACTOR_VERSION
from flows.refresh import refresh
from tests.conftest import SHIPPED, write_registry

pytestmark = pytest.mark.engine


def test_flow_records_the_corpus_then_reports_no_change(
    prefect_api: str, corpus: Path, tmp_path: Path
) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    store = tmp_path / "store"
    state = refresh(offline=True, store=str(store), registry=str(corpus), return_state=True)
    assert state.is_completed()
    first = state.result()
    assert [o["outcome"] for o in first] == ["new"] * SHIPPED
    assert len(list((store / "latest").glob("*.json"))) == SHIPPED

    with get_client(sync_client=True) as client:
        flow_run = client.read_flow_run(state.state_details.flow_run_id)
        task_runs = client.read_task_runs(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run.id]))
        )
    assert sorted(t.name for t in task_runs if t.name.startswith("refresh ")) == sorted(
        f"refresh {o['source_id']}" for o in first
    ), "one task per document"

    # the run's change sets as artifacts: a markdown report and a table of the alerts
    with get_client(sync_client=True) as client:
        from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run.id]))
        )
    by_key = {a.key: a for a in artifacts}
    assert by_key["dalil-changes"].type == "markdown"
    assert "figure_changed" in by_key["dalil-changes"].data
    table = json.loads(by_key["dalil-change-table"].data)
    assert {"source": "consonews-amo-cnss", "event": "figure_changed"}.items() <= next(
        row for row in table if row["source"] == "consonews-amo-cnss"
    ).items()

    # one dalil.change.detected event per substantive change, for automations
    events = _events(prefect_api, "dalil.change.detected", expect=4)
    assert {e["payload"]["kind"] for e in events} >= {
        "step_added", "url_changed", "figure_changed", "address_changed"
    }  # fmt: skip
    assert all(e["resource"]["prefect.resource.id"].startswith("dalil.source.") for e in events)

    # the review site is rebuilt at the end of each run; an unchanged store rewrites nothing
    site = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in (store / "report").rglob("*.*")}
    assert store / "report" / "index.html" in site
    assert len([p for p in site if p.parent.name == "consonews-amo-cnss"]) >= 4

    second = refresh(offline=True, store=str(store), registry=str(corpus))
    assert [o["outcome"] for o in second] == ["unchanged"] * SHIPPED
    again = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in (store / "report").rglob("*.*")}
    assert again == site


def _events(api: str, name: str, expect: int, wait: float = 20.0) -> list[dict]:
    """Events of one name from the Prefect API, waiting for the emitter to deliver them."""
    import time

    import httpx

    deadline = time.monotonic() + wait
    while True:
        answer = httpx.post(
            f"{api}/events/filter",
            json={"filter": {"event": {"name": [name]}}, "limit": 50},
            timeout=10,
        )
        answer.raise_for_status()
        events = answer.json()["events"]
        if len(events) >= expect or time.monotonic() > deadline:
            return events
        time.sleep(0.5)


def _live_registry(tmp_path: Path, urls: dict[str, str]) -> Path:
    body = ""
    for source_id, url in urls.items():
        folder = tmp_path / "snapshots" / source_id
        folder.mkdir(parents=True)
        (folder / "2025-09-01.txt").write_text(f"نسخة {source_id} الأولى.\n", encoding="utf-8")
        body += f"""\
  - id: {source_id}
    title: {source_id}
    publisher: CNOPS
    kind: text
    languages: [ar]
    url: {url}
    snapshots:
      - date: 2025-09-01
        path: snapshots/{source_id}/2025-09-01.txt
"""
    return write_registry(tmp_path / "sources.yaml", body)


def test_fetch_is_retried_on_500_and_a_404_source_does_not_stop_the_others(
    prefect_api: str, httpserver: HTTPServer, tmp_path: Path
) -> None:
    calls = iter([Response("busy", status=500), Response("الصفحة بعد الإصلاح.\n")])
    httpserver.expect_request("/flaky").respond_with_handler(lambda _request: next(calls))
    httpserver.expect_request("/gone").respond_with_data("no", status=404)
    registry = _live_registry(
        tmp_path,
        {"flaky-page": httpserver.url_for("/flaky"), "gone-page": httpserver.url_for("/gone")},
    )
    store = tmp_path / "store"
    outcomes = {
        o["source_id"]: o
        for o in refresh(
            store=str(store), registry=str(registry), fetch_retries=2, retry_delay=0.05
        )
    }
    flaky, gone = outcomes["flaky-page"], outcomes["gone-page"]
    assert flaky["outcome"] == "new" and len(flaky["versions"]) == 2
    assert gone["outcome"] == "failed" and "HTTP 404" in gone["error"]
    assert len(gone["versions"]) == 1  # its captured snapshot is still recorded
    gone_requests = [r for r, _ in httpserver.log if r.path == "/gone"]
    assert len(gone_requests) == 1, "a 404 is not retried"
    index = json.loads((store / "index.json").read_text(encoding="utf-8"))
    assert index["sources"]["gone-page"]["status"] == "failing"
    assert index["sources"]["flaky-page"]["status"] == "ok"


@pytest.mark.parametrize("runner", ["processes", "dask"])
def test_the_corpus_on_two_worker_processes_and_on_a_local_dask_cluster(
    prefect_api: str, corpus: Path, tmp_path: Path, runner: str
) -> None:
    from flows.runners import make_task_runner

    store = tmp_path / "store"
    flow = refresh.with_options(task_runner=make_task_runner(runner, workers=2))
    first = flow(offline=True, store=str(store), registry=str(corpus))
    assert [o["outcome"] for o in first] == ["new"] * SHIPPED
    index = json.loads((store / "index.json").read_text(encoding="utf-8"))
    assert all(entry["status"] == "ok" for entry in index["sources"].values())
    second = flow(offline=True, store=str(store), registry=str(corpus))
    assert [o["outcome"] for o in second] == ["unchanged"] * SHIPPED


def _extract_runs(flow_run_id: object, expect: int, wait: float = 30.0) -> list:
    """The flow run's extract task runs, waiting for the server to record ``expect`` of
    them in a final state (it records task runs from events, a little after they end)."""
    import time

    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    deadline = time.monotonic() + wait
    while True:
        with get_client(sync_client=True) as client:
            runs = client.read_task_runs(
                flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id]))
            )
        runs = [r for r in runs if r.name.startswith("extract ")]
        done = [r for r in runs if r.state is not None and r.state.is_final()]
        if len(done) >= expect or time.monotonic() > deadline:
            return runs
        time.sleep(0.5)


def test_extractions_are_cached_by_content_and_extractor_version_in_the_store(
    prefect_api: str, corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    import flows.extraction.cache

    store = tmp_path / "store"
    first = refresh(offline=True, store=str(store), registry=str(corpus), return_state=True)
    snapshots = sum(len(entry["versions"]) for entry in first.result())
    runs = _extract_runs(first.state_details.flow_run_id, snapshots)
    assert len(runs) == snapshots and not any(r.state.name == "Cached" for r in runs)
    cached = sorted(p.name for p in (store / "cache" / "extractions").iterdir())
    assert len(cached) == snapshots  # results persisted in the store's own location
    assert all(name.split("-")[1] == EXTRACTOR_VERSION for name in cached)
    latest = {p.name: p.read_bytes() for p in (store / "latest").iterdir()}

    # the store loses its versions (say, a restore from an old backup): nothing is
    # re-extracted, every extraction comes from the cache, and the outputs are the same
    for folder in ("versions", "latest", "changes", "state"):
        shutil.rmtree(store / folder, ignore_errors=True)
    (store / "index.json").unlink()
    again = refresh(offline=True, store=str(store), registry=str(corpus), return_state=True)
    runs = _extract_runs(again.state_details.flow_run_id, snapshots)
    assert len(runs) == snapshots and all(r.state.name == "Cached" for r in runs)
    assert {p.name: p.read_bytes() for p in (store / "latest").iterdir()} == latest

    # another extractor version is another key: extraction runs again
    monkeypatch.setattr(flows.extraction.cache, "EXTRACTOR_VERSION", "9.9.9")
    for folder in ("versions", "latest", "changes", "state"):
        shutil.rmtree(store / folder, ignore_errors=True)
    (store / "index.json").unlink()
    third = refresh(offline=True, store=str(store), registry=str(corpus), return_state=True)
    runs = _extract_runs(third.state_details.flow_run_id, snapshots)
    assert runs and not any(r.state.name == "Cached" for r in runs)


def test_cache_of_an_object_store_lives_in_that_store(prefect_api: str, corpus: Path) -> None:
    import uuid

    from flows.store import Store

    url = f"memory://dalil-{uuid.uuid4().hex[:8]}"
    only = "map-amo-tadamon-figures"
    outcomes = refresh(offline=True, store=url, registry=str(corpus), sources=[only])
    assert [o["outcome"] for o in outcomes] == ["new"]
    store = Store(url)
    names = store.fs.ls(store.path("cache", "extractions"), detail=False)
    assert len(names) == 1 and EXTRACTOR_VERSION in names[0]
