"""Extraction in worker processes with a hard per-document time limit.

Prefect's task timeouts cannot interrupt C code (lxml, pdfminer, spaCy); a process can
be killed. Workers are forked from a fork server that has loaded the models once
(``flows.extraction.preload``), so a new worker starts warm. A worker serves documents
one at a time and is retired after ``max_documents``, so whatever memory extraction grows dies
with it: the caller's memory stays flat with the corpus. A worker that overruns the
limit is killed and the document fails with a clear error; the others go on.

Where a process may not have children (a daemonic Dask worker), extraction runs
in-process without the hard limit, and says so once in the log.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import pickle
import threading
from collections.abc import Callable
from datetime import datetime
from multiprocessing.connection import Connection
from multiprocessing.util import Finalize
from typing import Any, TypeVar

from extractors.errors import ExtractionError
from extractors.models import Document
from flows.acquire import Source

from .snapshot import Extractor, extract_snapshot

DEFAULT_TIMEOUT = 300.0  # seconds for one document; ample for a 200-page PDF
MAX_DOCUMENTS = 25  # documents a worker serves before it is replaced


def _default_workers() -> int:
    """One extraction process per core; one inside a process that is itself a worker of a
    pool (``--workers N``, Dask), whose siblings share the cores."""
    if multiprocessing.parent_process() is not None:
        return 1
    return max(os.cpu_count() or 1, 1)


T = TypeVar("T")
log = logging.getLogger("dalil.isolation")


def _serve(conn: Connection) -> None:
    """A worker's loop: (function, args) in, ("ok"|"extraction"|"crash", value) out."""
    while True:
        try:
            fn, args = pickle.loads(conn.recv_bytes())
        except EOFError:
            return
        try:
            payload = ("ok", fn(*args))
        except ExtractionError as exc:
            payload = ("extraction", (exc.source_id, exc.reason))
        except Exception as exc:
            payload = ("crash", f"{type(exc).__name__}: {exc}")
        conn.send_bytes(pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL))


class _Worker:
    def __init__(self, context: Any) -> None:
        self.conn, child = context.Pipe()
        # not daemonic: a large PDF spreads its pages over processes of its own
        self.process = context.Process(target=_serve, args=(child,), name="dalil-extract")
        self.process.start()
        child.close()
        self.served = 0

    def stop(self) -> None:
        self.conn.close()  # the worker reads EOF and returns
        self.process.join(5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()


class WorkerPool:
    """Extraction processes shared by the threads of this process, started on demand, at
    most ``max_workers`` at once: a task runner with many threads waits for a free one,
    so memory stays bounded whatever the runner's concurrency."""

    def __init__(self, max_documents: int = MAX_DOCUMENTS, max_workers: int | None = None) -> None:
        self.max_documents = max_documents
        self._idle: list[_Worker] = []
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(max_workers or _default_workers())
        self._context: Any = None
        self.warm = True  # the fork server loads every model first (see ``lazy_models``)

    def _start(self) -> Any:
        with self._lock:
            if self._context is None:
                self._context = multiprocessing.get_context("forkserver")
                warm = ["flows.extraction.preload"] if self.warm else []
                self._context.set_forkserver_preload([*warm, "flows.extraction.snapshot"])
            return self._context

    def prestart(self) -> None:
        """Start the fork server (imports and models, ~5 s) in the background now, so
        that it loads while the caller does other work."""
        from multiprocessing import forkserver

        self._start()  # sets the fork server's preload before it starts
        threading.Thread(target=forkserver.ensure_running, daemon=True).start()

    def _take(self) -> _Worker:
        with self._lock:
            if self._idle:
                return self._idle.pop()
        return _Worker(self._start())

    def _give_back(self, worker: _Worker) -> None:
        worker.served += 1
        if worker.served >= self.max_documents:
            worker.stop()
            return
        with self._lock:
            self._idle.append(worker)

    def run(self, fn: Callable[..., T], args: tuple[Any, ...], source_id: str, timeout: float) -> T:
        """``fn(*args)`` in a worker, killed after ``timeout`` seconds.

        Raises ExtractionError naming ``source_id`` when the time runs out, when the
        worker dies (a crash, the memory killer), or with ``fn``'s own ExtractionError.
        """
        with self._slots:
            return self._run(fn, args, source_id, timeout)

    def _run(
        self, fn: Callable[..., T], args: tuple[Any, ...], source_id: str, timeout: float
    ) -> T:
        worker = self._take()
        try:
            worker.conn.send_bytes(pickle.dumps((fn, args), protocol=pickle.HIGHEST_PROTOCOL))
            if not worker.conn.poll(timeout):
                worker.process.kill()
                raise ExtractionError(
                    source_id, f"extraction stopped after {timeout:g} s (per-document time limit)"
                )
            kind, value = pickle.loads(worker.conn.recv_bytes())
        except (EOFError, OSError):
            worker.process.join(5)
            raise ExtractionError(
                source_id, f"extraction process died (exit code {worker.process.exitcode})"
            ) from None
        except BaseException:
            worker.stop()
            raise
        self._give_back(worker)
        if kind == "ok":
            return value
        if kind == "extraction":
            raise ExtractionError(*value)
        raise ExtractionError(source_id, f"unexpected error: {value}")

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.stop()


_POOL = WorkerPool()
# A multiprocessing finalizer, not atexit: it also runs when this process is itself a
# worker of a process pool (which ends without atexit and joins its children first)
Finalize(None, _POOL.close, exitpriority=10)
_warned = False


def run_isolated(
    fn: Callable[..., T], args: tuple[Any, ...], source_id: str, timeout: float | None
) -> T:
    """``fn(*args)`` in this process's worker pool under ``timeout`` seconds; ``timeout``
    None or 0 (or a daemonic process, which may not have children) runs it here."""
    global _warned
    if not timeout:
        return fn(*args)
    if multiprocessing.current_process().daemon:
        if not _warned:
            _warned = True
            log.warning(
                "daemonic worker process: documents are extracted in-process, "
                "without the hard per-document time limit"
            )
        return fn(*args)
    return _POOL.run(fn, args, source_id, timeout)


def lazy_models() -> None:
    """Let workers load only the models their documents need, when they need them, not
    all of them up front (about 9 s): for a few files (``dalil extract``), not for a
    refresh, whose workers each serve many documents. Call it before the first
    extraction."""
    _POOL.warm = False


def prestart() -> None:
    """Start loading the extraction processes' fork server in the background (a no-op
    where extraction would run in-process)."""
    if not multiprocessing.current_process().daemon:
        _POOL.prestart()


def time_limited(timeout: float | None = DEFAULT_TIMEOUT) -> Extractor:
    """An Extractor running ``extract_snapshot`` in a worker process under ``timeout``."""

    def extractor(
        data: bytes, digest: str, source: Source, captured_at: datetime, meta: dict[str, Any]
    ) -> Document:
        args = (data, digest, source, captured_at, meta)
        return run_isolated(extract_snapshot, args, source.id, timeout)

    return extractor
