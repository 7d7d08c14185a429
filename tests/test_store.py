"""The versioned store: atomic writes, safe keys, locking and crash repair."""

from __future__ import annotations

import multiprocessing
import os
from hashlib import sha256
from pathlib import Path

import pytest

from extractors.changes.diff import diff
from extractors.models import Document
from flows.store import TMP_MARK, Store, StoreError, StoreLockedError
from tests.conftest import make_document


def make_doc(text: str, day: int = 1) -> Document:
    return make_document(text, day)


def test_write_is_atomic_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.write_bytes(b"one", "a", "b.json")
    store.write_bytes(b"two", "a", "b.json")
    assert (tmp_path / "a" / "b.json").read_bytes() == b"two"
    assert os.listdir(tmp_path / "a") == ["b.json"]


@pytest.mark.parametrize("bad", ["..", "../x", "a/b", ".hidden", ""])
def test_unsafe_keys_are_refused(tmp_path: Path, bad: str) -> None:
    with pytest.raises(StoreError, match="unsafe key"):
        Store(tmp_path).write_bytes(b"x", "versions", bad)


def test_write_if_changed_skips_identical_content(tmp_path: Path) -> None:
    store = Store(tmp_path)
    assert store.write_if_changed({"a": 1}, "index.json") is True
    assert store.write_if_changed({"a": 1}, "index.json") is False
    assert store.write_if_changed({"a": 2}, "index.json") is True


def test_publish_then_latest(tmp_path: Path) -> None:
    store = Store(tmp_path)
    first, second = make_doc("one\n", 1), make_doc("two\n", 2)
    store.publish(first, diff(None, first))
    store.publish(second, diff(first, second))
    assert store.latest("src") == second
    assert store.versions("src") == [first.version, second.version]
    assert store.read_changes("src", second.version).from_version == first.version


def test_snapshots_are_content_addressed(tmp_path: Path) -> None:
    store = Store(tmp_path)
    digest = store.put_snapshot(b"bytes", {"source_id": "src"})
    assert digest == sha256(b"bytes").hexdigest()
    assert store.read_snapshot(digest) == b"bytes"
    assert store.read_json("snapshots", f"{digest}.json")["size"] == 5
    with pytest.raises(StoreError, match="missing"):
        store.read_snapshot("0" * 64)


def test_repair_removes_partial_files_and_versions_past_latest(tmp_path: Path) -> None:
    store = Store(tmp_path)
    first, second = make_doc("one\n", 1), make_doc("two\n", 2)
    store.publish(first, diff(None, first))
    # a killed publish: the version and its changes written, latest/ not yet
    store.write_bytes(
        second.model_dump_json().encode(), "versions", "src", f"{second.version}.json"
    )
    (tmp_path / "latest" / f".src.json{TMP_MARK}dead").write_text("{partial")
    removed = store.repair()
    assert len(removed) == 2
    assert store.versions("src") == [first.version]
    assert store.latest("src") == first
    assert not list(tmp_path.rglob(f"*{TMP_MARK}*"))


def _hold_lock(path: str, ready, release) -> None:
    with Store(path).lock():
        ready.set()
        release.wait(30)


def test_second_writer_gets_a_clear_message(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("spawn")
    ready, release = ctx.Event(), ctx.Event()
    holder = ctx.Process(target=_hold_lock, args=(str(tmp_path), ready, release))
    holder.start()
    try:
        assert ready.wait(60)
        with (
            pytest.raises(StoreLockedError, match=rf"locked by pid {holder.pid} .*another refresh"),
            Store(tmp_path).lock(wait=0.3),
        ):
            pass
    finally:
        release.set()
        holder.join(30)
    with Store(tmp_path).lock():  # released when the holder ends
        pass


def test_lock_is_released_when_the_holder_is_killed(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("spawn")
    ready, release = ctx.Event(), ctx.Event()
    holder = ctx.Process(target=_hold_lock, args=(str(tmp_path), ready, release))
    holder.start()
    assert ready.wait(60)
    holder.kill()
    holder.join(30)
    with Store(tmp_path).lock(wait=5):
        pass


def test_unwritable_store_gives_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "latest").write_text("a file where a folder should be")
    with pytest.raises(StoreError, match=r"cannot write latest/src.json"):
        Store(tmp_path).write_bytes(b"x", "latest", "src.json")
    assert not list(tmp_path.rglob(f"*{TMP_MARK}*"))


def test_memory_store_through_fsspec() -> None:
    store = Store("memory://dalil-test")
    doc = make_doc("one\n")
    store.publish(doc, diff(None, doc))
    with store.lock():
        assert store.latest("src") == doc
    assert store.versions("src") == [doc.version]
