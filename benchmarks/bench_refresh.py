"""Benchmark: a cold and a warm `dalil refresh --offline` on the shipped corpus.

Baseline: the same work (``flows.pipeline.run_refresh``) called in this process without
Prefect. Every other figure is a ratio against it, all measured in one run:

- cold CLI run: new PREFECT_HOME, empty store (Prefect's temporary server starts);
- warm CLI run: same PREFECT_HOME, full store (a "no change" run);
- Prefect startup: an empty flow in a new process with the same settings;
- the flow alone against an already running API: Prefect's own overhead per document;
- the warm CLI run in a new process against that running API (the scheduled set-up).

Usage: uv run python benchmarks/bench_refresh.py [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DALIL = str(Path(sys.executable).parent / "dalil")
PREFECT_ENV = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
}
EMPTY_FLOW = "from prefect import flow\n@flow\ndef noop():\n    return 1\nnoop()\n"


def timed(cmd: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def baseline(work: Path) -> float:
    from flows.acquire import load_registry
    from flows.pipeline import run_refresh
    from flows.store import Store

    registry = load_registry(ROOT / "corpus" / "sources.yaml")
    store = work / f"baseline-{time.monotonic_ns()}"
    started = time.perf_counter()
    run_refresh(Store(store), registry, registry.sources)
    return time.perf_counter() - started


def flow_on_running_api(work: Path) -> tuple[float, float, float]:
    """With the API already up: the flow on an empty store, then on a full one, then the
    CLI's warm run in a new process pointed at that API."""
    os.environ.update(PREFECT_ENV | {"PREFECT_HOME": str(work / "prefect-inproc")})
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    from flows.refresh import refresh

    with prefect_test_harness(server_startup_timeout=180):
        refresh(offline=True, store=str(work / "warmup"))  # first flow run loads the engine
        store = str(work / "flow-store")
        started = time.perf_counter()
        refresh(offline=True, store=store)
        cold = time.perf_counter() - started
        started = time.perf_counter()
        refresh(offline=True, store=store)
        warm = time.perf_counter() - started
        env = {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value()}
        cli_warm = timed([DALIL, "refresh", "--offline", "--store", store], env)
        return cold, warm, cli_warm


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="dalil-bench-"))
    from flows.acquire import load_registry

    docs = len(load_registry(ROOT / "corpus" / "sources.yaml").sources)
    try:
        base = statistics.median(baseline(work) for _ in range(args.repeat * 3))
        cold, warm, startup = [], [], []
        for i in range(args.repeat):
            env = {**os.environ, **PREFECT_ENV, "PREFECT_HOME": str(work / f"home-{i}")}
            env.pop("PREFECT_API_URL", None)
            store = str(work / f"store-{i}")
            cmd = [DALIL, "refresh", "--offline", "--store", store]
            cold.append(timed(cmd, env))
            warm.append(timed(cmd, env))
            startup.append(timed([sys.executable, "-c", EMPTY_FLOW], env))
        flow_cold, flow_warm, cli_warm_api = flow_on_running_api(work)
        rows = [
            ("in-process pipeline, no Prefect (baseline)", base),
            (
                "`dalil refresh --offline`, cold (new PREFECT_HOME, empty store)",
                statistics.median(cold),
            ),
            ("`dalil refresh --offline`, warm (no change)", statistics.median(warm)),
            ("Prefect startup: empty flow in a new process", statistics.median(startup)),
            ("refresh flow on a running API, empty store", flow_cold),
            ("refresh flow on a running API, no change", flow_warm),
            ("`dalil refresh --offline`, warm, new process, running API", cli_warm_api),
        ]
        print(f"corpus: {docs} documents; median of {args.repeat} CLI runs\n")
        print("| measurement | seconds | ratio to baseline |")
        print("|---|---:|---:|")
        for name, seconds in rows:
            print(f"| {name} | {seconds:.3f} | {seconds / base:.1f}× |")
        overhead = (flow_cold - base) / docs
        print(
            f"\nPrefect overhead per document (flow on a running API minus baseline) / {docs}: "
            f"{overhead:.3f} s"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
