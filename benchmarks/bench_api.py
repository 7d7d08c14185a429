"""Benchmark: the read API (`dalil api`) at 1,000 procedures under 50 concurrent clients.

A store is made with a catalog of 1,000 procedures: the entries of the shipped corpus's
catalog (a refresh of `corpus/`), copied with new ids, titles, languages and schemes so that
filters pick different subsets. Two servers run on loopback, each a uvicorn process of its
own: the API (token check, filters, cursor pages, ETags), and, as the baseline,
Starlette's static-file server holding the same answers as files (what serving
pre-built JSON files would cost). 50 client threads, each with its own token, ask in
turn for the first page, filtered pages (language, scheme, text query), a next page by
cursor, one procedure, and a conditional request that gets 304 (clients spread over 2
processes by default, so that they wait for the server, not for one interpreter lock).
The baseline clients ask for the same bodies as files. Reported: p50/p95 latency and
errors, and the ratio.

Usage: uv run python benchmarks/bench_api.py [--procedures 1000] [--requests 40]
       [--client-processes 2]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench_web import free_port  # noqa: E402
from extractors.catalog import Catalog  # noqa: E402
from flows.acquire import load_registry  # noqa: E402
from flows.api import Tokens  # noqa: E402
from flows.catalog import load_catalog  # noqa: E402
from flows.pipeline import run_refresh  # noqa: E402
from flows.store import Store  # noqa: E402

CLIENTS = 50
SCHEMES = ["AMO-TADAMON", "AMOE", "AMO-TNS", "AMO-ACHAMIL", "AMO-PENSIONERS"]
LANGS = ["ar", "fr", "en"]
SERVER = """
import sys, uvicorn
from pathlib import Path
from flows.store import Store
from flows.api import Tokens, make_api
from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
store = Path(sys.argv[1])
if sys.argv[3] == "api":
    app = make_api(Store(store), Tokens(store / "users.sqlite"))
else:
    app = Starlette(routes=[Mount("/", StaticFiles(directory=store / "static"))])
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="error")
"""


def build_store(folder: Path, procedures: int) -> Path:
    """A store whose catalog has ``procedures`` entries, grown from the corpus's."""
    store = Store(folder / "store")
    registry = load_registry(ROOT / "corpus" / "sources.yaml")
    run_refresh(store, registry, registry.sources)
    seed = load_catalog(store)
    assert seed is not None and seed.entries
    entries = []
    for n in range(procedures):
        base = seed.entries[n % len(seed.entries)]
        entry = base.model_copy(deep=True)
        entry.id = f"proc-{n:06d}"
        entry.languages = sorted({LANGS[n % 3], *entry.languages})
        entry.schemes = [SCHEMES[n % len(SCHEMES)]]
        for t in entry.titles:
            t.text = f"{t.text} ({n})"
        entries.append(entry)
    catalog = Catalog(generated_at=seed.generated_at, entries=entries)
    store.write_bytes(catalog.model_dump_json().encode(), "catalog.json")
    tokens = Tokens(folder / "store" / "users.sqlite")
    (folder / "tokens.txt").write_text(
        "\n".join(tokens.create(f"app{c:02d}") for c in range(CLIENTS)), encoding="utf-8"
    )
    return folder / "store"


def serve(store: Path, kind: str, probe: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(store), str(port), kind], cwd=ROOT
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            httpx.get(base + probe, timeout=1)
            return process, base
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError(f"{kind} server did not start")


def queries(base: str, token: str) -> list[str]:
    """The API requests a client makes in turn (one with a cursor taken from a first page)."""
    first = httpx.get(
        f"{base}/api/procedures?limit=50", headers={"Authorization": f"Bearer {token}"}
    ).json()
    return [
        "/api/procedures",
        "/api/procedures?lang=fr",
        "/api/procedures?scheme=AMOE&limit=20",
        "/api/procedures?q=rsu",
        f"/api/procedures?limit=50&cursor={first['next']}",
        "/api/procedures/proc-000123",
    ]


def write_static(store: Path, base: str, token: str, paths: list[str]) -> list[str]:
    """The API's answers to ``paths`` as files; returns their static paths."""
    folder = store / "static"
    folder.mkdir()
    out = []
    for n, path in enumerate(paths):
        body = httpx.get(base + path, headers={"Authorization": f"Bearer {token}"}).content
        (folder / f"answer{n}.json").write_bytes(body)
        out.append(f"/answer{n}.json")
    return out


def client(
    base: str, token: str | None, paths: list[str], requests: int, ready: threading.Barrier
) -> tuple[list[float], int]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    latencies, errors = [], 0
    etags: dict[str, str] = {}
    with httpx.Client(base_url=base, timeout=30, headers=headers) as http:
        ready.wait()
        for i in range(requests):
            path = paths[i % len(paths)]
            conditional = i % (len(paths) + 1) == len(paths) and path in etags
            extra = {"If-None-Match": etags[path]} if conditional else {}
            started = time.perf_counter()
            try:
                answer = http.get(path, headers=extra)
                ok = answer.status_code == (304 if conditional else 200)
                if answer.status_code == 200:
                    etags[path] = answer.headers.get("etag", "")
                    ok = ok and len(answer.content) > 100
            except httpx.HTTPError:
                ok = False
            latencies.append(time.perf_counter() - started)
            errors += not ok
    return latencies, errors


def _threads(base: str, tokens: list[str | None], paths: list[str], requests: int) -> list:
    """One client process: a thread per token, started together."""
    ready = threading.Barrier(len(tokens))
    with ThreadPoolExecutor(len(tokens)) as pool:
        return list(pool.map(lambda t: client(base, t, paths, requests, ready), tokens))


def load(
    base: str, tokens: list[str | None], paths: list[str], requests: int, processes: int
) -> dict:
    """The clients, spread over ``processes`` processes (one Python process cannot keep
    50 clients busy: they would wait for its interpreter lock, not for the server)."""
    shares = [tokens[i::processes] for i in range(processes)]
    with ProcessPoolExecutor(processes) as pool:
        parts = pool.map(
            _threads, [base] * processes, shares, [paths] * processes, [requests] * processes
        )
        results = [r for part in parts for r in part]
    latencies = sorted(x for lat, _ in results for x in lat)
    return {
        "requests": len(latencies),
        "errors": sum(e for _, e in results),
        "p50": statistics.median(latencies) * 1000,
        "p95": latencies[int(0.95 * (len(latencies) - 1))] * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--procedures", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--client-processes", type=int, default=2)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="dalil-api-bench-"))
    try:
        store = build_store(folder, args.procedures)
        tokens = (folder / "tokens.txt").read_text(encoding="utf-8").split("\n")
        process, base = serve(store, "api", "/api/openapi.json")
        try:
            paths = queries(base, tokens[0])
            static = write_static(store, base, tokens[0], paths)
            sizes = [(store / "static" / p.lstrip("/")).stat().st_size for p in static]
            rows = {"api": load(base, list(tokens), paths, args.requests, args.client_processes)}
        finally:
            process.terminate()
            process.wait(10)
        process, base = serve(store, "static", static[0])
        try:
            rows["static"] = load(
                base, [None] * CLIENTS, static, args.requests, args.client_processes
            )
        finally:
            process.terminate()
            process.wait(10)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(
        f"{args.procedures} procedures, {CLIENTS} clients x {args.requests} requests "
        f"({args.client_processes} client processes); "
        f"answers {min(sizes) // 1000}-{max(sizes) // 1000} kB"
    )
    print("| server | p50 | p95 | errors |")
    print("|---|---:|---:|---:|")
    for name, row in rows.items():
        print(f"| {name} | {row['p50']:.0f} ms | {row['p95']:.0f} ms | {row['errors']} |")
    ratio = rows["api"]["p95"] / rows["static"]["p95"]
    print(f"\napi p95 / static p95: {ratio:.2f}x")


if __name__ == "__main__":
    main()
