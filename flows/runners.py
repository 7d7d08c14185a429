"""Task runners for the refresh flow: threads (default), processes on this machine, or a
Dask cluster (local, or remote at ``--dask-address``) through prefect-dask. A task is a
whole document, so the per-task overhead of any runner stays small next to the work."""

from __future__ import annotations

from typing import Literal

from prefect.task_runners import ProcessPoolTaskRunner, TaskRunner, ThreadPoolTaskRunner

RunnerKind = Literal["threads", "processes", "dask"]
# Documents in flight on threads: extraction runs in at most one process per core
# (flows.extraction), so more threads only wait; a cap keeps a 1,000-source run from
# holding 1,000 tasks (and their snapshots) at once, as Prefect's unbounded default would.
DEFAULT_THREADS = 8


def make_task_runner(
    kind: RunnerKind = "threads", workers: int | None = None, dask_address: str | None = None
) -> TaskRunner:
    """The task runner for ``kind``; ``workers`` caps threads or processes, or sizes a
    local Dask cluster (one single-threaded worker process each)."""
    if kind == "threads":
        return ThreadPoolTaskRunner(max_workers=workers or DEFAULT_THREADS)
    if kind == "processes":
        return ProcessPoolTaskRunner(max_workers=workers)
    if kind == "dask":
        from prefect_dask import DaskTaskRunner

        if dask_address:
            return DaskTaskRunner(address=dask_address)
        return DaskTaskRunner(
            cluster_kwargs={"n_workers": workers or 2, "threads_per_worker": 1, "processes": True}
        )
    raise ValueError(f"unknown task runner {kind!r}: threads, processes or dask")
