"""The Prefect refresh flow: one task per source document, then the store's index."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.futures import as_completed
from prefect.tasks import exponential_backoff

from flows.acquire import DEFAULT_REGISTRY, FetchError, Registry, Source, fetch, load_registry
from flows.discovery import run_discovery, with_discovered
from flows.extraction import DEFAULT_TIMEOUT, cached_extractor, prestart, result_storage
from flows.pipeline import Outcome, finish_run, needs_work, refresh_source
from flows.reports import as_text, changeset_markdown, outcomes_table, table_rows
from flows.review import reviewer_inputs
from flows.runners import make_task_runner
from flows.store import Store, default_store_url


def _retryable(_task: Any, _run: Any, state: Any) -> bool:
    """Retry a fetch only when the error says trying again may help."""
    try:
        exc = state.result(raise_on_failure=False)
    except Exception:
        return False
    return isinstance(exc, FetchError) and exc.retryable


fetch_task = task(
    fetch,
    name="fetch",
    retries=3,
    retry_delay_seconds=exponential_backoff(backoff_factor=2),
    retry_condition_fn=_retryable,
)


# NO_CACHE: a refresh must run each time, and hashing its inputs per task costs time and
# memory that grow with the corpus
@task(name="refresh-source", task_run_name="refresh {source.id}", cache_policy=NO_CACHE)
def refresh_source_task(
    store_url: str,
    registry: Registry,
    source: Source,
    offline: bool,
    fetch_retries: int,
    retry_delay: float,
    doc_timeout: float | None = DEFAULT_TIMEOUT,
) -> Outcome:
    """Acquire, extract, compare and publish one source (a whole document per task)."""
    fetcher = fetch_task.with_options(
        retries=fetch_retries, retry_delay_seconds=exponential_backoff(backoff_factor=retry_delay)
    )
    store = Store(store_url)
    extractor = cached_extractor(store, doc_timeout)
    return refresh_source(
        store, registry, source, offline=offline, fetcher=fetcher, extractor=extractor
    )


@flow(name="dalil-refresh", task_runner=make_task_runner("threads"))
def refresh(
    sources: list[str] | None = None,
    kinds: list[str] | None = None,
    offline: bool = False,
    store: str | None = None,
    registry: str = str(DEFAULT_REGISTRY),
    fetch_retries: int = 3,
    retry_delay: float = 2.0,
    doc_timeout: float | None = DEFAULT_TIMEOUT,
    report: bool = True,
    schedules: list[str] | None = None,
    users: str | None = None,
) -> list[dict[str, Any]]:
    """Refresh the selected sources (all by default; ``schedules`` keeps the daily or the
    weekly ones) into the store; return the summary.
    With ``report``, the review site (``dalil report``) is brought up to date at the end.
    Then subscribers (in ``users``, default ``<store>/users.sqlite``) are notified of the
    run's substantive changes and new parity gaps; that step never fails the run.

    Each document is extracted in a worker process stopped after ``doc_timeout`` seconds
    (None or 0: in the task's own process, no limit).

    Raises RegistryError, StoreError or StoreLockedError before doing any work when the
    configuration is bad or another refresh holds the store.
    """
    logger = get_run_logger()
    st = Store(store or default_store_url())
    reg = load_registry(registry)
    reg = reg if offline else with_discovered(st, reg)  # documents earlier runs found
    chosen = reg.select(sources, kinds, schedules)
    outcomes: list[Outcome] = []
    with st.lock():
        entries = st.index()["sources"]
        pending = [
            s
            for s in chosen
            if needs_work(entries.get(s.id), reg, s, offline, reviewer_inputs(st, s.id))
        ]
        if pending and doc_timeout:
            prestart()  # the extraction processes' models load during the repair scan
        result_storage(st, save=True)
        if removed := st.repair():
            logger.warning("repaired the store: removed %d partial file(s)", len(removed))
        outcomes += [Outcome(s.id, "unchanged", skipped=True) for s in chosen if s not in pending]
        if len(pending) < len(chosen):
            logger.info("%d source(s) unchanged since their latest version", len(outcomes))
        futures = {
            # each task gets the registry of its own source only: its inputs stay small
            refresh_source_task.submit(
                st.url, reg.only(s), s, offline, fetch_retries, retry_delay, doc_timeout
            ): s
            for s in pending
        }
        for done, future in enumerate(as_completed(list(futures)), start=1):
            outcome = _outcome(future, futures[future])
            outcomes.append(outcome)
            logger.info("[%d/%d] %s: %s", done, len(pending), outcome.source_id, outcome.label)
        found = [] if offline else run_discovery(st, reg, fetch)
        for event in found:
            logger.info("discovery: %s %s", event["type"], event.get("url") or event["source"])
        finish_run(st, reg, chosen, outcomes, found)
        _artifacts(st, outcomes, {s.id: s.title for s in chosen})
        if report and (len(pending) or not st.exists("report", "index.html")):
            _report(st, logger)  # nothing worked on: the site is as it was
        # inside the lock: one run at a time works the outbox
        notify_task(st.url, {o.source_id: o.versions for o in outcomes if o.versions}, users)
    order = {s.id: i for i, s in enumerate(chosen)}
    outcomes.sort(key=lambda o: order[o.source_id])
    summary = [asdict(o) for o in outcomes]
    logger.info("summary:\n%s", as_text(outcomes_table(summary)))
    for o in outcomes:
        if o.error:
            logger.error("%s", o.error)
    return summary


@task(name="notify", cache_policy=NO_CACHE)
def notify_task(store_url: str, versions: dict[str, list[str]], users: str | None) -> dict:
    """Tell subscribers of the run's alerts through apprise; retry earlier failures.
    Never raises: a failed notification is logged and kept for the next run."""
    from prefect.runtime import flow_run

    from flows.notify import notify_run

    store = Store(store_url)
    titles = {}
    for entry_id, entry in store.index()["sources"].items():
        titles[entry_id] = entry.get("title") or entry_id
    run_id = str(flow_run.id or datetime.now(UTC).isoformat())
    report = notify_run(store, versions, titles, run_id, users)
    get_run_logger().info(
        "notifications: %d sent, %d kept for the next run, %d dropped",
        len(report.sent),
        len(report.kept),
        len(report.dropped),
    )
    return asdict(report)


def _report(store: Store, logger: Any) -> None:
    """Bring the review site up to date; a failure here never fails the refresh."""
    from flows.review import build_site, default_site_dir

    try:
        result = build_site(store, default_site_dir(store))
    except Exception as exc:
        logger.error("review site not updated: %s: %s", type(exc).__name__, exc)
        return
    logger.info(
        "review site %s: %d page(s) written, %d unchanged",
        result.out,
        result.written,
        result.unchanged + result.skipped,
    )


_ARTIFACT_SETS = 200  # change sets shown in one run's markdown artifact


def _artifacts(store: Store, outcomes: list[Outcome], titles: dict[str, str]) -> None:
    """The run's change sets as a Prefect markdown artifact and a table artifact."""
    from prefect.artifacts import create_markdown_artifact, create_table_artifact

    made = [
        (o.source_id, cs)
        for o in outcomes
        for v in o.versions
        if (cs := store.read_changes(o.source_id, v)) is not None
    ]
    shown = [(source, cs) for source, cs in made if cs.changes][:_ARTIFACT_SETS]
    parts = [changeset_markdown(cs, titles.get(source)) for source, cs in shown]
    quiet = len(made) - len(shown)
    if quiet:
        parts.append(
            f"{quiet} more new version(s) without changes or past the first {_ARTIFACT_SETS}.\n"
        )
    create_markdown_artifact(
        markdown="# dalil refresh\n\n" + ("\n".join(parts) or "No new version.\n"),
        key="dalil-changes",
        description="What this refresh recorded, source by source.",
    )
    _emit_events(store, made)
    rows = table_rows(made)
    create_table_artifact(
        table=rows
        or [{"source": "—", "event": "no alert", "significance": "", "before → after": ""}],
        key="dalil-change-table",
        description="Substantive and editorial changes of this run.",
    )


def _emit_events(store: Store, made: list[tuple[str, Any]]) -> None:
    """A Prefect event ``dalil.change.detected`` per substantive change of a real change
    set, for automations to notify on."""
    from prefect.events import emit_event

    from flows.reports import is_alert

    for source, changeset in made:
        if not is_alert(changeset):
            continue
        link = store.path("changes", source, f"{changeset.to_version}.md")
        for change in changeset.changes:
            if change.significance != "substantive":
                continue
            emit_event(
                event="dalil.change.detected",
                resource={
                    "prefect.resource.id": f"dalil.source.{source}",
                    "prefect.resource.name": source,
                },
                payload={
                    "source": source,
                    "version": changeset.to_version,
                    "kind": change.kind,
                    "summary": change.summary,
                    "before": change.before,
                    "after": change.after,
                    "link": link,
                },
            )


def _outcome(future: Any, source: Source) -> Outcome:
    """A task's Outcome, or a failed one when the task itself crashed."""
    result = future.result(raise_on_failure=False)
    if isinstance(result, Outcome):
        return result
    reason = (
        f"{type(result).__name__}: {result}"
        if isinstance(result, BaseException)
        else "task crashed"
    )
    return Outcome(source.id, "failed", error=f"{source.id}: unexpected error: {reason}")
