"""Extraction runs: a snapshot and its source in, a Document out, in a recycled worker
process under a hard per-document time limit, optionally cached by content in the store.

The cached task imports Prefect, so it is loaded only when asked for: the fork server
starts before Prefect is imported.
"""

from typing import Any

from .isolation import (
    DEFAULT_TIMEOUT,
    WorkerPool,
    lazy_models,
    prestart,
    run_isolated,
    time_limited,
)
from .snapshot import Extractor, extract_file, extract_snapshot

_CACHED = ("cached_extractor", "extract_task", "result_storage")

__all__ = [
    "DEFAULT_TIMEOUT",
    "Extractor",
    "WorkerPool",
    "cached_extractor",
    "extract_file",
    "extract_snapshot",
    "extract_task",
    "lazy_models",
    "prestart",
    "result_storage",
    "run_isolated",
    "time_limited",
]


def __getattr__(name: str) -> Any:
    if name in _CACHED:
        from . import cache

        return getattr(cache, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
