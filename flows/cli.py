"""The ``dalil`` command line. Exit codes: 0 ok, 1 some sources failed, 2 usage or configuration."""

from __future__ import annotations

import json
import os
import sys
from datetime import UTC, datetime
from functools import partial
from hashlib import sha256
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from extractors.errors import ExtractionError
from extractors.models import json_schemas
from flows.acquire import DEFAULT_REGISTRY, RegistryError, load_registry
from flows.console import err, fail
from flows.extraction import DEFAULT_TIMEOUT, prestart
from flows.pipeline import needs_work
from flows.reports import extraction_table, outcomes_table, repair_report, sources_table
from flows.review import reviewer_inputs
from flows.settings import apply_prefect_defaults
from flows.store import Store, StoreError, StoreLockedError, default_store_url

app = typer.Typer(
    help="dalil: Moroccan health-insurance procedures as versioned JSON.", no_args_is_help=True
)

StoreOpt = Annotated[
    str | None, typer.Option("--store", help="Store URL (default: $DALIL_STORE or output/).")
]
RegistryOpt = Annotated[Path, typer.Option("--registry", help="Source registry file.")]


def _write_json(text: str) -> None:
    sys.stdout.buffer.write(text.encode("utf-8") + b"\n")
    sys.stdout.flush()


@app.command()
def refresh(
    source: Annotated[
        list[str] | None, typer.Option("--source", help="Only this source id (repeatable).")
    ] = None,
    kind: Annotated[
        list[str] | None, typer.Option("--kind", help="Only sources of this kind (repeatable).")
    ] = None,
    schedule: Annotated[
        list[str] | None,
        typer.Option("--schedule", help="Only the daily or the weekly sources (repeatable)."),
    ] = None,
    offline: Annotated[
        bool, typer.Option("--offline", help="Use captured snapshots only; no live fetch.")
    ] = False,
    store: StoreOpt = None,
    registry: RegistryOpt = DEFAULT_REGISTRY,
    workers: Annotated[
        int | None,
        typer.Option("--workers", min=1, help="Documents in parallel (processes when > 1)."),
    ] = None,
    task_runner: Annotated[
        str | None,
        typer.Option("--task-runner", help="threads, processes or dask (default: threads)."),
    ] = None,
    dask_address: Annotated[
        str | None, typer.Option("--dask-address", help="A running Dask scheduler, tcp://…")
    ] = None,
    doc_timeout: Annotated[
        float, typer.Option("--doc-timeout", min=0, help="Seconds per document (0: no limit).")
    ] = DEFAULT_TIMEOUT,
) -> None:
    """Acquire new snapshots, extract, compare with the previous version and publish."""
    kind_of_runner = task_runner or ("dask" if dask_address else None)
    kind_of_runner = kind_of_runner or ("processes" if workers and workers > 1 else "threads")
    if kind_of_runner not in ("threads", "processes", "dask"):
        raise fail(f"--task-runner must be threads, processes or dask, not {task_runner!r}")
    try:
        st = Store(store or default_store_url())
        reg = load_registry(registry)
        if not offline:
            from flows.discovery import with_discovered

            reg = with_discovered(st, reg)
        chosen = reg.select(source, kind, schedule)
        entries = st.index()["sources"]
    except (RegistryError, StoreError) as exc:
        raise fail(str(exc)) from None
    if doc_timeout and any(
        needs_work(entries.get(s.id), reg, s, offline, reviewer_inputs(st, s.id)) for s in chosen
    ):
        prestart()  # the extraction processes load their models while Prefect starts
    apply_prefect_defaults()
    from flows.refresh import refresh as refresh_flow
    from flows.runners import make_task_runner

    runner = make_task_runner(kind_of_runner, workers, dask_address)  # type: ignore[arg-type]
    try:
        outcomes = refresh_flow.with_options(task_runner=runner)(
            sources=source,
            kinds=kind,
            schedules=schedule,
            offline=offline,
            store=store,
            registry=str(registry),
            doc_timeout=doc_timeout,
        )
    except StoreLockedError as exc:
        raise fail(str(exc), 1) from None
    except StoreError as exc:
        raise fail(str(exc)) from None
    Console(width=None if sys.stdout.isatty() else 120).print(outcomes_table(outcomes))
    failed = [o for o in outcomes if o["outcome"] == "failed"]
    for o in failed:
        err.print(f"[red]failed[/] {o['error']}", highlight=False)
    raise typer.Exit(1 if failed else 0)


def _inputs(paths: list[Path]) -> list[tuple[Path, str, str]]:
    """Each input file with the name of its JSON output and how the summary shows it; a
    folder gives its files (hidden ones aside), named by their path inside it."""
    found: list[tuple[Path, str, str]] = []
    for path in paths:
        if path.is_dir():
            for file in sorted(p for p in path.rglob("*") if p.is_file()):
                rel = file.relative_to(path)
                if not any(part.startswith(".") for part in rel.parts):
                    name = "__".join(rel.with_suffix("").parts)
                    found.append((file, name, f"{path.name}/{rel.as_posix()}"))
        else:
            found.append((path, path.stem, path.name))
    return found


def _extract_file(path: Path, kind: str | None, source_id: str, timeout: float):
    """One file's Document, in a time-limited worker; raises ExtractionError or OSError."""
    from flows.extraction import extract_file, run_isolated

    data = path.read_bytes()
    job = partial(
        extract_file,
        kind=kind,
        source_id=source_id,
        fetched_at=datetime.fromtimestamp(path.stat().st_mtime, UTC),
        sha256=sha256(data).hexdigest(),
        snapshot=str(path),
    )
    return run_isolated(job, (data,), source_id, timeout)


@app.command("extract")
def extract_cmd(
    paths: Annotated[
        list[Path], typer.Argument(help="Snapshot files (HTML, PDF or text) or folders.")
    ],
    out: Annotated[
        Path | None, typer.Option("--out", help="Write one <name>.json per input here.")
    ] = None,
    kind: Annotated[
        str | None, typer.Option("--kind", help="html, pdf or text (default: sniffed).")
    ] = None,
    source_id: Annotated[
        str | None, typer.Option("--source-id", help="Source id to record (one input).")
    ] = None,
    timeout: Annotated[
        float, typer.Option("--timeout", min=0, help="Seconds allowed per file (0: no limit).")
    ] = DEFAULT_TIMEOUT,
    jobs: Annotated[
        int,
        typer.Option("--jobs", "-j", min=0, help="Files extracted at once (0: one per core)."),
    ] = 0,
) -> None:
    """Extract Documents. One file without --out: its Document JSON on standard output
    (UTF-8). Otherwise one JSON per input in --out, a progress bar and a summary table; a
    file that fails is reported and the others go on (exit code 1)."""
    if kind not in (None, "html", "pdf", "text"):
        raise fail(f"--kind must be html, pdf or text, not {kind!r}")
    inputs = _inputs(paths)
    if len(inputs) == 1:
        from flows.extraction import lazy_models

        lazy_models()  # one file: its worker loads only the models it needs
    elif inputs and timeout:
        prestart()  # the fork server loads every model once, for every worker
    if not inputs:
        raise fail("no input files")
    if out is None and (len(inputs) > 1 or paths[0].is_dir()):
        raise fail("several inputs need --out DIR")
    if source_id and len(inputs) > 1:
        raise fail("--source-id names one input only")
    if out is None:
        path = inputs[0][0]
        try:
            doc = _extract_file(path, kind, source_id or path.stem, timeout)
        except OSError as exc:
            raise fail(f"{path}: {exc.strerror or exc}") from None
        except ExtractionError as exc:
            raise fail(str(exc), 1) from None
        _write_json(doc.model_dump_json(indent=2))
        return
    # without a time limit files are extracted in this process, one at a time
    jobs = (jobs or os.cpu_count() or 1) if timeout else 1
    _extract_batch(inputs, out, kind, source_id, timeout, jobs)


def _extract_row(
    path: Path, name: str, shown: str, out: Path, kind: str | None, source_id: str, timeout: float
) -> dict[str, str]:
    """Extract one file of a batch into ``out/<name>.json``: its row of the summary table."""
    row = {"file": shown, "kind": "—", "blocks": "—", "damage": "—", "ocr": "—"}
    try:
        doc = _extract_file(path, kind, source_id, timeout)
    except OSError as exc:
        return row | {"error": f"{path}: {exc.strerror or exc}"}
    except ExtractionError as exc:
        return row | {"error": str(exc)}
    target = out / f"{name}.json"
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_text(doc.model_dump_json(indent=2), encoding="utf-8")
    tmp.replace(target)  # never a half-written Document
    q = doc.quality
    return row | {
        "kind": doc.source.kind,
        "blocks": str(q.blocks),
        "damage": f"{q.damaged_tokens}/{q.tokens}",
        "ocr": ",".join(map(str, q.ocr_pages)) or "no",
        "error": "",
    }


def _extract_batch(
    inputs: list[tuple[Path, str, str]],
    out: Path,
    kind: str | None,
    source_id: str | None,
    timeout: float,
    jobs: int,
) -> None:
    """Extract every input, ``jobs`` files at a time (each in its own worker process)."""
    from concurrent.futures import ThreadPoolExecutor, as_completed

    from rich.progress import Progress

    out.mkdir(parents=True, exist_ok=True)
    rows: list[dict[str, str]] = [{} for _ in inputs]
    with Progress(console=err, transient=True) as progress, ThreadPoolExecutor(jobs) as pool:
        task = progress.add_task("extracting", total=len(inputs))
        running = {
            pool.submit(_extract_row, path, name, shown, out, kind, source_id or name, timeout): i
            for i, (path, name, shown) in enumerate(inputs)
        }
        for done in as_completed(running):
            rows[running[done]] = done.result()
            progress.advance(task)
    Console(width=None if sys.stdout.isatty() else 160).print(extraction_table(rows))
    failed = sum(1 for r in rows if r["error"])
    err.print(f"{len(rows) - failed} of {len(rows)} files extracted into {out}", highlight=False)
    raise typer.Exit(1 if failed else 0)


@app.command()
def repair(
    file: Annotated[str, typer.Argument(help="A text file, or - for standard input.")] = "-",
    report: Annotated[
        bool, typer.Option("--report", help="Write a JSON report instead of text.")
    ] = False,
    legacy_font: Annotated[
        bool,
        typer.Option(
            "--legacy-font",
            help="The lines are Arabic set in a legacy font (Latin-1 codes, visual order): "
            "solve the code table and print them decoded (experimental).",
        ),
    ] = False,
) -> None:
    """Repair mis-encoded Arabic: one output line per input line (or a JSON report)."""
    from extractors.arabic import repair_lines, repair_text
    from extractors.normalize import decode_utf8

    try:
        data = sys.stdin.buffer.read() if file == "-" else Path(file).read_bytes()
    except OSError as exc:
        raise fail(f"{file}: {exc.strerror or exc}") from None
    text, warnings = decode_utf8(data)
    for warning in warnings:
        err.print(f"[yellow]warning:[/] {file}: {warning}", highlight=False)
    if legacy_font:
        from extractors.legacy import solve

        lines = [line for line in text.split("\n") if line.strip()]
        if not lines:
            raise fail(f"{file}: no text to decode")
        decoding = solve(lines)
        sys.stdout.buffer.write(("\n".join(decoding.lines) + "\n").encode("utf-8"))
        err.print(
            f"{file}: {len(decoding.mapping)} codes solved; the lexicon knows "
            f"{decoding.known:.0%} of the decoded words (space stand-in {decoding.space!r})",
            highlight=False,
        )
        return
    if not report:
        sys.stdout.buffer.write(repair_text(text).encode("utf-8"))
        sys.stdout.flush()
        return
    results = repair_lines(text.split("\n"))
    _write_json(json.dumps(repair_report(results), ensure_ascii=False, indent=2))


@app.command()
def sources(registry: RegistryOpt = DEFAULT_REGISTRY, store: StoreOpt = None) -> None:
    """List the registry (with the sources discovery added) and each source's last outcome."""
    from flows.discovery import with_discovered

    try:
        st = Store(store or default_store_url())
        reg = with_discovered(st, load_registry(registry))
        index = st.index()
    except (RegistryError, StoreError) as exc:
        raise fail(str(exc)) from None
    Console(width=None if sys.stdout.isatty() else 160).print(sources_table(reg.sources, index))


@app.command()
def schema(
    model: Annotated[str, typer.Argument(help="document, changeset or parity")] = "document",
) -> None:
    """Print the JSON Schema of the Document (default), ChangeSet or ParityGap contract."""
    schemas = json_schemas()
    if model not in schemas:
        raise fail(f"unknown model {model!r}; choose one of {', '.join(schemas)}")
    _write_json(json.dumps(schemas[model], ensure_ascii=False, indent=2))


@app.command("diff")
def diff_cmd(
    old: Annotated[Path, typer.Argument(help="The earlier Document JSON.")],
    new: Annotated[Path, typer.Argument(help="The later Document JSON.")],
) -> None:
    """Print the ChangeSet JSON that takes OLD to NEW."""
    from extractors.changes import diff
    from extractors.models import Document

    docs = []
    for path in (old, new):
        try:
            docs.append(Document.model_validate_json(path.read_bytes()))
        except OSError as exc:
            raise fail(f"{path}: {exc.strerror or exc}") from None
        except ValueError as exc:
            first = str(exc).splitlines()[0]
            raise fail(f"{path}: not a dalil Document: {first}") from None
    _write_json(diff(docs[0], docs[1]).model_dump_json(indent=2))


@app.command()
def reextract(
    source: Annotated[
        list[str] | None, typer.Option("--source", help="Only this source id (repeatable).")
    ] = None,
    store: StoreOpt = None,
    registry: RegistryOpt = DEFAULT_REGISTRY,
) -> None:
    """Rebuild the latest versions made by an older extractor from their stored snapshots,
    as technical upgrades: no alert, and the next real change is diffed against them."""
    from extractors import EXTRACTOR_VERSION
    from flows.pipeline import upgrade_version

    try:
        reg = load_registry(registry)
        chosen = reg.select(source)
        st = Store(store or default_store_url())
        with st.lock():
            for src in chosen:
                latest = st.head(src.id)
                if latest is None:
                    err.print(f"{src.id}: no version yet", highlight=False)
                elif latest.extractor.version == EXTRACTOR_VERSION:
                    err.print(
                        f"{src.id}: already extracted by {EXTRACTOR_VERSION}", highlight=False
                    )
                else:
                    upgraded = upgrade_version(st, src, latest)
                    err.print(
                        f"{src.id}: {latest.version} re-extracted "
                        f"({latest.extractor.version} → {upgraded.extractor.version}), "
                        "technical upgrade, no alert",
                        highlight=False,
                    )
    except StoreLockedError as exc:
        raise fail(str(exc), 1) from None
    except (RegistryError, StoreError) as exc:
        raise fail(str(exc)) from None


@app.command()
def report(
    store: StoreOpt = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Site folder (default: report/ in a local store)."),
    ] = None,
) -> None:
    """Build the review site (static HTML, works offline) from the store."""
    from flows.review import build_site, default_site_dir

    try:
        st = Store(store or default_store_url())
        result = build_site(st, out or default_site_dir(st))
    except (StoreError, OSError) as exc:
        raise fail(str(exc)) from None
    err.print(
        f"review site: {result.out / 'index.html'} ({result.pages} pages, {result.written} "
        f"written, {result.unchanged + result.skipped} unchanged)",
        highlight=False,
    )


@app.command()
def review(
    change_id: Annotated[
        str, typer.Argument(help="SOURCE/VERSION (a change set) or SOURCE/VERSION/EVENT.")
    ],
    confirm: Annotated[bool, typer.Option("--confirm", help="The change is real.")] = False,
    dismiss: Annotated[bool, typer.Option("--dismiss", help="The change is noise.")] = False,
    note: Annotated[str | None, typer.Option("--note", help="Why.")] = None,
    by: Annotated[str | None, typer.Option("--by", help="Who decides (default: $USER).")] = None,
    store: StoreOpt = None,
    noise_file: Annotated[
        Path | None,
        typer.Option("--noise-file", help="Noise-regression file for dismissed events."),
    ] = None,
) -> None:
    """Record a review decision (append-only), then bring the review site up to date."""
    import getpass

    from flows.review import (
        NOISE_FILE,
        ReviewError,
        apply_review,
        build_site,
        default_site_dir,
        parse_target,
    )

    if confirm == dismiss:
        raise fail("say exactly one of --confirm or --dismiss")
    decision = "confirmed" if confirm else "dismissed"
    who = by or getpass.getuser()
    try:
        st = Store(store or default_store_url())
        target = parse_target(change_id)
        with st.lock(wait=30):
            applied = apply_review(st, target, decision, who, note, noise_file or NOISE_FILE)
            site = default_site_dir(st)
            if site.exists():
                build_site(st, site)
    except StoreLockedError as exc:
        raise fail(str(exc), 1) from None
    except (ReviewError, StoreError) as exc:
        raise fail(str(exc)) from None
    said = f"{target}: {decision} by {who}"
    if applied.published:
        said += f"; latest/{target.source_id}.json now shows {target.version}"
    if applied.noise_cases:
        said += f"; {applied.noise_cases} event(s) added to the noise-regression file"
    err.print(said, highlight=False)


@app.command()
def changes(
    source: Annotated[
        list[str] | None, typer.Option("--source", help="Only this source id (repeatable).")
    ] = None,
    since: Annotated[
        datetime | None,
        typer.Option("--since", formats=["%Y-%m-%d"], help="Versions captured on or after."),
    ] = None,
    significance: Annotated[
        list[str] | None,
        typer.Option("--significance", help="substantive, editorial or noise (repeatable)."),
    ] = None,
    shape: Annotated[
        bool | None,
        typer.Option(
            "--shape/--no-shape",
            help="Shape Arabic for the terminal (default: on when stdout is a terminal "
            "that does not lay out Arabic itself).",
        ),
    ] = None,
    store: StoreOpt = None,
) -> None:
    """Read the recorded changes in a terminal, newest version last."""
    from flows.reports import change_lines, terminal_shapes_arabic, version_time

    wanted = set(significance or ())
    if wanted - {"substantive", "editorial", "noise"}:
        raise fail("--significance must be substantive, editorial or noise")
    if shape is None:
        shape = sys.stdout.isatty() and not terminal_shapes_arabic()
    try:
        st = Store(store or default_store_url())
        ids = source or st.sources()
        lines: list[str] = []
        for source_id in ids:
            for cs in st.changesets(source_id):
                if since and version_time(cs.to_version) < since.replace(tzinfo=UTC):
                    continue
                kept = [c for c in cs.changes if not wanted or c.significance in wanted]
                lines += change_lines(source_id, cs.model_copy(update={"changes": kept}), shape)
    except StoreError as exc:
        raise fail(str(exc)) from None
    sys.stdout.buffer.write(("\n".join(lines) + "\n" if lines else "").encode("utf-8"))
    sys.stdout.flush()


@app.command()
def catalog(
    rebuild: Annotated[
        bool, typer.Option("--rebuild", help="Build it from the store first (as a refresh does).")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print catalog.json instead.")] = False,
    shape: Annotated[
        bool | None,
        typer.Option("--shape/--no-shape", help="Shape Arabic for the terminal (as `changes`)."),
    ] = None,
    store: StoreOpt = None,
) -> None:
    """The procedure catalog: one row per procedure, with its languages, sources,
    conflicts and last change."""
    from flows.catalog import catalog_table, load_catalog, publish_catalog
    from flows.reports import terminal_shapes_arabic

    if shape is None:
        shape = sys.stdout.isatty() and not terminal_shapes_arabic()
    try:
        st = Store(store or default_store_url())
        if rebuild:
            with st.lock(wait=30):  # not while a refresh or a review writes the store
                found = publish_catalog(st)
        else:
            found = load_catalog(st)
    except StoreError as exc:
        raise fail(str(exc)) from None
    if found is None:
        raise fail(f"store {st.url}: no catalog.json yet: run `dalil refresh` (or --rebuild)")
    if as_json:
        _write_json(found.model_dump_json(indent=2))
        return
    Console(width=max(120, Console().width)).print(catalog_table(found, shape))


@app.command()
def serve(
    prefect_file: Annotated[
        Path, typer.Option("--prefect-file", help="Deployments to serve.")
    ] = Path("prefect.yaml"),
) -> None:
    """Run the deployments of prefect.yaml on their schedules, on this machine, without a worker."""
    apply_prefect_defaults()
    from flows.serve import serve_deployments

    try:
        serve_deployments(prefect_file)
    except (OSError, ValueError) as exc:
        raise fail(f"{prefect_file}: {exc}") from None


def _web_commands() -> None:
    """``dalil users …``, ``dalil web`` (flows/web/commands.py) and ``dalil api``
    (flows/api/commands.py)."""
    from flows.api import api, token
    from flows.web.commands import users_app, web

    users_app.command("token")(token)
    app.add_typer(users_app, name="users")
    app.command("web")(web)
    app.command("api")(api)


_web_commands()

if __name__ == "__main__":
    app()
