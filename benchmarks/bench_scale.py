"""Scale benchmark: refreshes of a synthetic corpus of 1,000 documents (HTML, PDF, text;
Arabic, French, English; ~10% damaged Arabic), each measurement in a new process.

Baseline: the same full refresh in-process without Prefect (``flows.pipeline.run_refresh``).
Measured against it: ``dalil refresh --offline`` (the CLI, called in the measuring
process) on threads (full, no change, 5% changed), its peak
RSS, Prefect's share of the time, and the same full refresh on two worker processes and on
a local Dask cluster of two workers; then a 250-document corpus for memory flatness.
The Prefect API is a temporary local server started once for the whole benchmark.

Usage: uv run python benchmarks/bench_scale.py [--documents 1000] [--small 250]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

CHILD = """
import json, os, resource, sys, threading, time
sys.path.insert(0, {root!r})
mode, registry, store, runner = {mode!r}, {registry!r}, {store!r}, {runner!r}
tree = {{"peak": 0}}

def _tree_rss():
    # memory of this process and all its descendants (fork server, extraction workers)
    parents = {{}}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{{pid}}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(pid)] = int(fields[1])
    family, grew = {{os.getpid()}}, True
    while grew:
        more = {{p for p, parent in parents.items() if parent in family}} - family
        family |= more
        grew = bool(more)
    # PSS: pages shared by the fork server and its workers are counted once, not per process
    total = 0
    for pid in family:
        try:
            with open(f"/proc/{{pid}}/smaps_rollup") as fh:
                total += next(int(l.split()[1]) for l in fh if l.startswith("Pss:")) * 1024
        except (OSError, StopIteration):
            pass
    return total

def _sample():
    while True:
        tree["peak"] = max(tree["peak"], _tree_rss())
        time.sleep(0.25)

threading.Thread(target=_sample, daemon=True).start()
started = time.perf_counter()
if mode == "pipeline":
    from flows.pipeline import run_refresh
    from flows.acquire import load_registry
    from flows.store import Store
    reg = load_registry(registry)
    outcomes = [o.outcome for o in run_refresh(Store(store), reg, reg.sources)]
else:  # what a maintainer runs: the dalil CLI (in this process)
    from flows.cli import app

    def _latest():
        try:
            with open(store + "/index.json") as fh:
                entries = json.load(fh)["sources"]
        except OSError:
            return {{}}
        return {{k: v.get("latest_version") for k, v in entries.items()}}

    before = _latest()
    extra = {{"threads": [], "processes": ["--workers", "{workers}"],
              "dask": ["--task-runner", "dask", "--workers", "{workers}"]}}[runner]
    app(["refresh", "--offline", "--store", store, "--registry", registry, *extra],
        standalone_mode=False)
    after = _latest()
    outcomes = ["new" if after.get(k) != before.get(k) else "unchanged" for k in after]
seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({{"seconds": seconds, "peak_mb": peak / 1024, "children_peak_mb": children / 1024,
                  "tree_peak_mb": tree["peak"] / 2**20,
                  "new": outcomes.count("new"), "unchanged": outcomes.count("unchanged"),
                  "failed": outcomes.count("failed")}}))
"""


def measure(mode: str, registry: Path, store: Path, runner: str = "threads", workers=None) -> dict:
    code = CHILD.format(
        root=str(ROOT),
        mode=mode,
        registry=str(registry),
        store=str(store),
        runner=runner,
        workers=workers,
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=os.environ, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"{mode}/{runner} failed:\n{done.stderr[-3000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"  {mode:8} {runner:9} {result}", flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--small", type=int, default=250)
    parser.add_argument("--settle", type=float, default=30.0)
    parser.add_argument(
        "--threads-only",
        action="store_true",
        help="skip the runner comparison and the small corpus",
    )
    args = parser.parse_args()
    from synthetic_corpus import build, change

    work = Path(tempfile.mkdtemp(prefix="dalil-scale-"))
    os.environ.update(
        {
            "PREFECT_HOME": str(work / "prefect-home"),
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "DO_NOT_TRACK": "1",
            "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
            "PREFECT_LOGGING_LEVEL": "WARNING",
        }
    )
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    started = time.perf_counter()
    big = build(work / "big", args.documents)
    small = build(work / "small", args.small)
    print(f"corpora built in {time.perf_counter() - started:.0f} s", flush=True)
    with prefect_test_harness(server_startup_timeout=180):
        os.environ["PREFECT_API_URL"] = PREFECT_API_URL.value()
        base = measure("pipeline", big, work / "store-baseline")
        full = measure("flow", big, work / "store-threads")
        # the temporary server writes the last run's events and logs for a while after it:
        # let it settle, so that the next run is not timed against that backlog
        time.sleep(args.settle)
        again = measure("flow", big, work / "store-threads")
        changed = change(work / "big", 0.05)
        time.sleep(args.settle)
        partial = measure("flow", big, work / "store-threads")
        if args.threads_only:
            procs = dask = smaller = None
        else:
            shutil.rmtree(work / "big")
            big = build(work / "big", args.documents)  # the same corpus, before the change
            procs = measure("flow", big, work / "store-processes", "processes", 2)
            dask = measure("flow", big, work / "store-dask", "dask", 2)
            smaller = measure("flow", small, work / "store-small")
    n = args.documents
    rows = [
        ("full refresh, in-process, no Prefect (baseline)", base),
        ("full refresh, flow on threads", full),
        ("re-run, nothing changed", again),
        (f"re-run, {changed} documents (5%) changed", partial),
        ("full refresh, flow on 2 worker processes", procs),
        ("full refresh, flow on a local Dask cluster (2 workers)", dask),
        (f"full refresh, flow on threads, {args.small} documents", smaller),
    ]
    print()
    print(f"{n} documents; Prefect API: a temporary local server, started once.")
    print(
        "| measurement | seconds | vs baseline | peak RSS, main process (MB) "
        "| peak PSS, whole process tree (MB) |"
    )
    print("|---|---:|---:|---:|---:|")
    for name, r in rows:
        if r is None:
            continue
        ratio = r["seconds"] / base["seconds"]
        print(
            f"| {name} | {r['seconds']:.1f} | {ratio:.2f}× | {r['peak_mb']:.0f} | "
            f"{r['tree_peak_mb']:.0f} |"
        )
    share = (full["seconds"] - base["seconds"]) / full["seconds"]
    print()
    print(f"no-change re-run: {again['seconds'] / full['seconds']:.1%} of the full run")
    print(f"5% re-run: {partial['seconds'] / full['seconds']:.1%} of the full run")
    print(f"Prefect's share of the full run on threads: {share:.1%}")
    if smaller:
        for what in ("peak_mb", "tree_peak_mb"):
            print(f"{what} {n} vs {args.small} documents: {full[what] / smaller[what]:.2f}×")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
