"""Live fetch against a real local HTTP server (pytest-httpserver)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from extractors.extract import sniff_kind
from flows.acquire import FetchError, default_gate, fetch, load_registry
from flows.pipeline import run_refresh
from flows.store import Store
from tests.conftest import write_registry

PAGE = "<!DOCTYPE html><html lang='ar'><body><h1>التسجيل</h1><p>الخطوة الأولى</p></body></html>"


def test_200_returns_the_body_and_validators(httpserver: HTTPServer) -> None:
    agent = default_gate().policy.user_agent
    httpserver.expect_request("/page", headers={"User-Agent": agent}).respond_with_data(
        PAGE,
        content_type="text/html; charset=utf-8",
        headers={"ETag": '"v1"', "Last-Modified": "Mon, 01 Sep 2025 06:00:00 GMT"},
    )
    result = fetch(httpserver.url_for("/page"))
    assert result.status == 200 and result.data == PAGE.encode()
    assert (result.etag, result.last_modified) == (
        '"v1"',
        "Mon, 01 Sep 2025 06:00:00 GMT",
    )


def test_304_when_the_validators_match(httpserver: HTTPServer) -> None:
    httpserver.expect_request(
        "/page",
        headers={"If-None-Match": '"v1"', "If-Modified-Since": "Mon, 01 Sep 2025 06:00:00 GMT"},
    ).respond_with_data("", status=304)
    result = fetch(
        httpserver.url_for("/page"), etag='"v1"', last_modified="Mon, 01 Sep 2025 06:00:00 GMT"
    )
    assert result.not_modified and result.data is None


def test_pdf_is_sniffed_whatever_the_content_type(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/doc").respond_with_data(
        b"%PDF-1.7\n...", content_type="application/octet-stream"
    )
    assert sniff_kind(fetch(httpserver.url_for("/doc")).data) == "pdf"


def test_404_is_a_permanent_error(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/gone").respond_with_data("no", status=404)
    with pytest.raises(FetchError, match="HTTP 404") as info:
        fetch(httpserver.url_for("/gone"))
    assert info.value.retryable is False
    assert httpserver.url_for("/gone") in str(info.value)


def test_500_is_retryable(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/flaky").respond_with_data("oops", status=500)
    with pytest.raises(FetchError, match="HTTP 500") as info:
        fetch(httpserver.url_for("/flaky"))
    assert info.value.retryable is True


def test_slow_response_hits_the_timeout(httpserver: HTTPServer) -> None:
    def slow(_request: Request) -> Response:
        time.sleep(2)
        return Response(PAGE)

    httpserver.expect_request("/slow").respond_with_handler(slow)
    started = time.monotonic()
    with pytest.raises(FetchError, match="timed out") as info:
        fetch(httpserver.url_for("/slow"), timeout=0.5)
    assert info.value.retryable is True
    assert time.monotonic() - started < 1.9


@pytest.mark.parametrize("chunked", [False, True])
def test_oversize_body_is_refused(httpserver: HTTPServer, chunked: bool) -> None:
    body = b"x" * 5000
    if chunked:
        httpserver.expect_request("/big").respond_with_response(
            Response(iter([body[:2500], body[2500:]]))
        )
    else:
        httpserver.expect_request("/big").respond_with_data(body)
    with pytest.raises(FetchError, match="exceeds the 1000-byte cap"):
        fetch(httpserver.url_for("/big"), max_bytes=1000)


def test_redirect_loop_is_cut(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/a").respond_with_data("", status=302, headers={"Location": "/b"})
    httpserver.expect_request("/b").respond_with_data("", status=302, headers={"Location": "/a"})
    with pytest.raises(FetchError, match="more than 3 redirects"):
        fetch(httpserver.url_for("/a"), max_redirects=3)


def test_redirect_is_followed(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/old").respond_with_data(
        "", status=301, headers={"Location": "/new"}
    )
    httpserver.expect_request("/new").respond_with_data("plain text page")
    result = fetch(httpserver.url_for("/old"))
    assert result.url == httpserver.url_for("/new") and result.data == b"plain text page"


def live_registry(tmp_path: Path, url: str) -> Path:
    snap = tmp_path / "snapshots" / "live-page"
    snap.mkdir(parents=True)
    (snap / "2025-09-01.txt").write_text("نسخة أولى من الصفحة.\n", encoding="utf-8")
    return write_registry(
        tmp_path / "sources.yaml",
        f"""\
  - id: live-page
    title: Live page
    publisher: CNSS
    kind: html
    languages: [ar]
    url: {url}
    snapshots:
      - date: 2025-09-01
        path: snapshots/live-page/2025-09-01.txt
""",
    )


def test_failed_fetch_never_changes_or_overwrites_the_last_version(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    registry = load_registry(live_registry(tmp_path, httpserver.url_for("/page")))
    store = Store(tmp_path / "store")
    httpserver.expect_ordered_request("/page").respond_with_data(
        "صفحة حية: الخطوة الأولى.\n", content_type="text/plain", headers={"ETag": '"v1"'}
    )
    httpserver.expect_ordered_request("/page").respond_with_data("broken", status=503)
    httpserver.expect_ordered_request("/page", headers={"If-None-Match": '"v1"'}).respond_with_data(
        "", status=304
    )

    (first,) = run_refresh(store, registry, registry.sources, offline=False)
    assert first.outcome == "new" and len(first.versions) == 2  # the corpus snapshot, then live
    latest = (tmp_path / "store" / "latest" / "live-page.json").read_bytes()
    changes = sorted((tmp_path / "store" / "changes" / "live-page").iterdir())

    (second,) = run_refresh(store, registry, registry.sources, offline=False)
    assert second.outcome == "failed" and "HTTP 503" in second.error and second.versions == []
    assert (tmp_path / "store" / "latest" / "live-page.json").read_bytes() == latest
    assert sorted((tmp_path / "store" / "changes" / "live-page").iterdir()) == changes
    assert (
        json.loads((tmp_path / "store" / "index.json").read_text())["sources"]["live-page"][
            "status"
        ]
        == "failing"
    )

    (third,) = run_refresh(store, registry, registry.sources, offline=False)
    assert third.outcome == "unchanged"
    assert Store(tmp_path / "store").state("live-page").status == "ok"


def test_offline_makes_no_request(httpserver: HTTPServer, tmp_path: Path) -> None:
    registry = load_registry(live_registry(tmp_path, httpserver.url_for("/page")))
    (outcome,) = run_refresh(Store(tmp_path / "store"), registry, registry.sources, offline=True)
    assert outcome.outcome == "new" and len(outcome.versions) == 1
    assert httpserver.log == []


def test_slow_drip_body_hits_the_whole_download_deadline(httpserver: HTTPServer) -> None:
    def drip():
        for _ in range(20):
            time.sleep(0.2)
            yield b"<p>x</p>"

    httpserver.expect_request("/drip").respond_with_response(Response(drip()))
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"did not finish in time|timed out"):
        fetch(httpserver.url_for("/drip"), timeout=1.0)
    assert time.monotonic() - started < 3


def test_5xx_then_recovery(httpserver: HTTPServer) -> None:
    httpserver.expect_ordered_request("/page").respond_with_data("down", status=503)
    httpserver.expect_ordered_request("/page").respond_with_data(PAGE, content_type="text/html")
    with pytest.raises(FetchError) as info:
        fetch(httpserver.url_for("/page"))
    assert info.value.retryable
    assert fetch(httpserver.url_for("/page")).data == PAGE.encode()


def test_connection_reset_is_a_retryable_network_error() -> None:
    import socket
    import struct
    import threading

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)

    def reset() -> None:
        conn, _ = server.accept()
        conn.recv(1024)
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        conn.close()  # RST instead of an answer

    threading.Thread(target=reset, daemon=True).start()
    port = server.getsockname()[1]
    with pytest.raises(FetchError, match="network error") as info:
        fetch(f"http://127.0.0.1:{port}/page", timeout=5)
    assert info.value.retryable
    server.close()


def test_redirect_to_a_loopback_host_is_refused_unless_allowed(httpserver: HTTPServer) -> None:
    inside = httpserver.url_for("/inside")  # the same server under its other loopback name
    swap = ("localhost", "127.0.0.1") if "localhost" in inside else ("127.0.0.1", "localhost")
    target = inside.replace(*swap)
    httpserver.expect_request("/out").respond_with_data(
        "", status=302, headers={"Location": target}
    )
    httpserver.expect_request("/inside").respond_with_data("internal page")
    with pytest.raises(FetchError, match="private or loopback address refused") as info:
        fetch(httpserver.url_for("/out"))
    assert not info.value.retryable
    assert fetch(httpserver.url_for("/out"), allow_private=True).data == b"internal page"


def test_redirect_to_a_private_network_is_refused(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/out").respond_with_data(
        "", status=302, headers={"Location": "http://10.255.255.1/admin"}
    )
    started = time.monotonic()
    with pytest.raises(FetchError, match="private or loopback address refused"):
        fetch(httpserver.url_for("/out"), timeout=5)
    assert time.monotonic() - started < 2  # refused before any connection


def test_gzip_bomb_is_cut_at_the_cap(httpserver: HTTPServer) -> None:
    import gzip

    bomb = gzip.compress(b"\0" * (20 * 1024 * 1024))
    assert len(bomb) < 50_000
    httpserver.expect_request("/bomb").respond_with_data(
        bomb, headers={"Content-Encoding": "gzip"}, content_type="text/html"
    )
    with pytest.raises(FetchError, match="exceeds the 1048576-byte cap"):
        fetch(httpserver.url_for("/bomb"), max_bytes=1024 * 1024)


def test_wrong_content_type_is_a_clear_error(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/logo").respond_with_data(
        b"\x89PNG\r\n\x1a\n" + b"\0" * 100, content_type="image/png"
    )
    with pytest.raises(FetchError, match="content type image/png is not a page or a PDF"):
        fetch(httpserver.url_for("/logo"))
    # a page served with a wrong type is still read: the bytes decide
    httpserver.expect_request("/page").respond_with_data(PAGE, content_type="image/png")
    assert fetch(httpserver.url_for("/page")).data == PAGE.encode()
