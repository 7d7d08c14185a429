"""Benchmark: the review app under 50 concurrent reviewers, on a store of 10,000 events.

A synthetic store (100 sources, each with a change set of 100 substantive events) is
built and its review site written. Two servers run on loopback, each a uvicorn process of
its own: the review app (`dalil web`'s app: session check, page read, decision forms put
in), and, as the baseline, Starlette's static-file server on the same site folder. 50
client threads, each signed in as its own reviewer (sign-ins first, untimed), ask for the
change list (`changes.html`) and change-set pages in turn; the app's change list is its
first page of 100 events (filtered and paged on the server), and its clients also ask for
filtered lists and later pages (`/changes/rows`), which the static site cannot serve.
Reported: p50/p95 latency and errors of each server, and their ratio.

Usage: uv run python benchmarks/bench_web.py [--sources 100] [--events 100] [--requests 20]
"""

from __future__ import annotations

import argparse
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from hashlib import sha256
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractors.extract import extract  # noqa: E402
from extractors.models import Change, ChangeSet  # noqa: E402
from flows.review import build_site  # noqa: E402
from flows.store import Store  # noqa: E402
from flows.web import Users  # noqa: E402

PASSWORD = "benchmark password"
APP_QUERIES = [
    "/changes.html?state=pending",
    "/changes/rows?significance=substantive&offset=100",
    "/changes/rows?from=2025-06-01&offset=200",
]
SERVER = """
import sys, uvicorn
from pathlib import Path
from flows.store import Store
from flows.web import Users, make_app
from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
store = Path(sys.argv[1])
if sys.argv[3] == "app":
    app = make_app(Store(store), Users(store / "users.sqlite"), store / "report",
                   noise_file=store.parent / "noise.jsonl")
else:
    app = Starlette(routes=[Mount("/", StaticFiles(directory=store / "report", html=True))])
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="error")
"""


def build_store(folder: Path, sources: int, events: int) -> Path:
    """A store of ``sources`` sources, each with one change set of ``events`` events."""
    store = Store(folder / "store")
    start = datetime(2025, 9, 1, tzinfo=UTC)
    for n in range(sources):
        source_id = f"source-{n:03d}"
        previous = None
        for day in (0, 30):
            text = f"Source {n}, version {day}.\n\n" + "\n\n".join(
                f"Paragraphe {i} : le taux est de {i + day},00 %." for i in range(events)
            )
            data = text.encode()
            doc = extract(
                data,
                kind="text",
                source_id=source_id,
                fetched_at=start + timedelta(days=day),
                sha256=sha256(data).hexdigest(),
                snapshot=f"snapshots/{source_id}",
            )
            changes = [
                Change(
                    id=f"c{i:05d}",
                    kind="figure_changed",
                    significance="substantive",
                    path=f"blocks/b{i + 2:04d}",
                    before=f"{i},00 %",
                    after=f"{i + day},00 %",
                    summary=f"figure {i} changed",
                )
                for i in range(events if previous else 0)
            ]
            cs = ChangeSet(
                source_id=source_id,
                from_version=previous.version if previous else None,
                to_version=doc.version,
                changes=changes,
            )
            store.publish(doc, cs)
            previous = doc
    store.update_index({})
    build_site(store, folder / "store" / "report")
    users = Users(folder / "store" / "users.sqlite")
    for r in range(50):
        users.add(f"reviewer{r:02d}", "reviewer", PASSWORD)
    return folder / "store"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(store: Path, kind: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(store), str(port), kind], cwd=ROOT
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            httpx.get(f"{base}/assets/site.css", timeout=1)
            return process, base
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError(f"{kind} server did not start")


def reviewer(
    base: str, name: str | None, pages: list[str], requests: int, ready: threading.Barrier
) -> tuple[list, int]:
    """One reviewer's session: sign in (app only), wait for the others, then ``requests``
    page loads (only those are timed)."""
    latencies, errors = [], 0
    with httpx.Client(base_url=base, timeout=30) as client:
        if name:
            token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text).group(1)
            client.post("/login", data={"user": name, "password": PASSWORD, "csrf": token})
        ready.wait()
        for i in range(requests):
            started = time.perf_counter()
            try:
                response = client.get(pages[i % len(pages)])
                ok = response.status_code == 200 and len(response.content) > 1000
            except httpx.HTTPError:
                ok = False
            latencies.append(time.perf_counter() - started)
            errors += not ok
    return latencies, errors


def load(base: str, app: bool, pages: list[str], requests: int) -> dict[str, float]:
    names = [f"reviewer{r:02d}" if app else None for r in range(50)]
    ready = threading.Barrier(50)
    with ThreadPoolExecutor(50) as pool:
        results = list(pool.map(lambda n: reviewer(base, n, pages, requests, ready), names))
    latencies = sorted(x for lat, _ in results for x in lat)
    return {
        "requests": len(latencies),
        "errors": sum(e for _, e in results),
        "p50": statistics.median(latencies) * 1000,
        "p95": latencies[int(0.95 * (len(latencies) - 1))] * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sources", type=int, default=100)
    parser.add_argument("--events", type=int, default=100)
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="dalil-web-bench-"))
    try:
        started = time.perf_counter()
        store = build_store(folder, args.sources, args.events)
        built = time.perf_counter() - started
        listing = (store / "report" / "changes.html").stat().st_size
        sets = sorted((store / "report" / "changes").rglob("*.html"))[:20]
        pages = ["/changes.html", *(f"/{p.relative_to(store / 'report')}" for p in sets)]
        rows = {}
        for kind in ("static", "app"):
            process, base = serve(store, kind)
            try:
                # the app also answers the list's filters and its next pages
                asked = pages + APP_QUERIES if kind == "app" else pages
                rows[kind] = load(base, kind == "app", asked, args.requests)
            finally:
                process.terminate()
                process.wait(10)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    events = args.sources * args.events
    print(
        f"{events:,} events; store and site built in {built:.0f} s; "
        f"changes.html {listing / 1e6:.1f} MB\n"
    )
    print("| server | requests | errors | p50 ms | p95 ms | p95 vs baseline |")
    print("|---|---:|---:|---:|---:|---:|")
    for kind, label in (("static", "static files (baseline)"), ("app", "review app")):
        r = rows[kind]
        print(
            f"| {label} | {r['requests']} | {r['errors']} | {r['p50']:.0f} | {r['p95']:.0f} | "
            f"{r['p95'] / rows['static']['p95']:.2f}× |"
        )


if __name__ == "__main__":
    main()
