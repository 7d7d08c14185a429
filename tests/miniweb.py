"""A local mini-web for fetch tests: loopback hosts (127.0.0.x) serving fixed routes, every
request recorded on arrival and every answer timed before it is sent."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Hit:
    host: str
    path: str
    agent: str
    start: float
    end: float


@dataclass
class Route:
    status: int = 200
    body: bytes = b"<html><body><p>Une page.</p></body></html>"
    sleep: float = 0.0
    headers: tuple[tuple[str, str], ...] = (("Content-Type", "text/html; charset=utf-8"),)
    then: Route | None = None  # the answer from the second request on


class MiniWeb:
    """Loopback hosts serving fixed routes, recording every request."""

    def __init__(self) -> None:
        self.hits: list[Hit] = []  # answered requests
        self.asked: list[tuple[str, str]] = []  # every request, (host, path), on arrival
        self._lock = threading.Lock()
        self._servers: list[ThreadingHTTPServer] = []

    def host(self, address: str, routes: dict[str, Route]) -> str:
        web = self
        served: dict[str, int] = {}

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                start = time.monotonic()
                with web._lock:
                    web.asked.append((address, self.path))
                route = routes.get(self.path, Route(404, b"not found"))
                count = served.get(self.path, 0)
                served[self.path] = count + 1
                if count and route.then is not None:
                    route = route.then
                time.sleep(route.sleep)
                # the answer's time is taken before it is sent: the client cannot have it
                # any earlier, so a gap measured from here is never longer than the real one
                end = time.monotonic()
                with web._lock:
                    web.hits.append(
                        Hit(address, self.path, self.headers.get("User-Agent", ""), start, end)
                    )
                try:
                    self.send_response(route.status)
                    for name, value in route.headers:
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(route.body)))
                    self.end_headers()
                    self.wfile.write(route.body)
                except OSError:
                    pass  # the client gave up (a timeout test)

            def log_message(self, *args: object) -> None:
                pass

        server = ThreadingHTTPServer((address, 0), Handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self._servers.append(server)
        return f"http://{address}:{server.server_address[1]}"

    def of(self, address: str) -> list[Hit]:
        with self._lock:
            return sorted((h for h in self.hits if h.host == address), key=lambda h: h.start)

    def close(self) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()


def robots(text: str) -> Route:
    return Route(body=text.encode(), headers=(("Content-Type", "text/plain"),))


@contextmanager
def serve_asgi(app: object) -> Iterator[str]:
    """An ASGI app on a real uvicorn server on loopback; yields its base URL."""
    import socket

    import uvicorn

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(5)
