"""Notifications through apprise to a real loopback endpoint (``json://``): each alert or a
digest, per user and per source; failures logged, retried and kept for the next run,
never raised; and the notify step of the Prefect refresh flow."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.notify import Subscription, SubscriptionError, Subscriptions, notify_run
from flows.notify.messages import Alert, messages
from flows.reports import is_alert
from flows.store import Store
from flows.web import Users

PASSWORD = "correct horse battery"


@dataclass
class Receiver:
    """A loopback endpoint that records apprise's JSON posts; ``status`` per path."""

    base: str = ""
    posts: list[tuple[str, dict]] = field(default_factory=list)
    status: dict[str, int] = field(default_factory=dict)

    def to(self, path: str) -> str:
        return f"json://{self.base}/{path}"

    def of(self, path: str) -> list[dict]:
        return [body for where, body in self.posts if where == f"/{path}"]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    got = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            size = int(self.headers.get("Content-Length", 0))
            got.posts.append((self.path, json.loads(self.rfile.read(size) or b"{}")))
            self.send_response(got.status.get(self.path, 200))
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    got.base = f"127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield got
    server.shutdown()


def _alerting(store: Store) -> dict[str, list[str]]:
    """Every version of the corpus store whose change set alerts (as if made by one run)."""
    found: dict[str, list[str]] = {}
    for source in store.sources():
        for cs in store.changesets(source):
            if is_alert(cs):
                found.setdefault(source, []).append(cs.to_version)
    return found


def test_subscribers_get_each_alert_or_one_digest_for_their_sources(
    corpus_store: Path, receiver: Receiver
) -> None:
    store = Store(corpus_store)
    versions = _alerting(store)
    assert len(versions) >= 2 and sum(map(len, versions.values())) >= 3
    one = sorted(versions)[0]
    users = Users(corpus_store / "users.sqlite")
    for name in ("rita", "adam", "vera"):
        users.add(name, "viewer", PASSWORD)
    subs = Subscriptions(users.path)
    subs.add(Subscription("rita", receiver.to("rita")))
    subs.add(Subscription("adam", receiver.to("adam"), digest=True))
    subs.add(Subscription("vera", receiver.to("vera"), source=one))
    with pytest.raises(SubscriptionError, match="no user"):
        subs.add(Subscription("nobody", receiver.to("x")))
    with pytest.raises(SubscriptionError, match="apprise"):
        subs.add(Subscription("rita", "nothing://at all"))
    report = notify_run(store, versions, {one: "La source une"}, "run-1", attempts=1)
    total = sum(map(len, versions.values()))
    assert len(report.sent) == total + 1 + len(versions[one]) and not report.kept
    rita = receiver.of("rita")
    assert len(rita) == total and all("substantive change" in m["title"] for m in rita)
    assert any(m["title"].startswith("dalil: La source une:") for m in rita)
    (digest,) = receiver.of("adam")
    assert f"{total} alert(s)" in digest["title"] and digest["message"].count("→") >= total
    assert len(receiver.of("vera")) == len(versions[one])
    users.remove("vera")  # a removed user is told nothing more
    receiver.posts.clear()
    notify_run(store, {one: versions[one]}, {}, "run-2", attempts=1)
    assert receiver.of("vera") == [] and len(receiver.of("rita")) == len(versions[one])


def test_failures_are_retried_kept_for_the_next_run_and_never_raised(
    corpus_store: Path, receiver: Receiver
) -> None:
    store = Store(corpus_store)
    versions = _alerting(store)
    users = Users(corpus_store / "users.sqlite")
    users.add("rita", "reviewer", PASSWORD)
    Subscriptions(users.path).add(Subscription("rita", receiver.to("down"), digest=True))
    receiver.status["/down"] = 500
    report = notify_run(store, versions, {}, "run-1", attempts=3, backoff=0.01)
    assert report.sent == [] and len(report.kept) == 1
    assert len(receiver.of("down")) == 3  # three attempts in the run
    assert len(store.listdir("notifications", "outbox")) == 1
    later = notify_run(store, {}, {}, "run-2", attempts=2, backoff=0.01)  # nothing new
    assert later.kept == report.kept and len(receiver.of("down")) == 5
    receiver.status["/down"] = 200
    fixed = notify_run(store, {}, {}, "run-3", attempts=1)
    assert fixed.sent == report.kept and store.listdir("notifications", "outbox") == []
    assert len(receiver.of("down")) == 6
    (corpus_store / "users.sqlite").write_bytes(b"this is not a database")
    assert notify_run(store, versions, {}, "run-4").sent == []  # logged, not raised


def test_a_parity_gap_reaches_subscribers_of_either_side() -> None:
    gap = Alert("p/figure/fr/v2", ("cnss-fr", "cnss-ar"), "parity gap (figure)", ("- 2%",))
    change = Alert("other/v1", ("other",), "other: 1 substantive change(s)", ("- x",))
    subs = [
        Subscription("a", "json://h/a", source="cnss-ar"),
        Subscription("b", "json://h/b", source="other", digest=True),
        Subscription("c", "json://h/c", source="nothing"),
    ]
    out = messages([gap, change], subs, "run")
    assert [(m.user, m.title) for m in out] == [
        ("a", "dalil: parity gap (figure)"),
        ("b", "dalil: 1 alert(s) in this refresh"),
    ]
    assert len({m.id for m in out}) == 2


def test_the_cli_subscribes_lists_tests_and_removes(tmp_path: Path, receiver: Receiver) -> None:
    store = tmp_path / "store"
    Users(store / "users.sqlite").add("rita", "reviewer", PASSWORD)
    runner = CliRunner()
    url = receiver.to("cli")
    added = runner.invoke(
        app, ["users", "notify", "rita", url, "--digest", "--test", "--store", str(store)]
    )
    assert added.exit_code == 0, added.output
    assert receiver.of("cli")[0]["title"] == "dalil: test notification"
    listed = runner.invoke(app, ["users", "notifications", "--store", str(store)])
    assert listed.stdout.strip() == f"rita\t*\tdigest\t{url}"
    bad = runner.invoke(app, ["users", "notify", "rita", "nope://", "--store", str(store)])
    assert bad.exit_code == 2 and "apprise" in bad.output
    removed = runner.invoke(
        app, ["users", "notify", "rita", url, "--remove", "--store", str(store)]
    )
    assert removed.exit_code == 0
    assert runner.invoke(app, ["users", "notifications", "--store", str(store)]).stdout == ""


@pytest.mark.engine
def test_the_prefect_refresh_notifies_after_its_run(
    prefect_api: str, receiver: Receiver, tmp_path: Path
) -> None:
    """Through the Prefect flow: a run that records a substantive change sends it; the
    summary is unchanged by a subscriber whose endpoint fails."""
    from flows.refresh import refresh
    from tests.conftest import write_registry

    snaps = tmp_path / "snapshots" / "page"
    snaps.mkdir(parents=True)
    page = (
        "<html><body><h1>AMO</h1><ol><li>Déposer le dossier.</li><li>{}</li></ol>{}</body></html>"
    )
    (snaps / "2025-01-01.html").write_text(page.format("Payer 100 DH.", ""), encoding="utf-8")
    (snaps / "2025-02-01.html").write_text(
        page.format("Payer 250 DH.", "<p>Voir https://www.cnss.ma/fr/amo</p>"), encoding="utf-8"
    )
    registry = write_registry(
        tmp_path / "sources.yaml",
        """\
  - id: page
    title: Une page AMO
    publisher: Test
    kind: html
    languages: [fr]
    snapshots:
      - {date: 2025-01-01, path: snapshots/page/2025-01-01.html}
      - {date: 2025-02-01, path: snapshots/page/2025-02-01.html}
""",
    )
    store = tmp_path / "store"
    users = Users(store / "users.sqlite")
    users.add("rita", "reviewer", PASSWORD)
    users.add("omar", "viewer", PASSWORD)
    Subscriptions(users.path).add(Subscription("rita", receiver.to("rita")))
    Subscriptions(users.path).add(Subscription("omar", receiver.to("down")))
    receiver.status["/down"] = 503
    summary = refresh(store=str(store), registry=str(registry), offline=True, doc_timeout=0)
    assert [o["outcome"] for o in summary] == ["new"]
    (message,) = receiver.of("rita")
    assert message["title"].startswith("dalil: Une page AMO:") and "250" in message["message"]
    assert len(receiver.of("down")) == 3  # retried within the run, then kept
    assert len(Store(store).listdir("notifications", "outbox")) == 1
