"""The store's error: a read or write that failed, or a lock another run holds."""


class StoreError(Exception):
    """The store cannot be read or written; the message says where and why."""


class StoreLockedError(StoreError):
    """Another refresh holds the store's lock."""
