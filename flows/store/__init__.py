"""The store: Documents, change sets, snapshots and run state in; the same out again, from
a local folder or any fsspec URL, every write atomic and one run at a time (a lock)."""

from .errors import StoreError, StoreLockedError
from .versioned import TMP_MARK, SourceState, Store, default_store_url

__all__ = [
    "TMP_MARK",
    "SourceState",
    "Store",
    "StoreError",
    "StoreLockedError",
    "default_store_url",
]
