"""The versioned store: one storage interface over fsspec (a local folder by default).

Layout under the store's root::

    snapshots/<sha256>            raw snapshot bytes, content-addressed, never edited
    snapshots/<sha256>.json       small metadata: source, capture time, URL, headers
    versions/<source>/<version>.json   one Document per version
    changes/<source>/<version>.json    the ChangeSet that version brought
    latest/<source>.json          the latest Document (the commit point of a publish)
    state/<source>.json           fetch validators and failure record
    index.json                    every source: latest version, hash, times, counts, status

Every write is atomic (temporary file, then rename; object stores put whole objects).
Writers hold the store's lock. A publish writes the version, then its change set, then
``latest/``: files a killed run left beyond ``latest/`` are removed by ``repair``.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import socket
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from hashlib import sha256
from pathlib import Path
from typing import Any, Literal

import fsspec
from fsspec.implementations.local import LocalFileSystem
from pydantic import BaseModel

from extractors.models import ChangeSet, Document

from .errors import StoreError, StoreLockedError

TMP_MARK = ".tmp-"
SourceStatus = Literal["ok", "failing", "stale", "new"]


class SourceState(BaseModel):
    """What the store remembers about a source besides its versions."""

    source_id: str
    status: SourceStatus = "new"
    last_error: str | None = None
    consecutive_failures: int = 0
    etag: str | None = None
    last_modified: str | None = None


def _dumps(obj: Any) -> bytes:
    if isinstance(obj, BaseModel):
        return obj.model_dump_json(indent=2).encode("utf-8")
    return json.dumps(obj, ensure_ascii=False, indent=2, default=str).encode("utf-8")


class Store:
    """A dalil store at ``url`` (a local path or any fsspec URL, e.g. ``s3://bucket/dalil``)."""

    def __init__(self, url: str | Path = "output") -> None:
        self.url = str(url)
        try:
            self.fs, self.root = fsspec.core.url_to_fs(self.url)
        except (ImportError, ValueError) as exc:
            raise StoreError(f"store {self.url}: cannot open ({exc})") from None
        self.local = isinstance(self.fs, LocalFileSystem)
        self.root = self.root.rstrip("/")

    # ---- low-level I/O -------------------------------------------------------------
    def path(self, *parts: str) -> str:
        """Absolute store path for a key; refuses keys that climb out of the store."""
        for part in parts:
            if not part or part.startswith(".") or "/" in part or "\\" in part:
                raise StoreError(f"store {self.url}: refusing unsafe key part {part!r}")
        return "/".join([self.root, *parts])

    def exists(self, *parts: str) -> bool:
        return self.fs.exists(self.path(*parts))

    def read_bytes(self, *parts: str) -> bytes | None:
        try:
            return self.fs.cat_file(self.path(*parts))
        except FileNotFoundError:
            return None

    def read_json(self, *parts: str) -> Any:
        data = self.read_bytes(*parts)
        return None if data is None else json.loads(data)

    def write_bytes(self, data: bytes, *parts: str) -> None:
        """Write one file atomically."""
        target = self.path(*parts)
        folder, name = target.rsplit("/", 1)
        try:
            self.fs.makedirs(folder, exist_ok=True)
            if self.local:
                _replace_atomically(
                    f"{folder}/.{name}{TMP_MARK}{uuid.uuid4().hex[:8]}", target, data
                )
            else:
                self.fs.pipe_file(target, data)
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise StoreError(
                f"store {self.url}: cannot write {'/'.join(parts)}: {reason}"
            ) from None

    def write_if_changed(self, obj: Any, *parts: str) -> bool:
        """Write JSON (or bytes) unless the file already holds exactly these bytes."""
        data = obj if isinstance(obj, bytes) else _dumps(obj)
        if self.read_bytes(*parts) == data:
            return False
        self.write_bytes(data, *parts)
        return True

    def delete(self, *parts: str) -> None:
        """Remove one file; a missing file is not an error."""
        with contextlib.suppress(FileNotFoundError):
            self.fs.rm_file(self.path(*parts))

    def listdir(self, *parts: str) -> list[str]:
        """Names (not paths) in a store folder; empty when it does not exist."""
        try:
            entries = self.fs.ls(self.path(*parts) if parts else self.root, detail=False)
        except FileNotFoundError:
            return []
        return sorted(e.rstrip("/").rsplit("/", 1)[-1] for e in entries)

    # ---- snapshots ------------------------------------------------------------------
    def put_snapshot(self, data: bytes, meta: dict[str, Any]) -> str:
        """Store snapshot bytes by hash (once) with their metadata; return the sha256."""
        digest = sha256(data).hexdigest()
        if not self.exists("snapshots", digest):
            self.write_bytes(data, "snapshots", digest)
        if not self.exists("snapshots", f"{digest}.json"):
            self.write_bytes(
                _dumps({"sha256": digest, "size": len(data), **meta}), "snapshots", f"{digest}.json"
            )
        return digest

    def read_snapshot(self, digest: str) -> bytes:
        data = self.read_bytes("snapshots", digest)
        if data is None:
            raise StoreError(f"store {self.url}: snapshot {digest} is missing")
        return data

    # ---- versions ---------------------------------------------------------------------
    def latest(self, source_id: str) -> Document | None:
        data = self.read_bytes("latest", f"{source_id}.json")
        return None if data is None else Document.model_validate_json(data)

    def latest_version(self, source_id: str) -> str | None:
        doc = self.latest(source_id)
        return None if doc is None else doc.version

    def _head(self, source_id: str) -> dict[str, Any] | None:
        return self.read_json("heads", f"{source_id}.json")

    def head_version(self, source_id: str) -> str | None:
        """The newest recorded version (what the next version is compared with); for a
        source published only after review it can be ahead of ``latest/``."""
        head = self._head(source_id)
        return head.get("version") if head is not None else self.latest_version(source_id)

    def published_version(self, source_id: str) -> str | None:
        """The version ``latest/`` shows downstream."""
        head = self._head(source_id)
        return head.get("published") if head is not None else self.latest_version(source_id)

    def head(self, source_id: str) -> Document | None:
        vid = self.head_version(source_id)
        return None if vid is None else self.read_version(source_id, vid)

    def versions(self, source_id: str) -> list[str]:
        return [
            n.removesuffix(".json")
            for n in self.listdir("versions", source_id)
            if n.endswith(".json") and TMP_MARK not in n
        ]

    def publish(
        self, doc: Document, changes: ChangeSet, markdown: str = "", publish: bool = True
    ) -> str:
        """Record a new version: the Document, its ChangeSet (and its Markdown summary),
        then ``heads/`` (the commit point), then ``latest/`` unless ``publish`` is False
        (a source published only after review: ``publish_version`` does it later)."""
        vid, source = doc.version, doc.source.id
        published = vid if publish else self.published_version(source)
        self.write_bytes(_dumps(doc), "versions", source, f"{vid}.json")
        self.write_bytes(_dumps(changes), "changes", source, f"{vid}.json")
        if markdown:
            self.write_bytes(markdown.encode("utf-8"), "changes", source, f"{vid}.md")
        self.write_bytes(
            _dumps({"version": vid, "published": published}), "heads", f"{source}.json"
        )
        if publish:
            self.write_bytes(_dumps(doc), "latest", f"{source}.json")
        return vid

    def publish_version(self, source_id: str, vid: str) -> bool:
        """Advance ``latest/`` to a recorded version (a confirmed review); never moves it
        back. Returns whether it moved."""
        data = self.read_bytes("versions", source_id, f"{vid}.json")
        if data is None:
            raise StoreError(f"store {self.url}: {source_id} has no version {vid}")
        published = self.published_version(source_id)
        if published is not None and vid <= published:
            return False
        head = self.head_version(source_id) or vid
        self.write_bytes(_dumps({"version": head, "published": vid}), "heads", f"{source_id}.json")
        self.write_bytes(data, "latest", f"{source_id}.json")
        return True

    def upgrade(self, doc: Document, changes: ChangeSet) -> None:
        """Replace a version by its re-extraction (a technical upgrade): the upgrade's
        ChangeSet under ``upgrades/``, the Document, then ``latest/`` if it is the latest."""
        vid, source = doc.version, doc.source.id
        # one record per upgrade: a version re-extracted for a reviewer's correction
        # keeps the record of its earlier upgrades
        name = f"{vid}.{doc.extractor.version}.json"
        if self.exists("upgrades", source, name):
            name = f"{vid}.{doc.extractor.version}.{datetime.now(UTC):%Y%m%dT%H%M%S%fZ}.json"
        self.write_bytes(_dumps(changes), "upgrades", source, name)
        self.write_bytes(_dumps(doc), "versions", source, f"{vid}.json")
        if self.published_version(source) == vid:
            self.write_bytes(_dumps(doc), "latest", f"{source}.json")

    def read_version(self, source_id: str, vid: str) -> Document | None:
        data = self.read_bytes("versions", source_id, f"{vid}.json")
        return None if data is None else Document.model_validate_json(data)

    def read_changes(self, source_id: str, vid: str) -> ChangeSet | None:
        data = self.read_bytes("changes", source_id, f"{vid}.json")
        return None if data is None else ChangeSet.model_validate_json(data)

    def changesets(self, source_id: str) -> list[ChangeSet]:
        """Every ChangeSet of a source, oldest first."""
        found = [self.read_changes(source_id, vid) for vid in sorted(self.versions(source_id))]
        return [cs for cs in found if cs is not None]

    def sources(self) -> list[str]:
        """The sources that have versions in the store."""
        return sorted(n for n in self.listdir("versions") if TMP_MARK not in n)

    # ---- state and index ---------------------------------------------------------------
    def state(self, source_id: str) -> SourceState:
        data = self.read_json("state", f"{source_id}.json")
        return (
            SourceState(source_id=source_id) if data is None else SourceState.model_validate(data)
        )

    def save_state(self, state: SourceState) -> bool:
        return self.write_if_changed(state, "state", f"{state.source_id}.json")

    def index(self) -> dict[str, Any]:
        return self.read_json("index.json") or {"sources": {}}

    def update_index(self, entries: dict[str, dict[str, Any]]) -> bool:
        """Merge per-source entries into ``index.json``; write only if something changed."""
        index = self.index()
        index["sources"].update(entries)
        index["sources"] = dict(sorted(index["sources"].items()))
        return self.write_if_changed(index, "index.json")

    # ---- crash repair and locking -----------------------------------------------------
    def repair(self) -> list[str]:
        """Remove what a killed writer left: temporary files and versions past the head;
        put back ``latest/`` when a writer died between ``heads/`` and ``latest/``.

        Returns the removed keys. Call only while holding the lock.
        """
        removed: list[str] = []
        if not self.fs.exists(self.root):
            return removed
        for path in self.fs.find(self.root):
            if TMP_MARK in path.rsplit("/", 1)[-1]:
                self.fs.rm_file(path)
                removed.append(path)
        for source_id in self.listdir("versions"):
            head = self.head_version(source_id)
            for folder in ("versions", "changes"):
                for name in self.listdir(folder, source_id):
                    vid = name.split(".", 1)[0]  # <vid>.json, <vid>.md
                    if head is None or vid > head:
                        self.fs.rm_file(self.path(folder, source_id, name))
                        removed.append(f"{folder}/{source_id}/{name}")
            published = self.published_version(source_id)
            if published is not None and self.latest_version(source_id) != published:
                data = self.read_bytes("versions", source_id, f"{published}.json")
                if data is not None:
                    self.write_bytes(data, "latest", f"{source_id}.json")
                    removed.append(f"latest/{source_id}.json (stale, put back)")
        return removed

    @contextlib.contextmanager
    def lock(self, wait: float = 0.0) -> Iterator[None]:
        """Hold the store's writer lock, waiting up to ``wait`` seconds for it.

        Local stores use an OS lock (released even when the holder is killed); other
        file systems use a lease file. Raises StoreLockedError naming the holder.
        """
        if not self.local:
            with self._lease(wait):
                yield
            return
        try:
            os.makedirs(self.root, exist_ok=True)
            fh = open(os.path.join(self.root, ".lock"), "a+")  # noqa: SIM115
        except OSError as exc:
            raise StoreError(
                f"store {self.url}: cannot create lock file: {exc.strerror or exc}"
            ) from None
        deadline = time.monotonic() + wait
        try:
            while True:
                try:
                    fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        fh.seek(0)
                        holder = fh.read().strip() or "another process"
                        raise StoreLockedError(
                            f"store {self.url} is locked by {holder}; another refresh is running"
                        ) from None
                    time.sleep(0.2)
            fh.seek(0)
            fh.truncate()
            fh.write(f"pid {os.getpid()} on {socket.gethostname()} since {_now()}")
            fh.flush()
            yield
        finally:
            fh.close()

    @contextlib.contextmanager
    def _lease(self, wait: float, ttl: float = 7200.0) -> Iterator[None]:
        key = f"{self.root}/.lock"
        deadline = time.monotonic() + wait
        token = uuid.uuid4().hex
        while True:
            try:
                held = json.loads(self.fs.cat_file(key))
            except FileNotFoundError:
                held = None
            if held is None or time.time() - held.get("at", 0) > ttl:
                self.fs.pipe_file(
                    key,
                    json.dumps(
                        {"token": token, "at": time.time(), "host": socket.gethostname()}
                    ).encode(),
                )
                break
            if time.monotonic() >= deadline:
                raise StoreLockedError(
                    f"store {self.url} is locked by {held.get('host')}; another refresh is running"
                )
            time.sleep(1.0)
        try:
            yield
        finally:
            with contextlib.suppress(FileNotFoundError):
                self.fs.rm_file(key)


def _now() -> str:
    return f"{datetime.now(UTC):%Y-%m-%dT%H:%M:%SZ}"


def _replace_atomically(tmp: str, target: str, data: bytes) -> None:
    """Write ``data`` to ``tmp``, flush it to disk, then rename it over ``target``."""
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def default_store_url() -> str:
    """``$DALIL_STORE`` or ``output`` in the working directory."""
    return os.environ.get("DALIL_STORE", str(Path("output")))
