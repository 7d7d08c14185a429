"""Polite live fetching against a local mini-web: several loopback hosts (127.0.0.x), each
with its own robots.txt, slow, refusing and hanging pages. Every request is recorded with
its times, and the politeness rules are asserted from the record."""

from __future__ import annotations

import itertools
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from flows.acquire import FetchError, HostGate, Politeness, fetch, set_default_gate
from tests.conftest import write_registry
from tests.miniweb import Hit, MiniWeb, Route, robots

EPSILON = 0.01  # clock slack, seconds


def gaps(hits: list[Hit]) -> list[float]:
    return [b.start - a.end for a, b in itertools.pairwise(hits)]


def test_one_request_at_a_time_per_host_and_the_delay_between(web: MiniWeb) -> None:
    routes = {f"/p{i}": Route(sleep=0.05) for i in range(5)}
    base = web.host("127.0.0.2", routes | {"/robots.txt": robots("User-agent: *\nAllow: /\n")})
    gate = HostGate(Politeness(delay=0.3, jitter=0.2, contact="ops@example.org"))
    with ThreadPoolExecutor(5) as pool:
        results = list(pool.map(lambda p: fetch(f"{base}{p}", gate=gate), routes))
    assert [r.status for r in results] == [200] * 5
    hits = web.of("127.0.0.2")
    assert hits[0].path == "/robots.txt"  # read once, first
    assert sorted(h.path for h in hits[1:]) == sorted(routes)
    assert all(gap >= 0.3 - EPSILON for gap in gaps(hits)), gaps(hits)  # never overlapping
    assert all("contact: ops@example.org" in h.agent for h in hits)


def test_robots_txt_is_obeyed_with_its_crawl_delay(web: MiniWeb) -> None:
    rules = (
        "User-agent: dalil\nDisallow: /private/\nCrawl-delay: 0.6\n\nUser-agent: *\nDisallow: /\n"
    )
    base = web.host(
        "127.0.0.3",
        {"/robots.txt": robots(rules), "/a": Route(), "/b": Route(), "/private/x": Route()},
    )
    gate = HostGate(Politeness(delay=0.1, jitter=0))
    with pytest.raises(FetchError, match=r"robots\.txt forbids it") as refused:
        fetch(f"{base}/private/x", gate=gate)
    assert refused.value.retryable is False
    assert fetch(f"{base}/a", gate=gate).status == 200
    assert fetch(f"{base}/b", gate=gate).status == 200
    hits = web.of("127.0.0.3")
    assert [h.path for h in hits] == ["/robots.txt", "/a", "/b"]  # /private/x never asked
    assert gaps(hits)[-1] >= 0.6 - EPSILON  # the host's Crawl-delay, not ours


def test_an_unreadable_robots_txt_forbids_and_a_missing_one_allows(web: MiniWeb) -> None:
    broken = web.host("127.0.0.4", {"/robots.txt": Route(500, b"oops"), "/a": Route()})
    missing = web.host("127.0.0.5", {"/a": Route()})
    gate = HostGate(Politeness(delay=0.0, jitter=0))
    with pytest.raises(FetchError, match=r"robots\.txt forbids it"):
        fetch(f"{broken}/a", gate=gate)
    assert fetch(f"{missing}/a", gate=gate).status == 200
    assert [h.path for h in web.of("127.0.0.4")] == ["/robots.txt"]


def test_429_with_retry_after_pushes_the_next_request_back(web: MiniWeb) -> None:
    busy = Route(429, b"slow down", headers=(("Retry-After", "1"),), then=Route())
    base = web.host("127.0.0.6", {"/robots.txt": robots(""), "/busy": busy})
    gate = HostGate(Politeness(delay=0.1, jitter=0))
    with pytest.raises(FetchError) as refused:
        fetch(f"{base}/busy", gate=gate)
    assert (refused.value.status, refused.value.retry_after, refused.value.retryable) == (
        429,
        1.0,
        True,
    )
    assert fetch(f"{base}/busy", gate=gate).status == 200  # a retry, as the flow makes
    first, second = [h for h in web.of("127.0.0.6") if h.path == "/busy"]
    assert second.start - first.end >= 1.0 - EPSILON


def test_a_hanging_host_costs_one_timeout_then_its_documents_fail_at_once(web: MiniWeb) -> None:
    base = web.host(
        "127.0.0.7", {"/robots.txt": robots(""), "/hang": Route(sleep=3), "/other": Route()}
    )
    other = web.host("127.0.0.8", {"/robots.txt": robots(""), "/fine": Route()})
    gate = HostGate(Politeness(delay=0.0, jitter=0, cooldown=60))
    with pytest.raises(FetchError, match="timed out") as hung:
        fetch(f"{base}/hang", gate=gate, timeout=0.5)
    assert hung.value.unreachable
    started = time.monotonic()
    with pytest.raises(FetchError, match="did not answer earlier") as skipped:
        fetch(f"{base}/other", gate=gate, timeout=0.5)
    assert time.monotonic() - started < 0.2 and skipped.value.retryable is False
    assert fetch(f"{other}/fine", gate=gate).status == 200  # other hosts go on
    time.sleep(0.1)
    assert [p for h, p in web.asked if h == "127.0.0.7"] == ["/robots.txt", "/hang"]


@pytest.mark.engine
def test_a_refresh_through_prefect_is_polite_to_every_host(
    prefect_api: str, web: MiniWeb, tmp_path: Path
) -> None:
    """The live path end to end, through the Prefect flow and its threads: per host, no
    overlap and the delay kept; robots.txt obeyed; a 429 retried after its Retry-After;
    a hanging host costs one timeout, and its other documents fail without a request."""
    from flows.refresh import refresh

    page = Route(body="<html><body><p>Étape 1 : déposer le dossier.</p></body></html>".encode())
    a = web.host(
        "127.0.0.9",
        {"/robots.txt": robots("User-agent: *\nDisallow: /secret\n")}
        | {f"/{n}": page for n in ("a", "b", "c", "secret")},
    )
    hang = Route(sleep=5)
    b = web.host("127.0.0.10", {"/robots.txt": robots(""), "/x": hang, "/y": hang})
    busy = Route(429, b"later", headers=(("Retry-After", "1"),), then=page)
    c = web.host("127.0.0.11", {"/robots.txt": robots(""), "/busy": busy})
    urls = {
        "a1": f"{a}/a",
        "a2": f"{a}/b",
        "a3": f"{a}/c",
        "a-secret": f"{a}/secret",
        "b1": f"{b}/x",
        "b2": f"{b}/y",
        "c1": f"{c}/busy",
    }
    body = "".join(
        f"  - {{id: {sid}, title: {sid}, publisher: test, kind: html, languages: [fr], "
        f"url: '{url}', allow_private_redirects: true}}\n"
        for sid, url in urls.items()
    )
    registry = write_registry(tmp_path / "sources.yaml", body)
    previous = set_default_gate(
        HostGate(Politeness(delay=0.3, jitter=0.1, cooldown=60, timeout=1.0))
    )
    try:
        outcomes = {
            o["source_id"]: o
            for o in refresh(
                store=str(tmp_path / "store"), registry=str(registry), retry_delay=0.05
            )
        }
    finally:
        set_default_gate(previous)
    assert {s for s, o in outcomes.items() if o["outcome"] == "new"} == {"a1", "a2", "a3", "c1"}
    assert "robots.txt forbids it" in outcomes["a-secret"]["error"]
    failed_b = sorted(outcomes[s]["error"] for s in ("b1", "b2"))
    assert any("timed out" in e for e in failed_b) and any("did not answer" in e for e in failed_b)
    time.sleep(0.2)
    for address in ("127.0.0.9", "127.0.0.10", "127.0.0.11"):
        hits = web.of(address)
        assert all(gap >= 0.3 - EPSILON for gap in gaps(hits)), (address, gaps(hits))
    assert "/secret" not in [h.path for h in web.of("127.0.0.9")]
    hung = [path for host, path in web.asked if host == "127.0.0.10" and path != "/robots.txt"]
    assert len(hung) == 1  # one timeout for the host, whatever the retries
    first, second = [h for h in web.of("127.0.0.11") if h.path == "/busy"]
    assert second.start - first.end >= 1.0 - EPSILON


JS_PAGE = (
    "<html><body><main id='app'>Chargement…</main><script>"
    "document.getElementById('app').innerHTML = "
    "'<h2>Les étapes</h2><ol><li>Rempl' + 'ir le formulaire</li><li>Déposer le dossier</li></ol>';"
    "</script></body></html>"
).encode()


def test_a_page_that_needs_javascript_is_captured_as_rendered(web: MiniWeb) -> None:
    base = web.host("127.0.0.12", {"/robots.txt": robots(""), "/app": Route(body=JS_PAGE)})
    gate = HostGate(Politeness(delay=0.0, jitter=0, contact="ops@example.org"))
    plain = fetch(f"{base}/app", gate=gate)
    assert b"Remplir le formulaire" not in plain.data
    rendered = fetch(f"{base}/app", gate=gate, render="browser")
    assert b"<li>Remplir le formulaire</li>" in rendered.data
    assert rendered.content_type == "text/html; charset=utf-8"
    browser_hit = [h for h in web.of("127.0.0.12") if h.path == "/app"][-1]
    assert "contact: ops@example.org" in browser_hit.agent  # the browser says who it is


def test_without_a_browser_the_error_says_how_to_install_one(
    web: MiniWeb, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    base = web.host("127.0.0.13", {"/robots.txt": robots(""), "/app": Route(body=JS_PAGE)})
    monkeypatch.setenv("DALIL_CHROMIUM", str(tmp_path / "no-chromium"))
    gate = HostGate(Politeness(delay=0.0, jitter=0))
    with pytest.raises(FetchError, match="apt-get install chromium") as failed:
        fetch(f"{base}/app", gate=gate, render="browser")
    assert failed.value.retryable is False and f"{base}/app" in str(failed.value)
