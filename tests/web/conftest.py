"""Fixtures that run the real server (`python -m trdfaq serve`) and a second site that embeds it."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import pytest

from .browser import CHROMIUM, LAUNCH_ARGS, PAGES, TIMEOUT

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

HOST = "127.0.0.1"


def free_port() -> int:
    """A loopback port nothing listens on (the OS picks it)."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Reply:
    """An HTTP response, read in full."""

    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        """The body as JSON."""
        return json.loads(self.body)


@dataclass
class Client:
    """Requests to one base URL, with urllib."""

    url: str

    def request(
        self,
        path: str,
        body: bytes | dict[str, Any] | None = None,
        *,
        method: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        """Send one request with urllib; HTTP errors are returned, not raised."""
        data = json.dumps(body).encode() if isinstance(body, dict) else body
        all_headers = {"Content-Type": "application/json"} if data is not None else {}
        all_headers.update(headers or {})
        request = urllib.request.Request(
            self.url + path, data=data, method=method, headers=all_headers
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return Reply(response.status, _lower(response.headers), response.read())
        except urllib.error.HTTPError as error:
            with error:
                return Reply(error.code, _lower(error.headers), error.read())

    def ask(self, question: Any, **fields: Any) -> Reply:
        """POST /api/ask."""
        return self.request("/api/ask", {"question": question, **fields})


@dataclass
class Server(Client):
    """A running `trdfaq serve` and the file its output goes to."""

    process: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        """Everything the server has written to stdout and stderr so far."""
        return self.log_path.read_text(errors="replace")

    def wait_for_log(self, text: str, timeout: float = 5.0) -> str:
        """The log, once it contains `text` (the access line is written after the response)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            log = self.log()
            if text in log:
                return log
            time.sleep(0.05)
        raise AssertionError(f"{text!r} never appeared in the server log:\n{self.log()}")

    def wait_for_workers(self, count: int, timeout: float = 60.0) -> None:
        """Wait until `count` worker processes (started ones and replacements) are serving."""
        deadline = time.monotonic() + timeout
        while self.log().count("Application startup complete") < count:
            assert time.monotonic() < deadline, self.log()
            time.sleep(0.1)


def _lower(headers: Any) -> dict[str, str]:
    return {name.lower(): value for name, value in headers.items()}


@contextmanager
def run_server(
    directory: Path, *args: str, env: dict[str, str] | None = None, port: int | None = None
) -> Iterator[Server]:
    """Start `python -m trdfaq serve ARGS` on a free port (or `port`), with `env` added to
    the environment; stop it (and close its log) after."""
    port = port or free_port()
    log_path = directory / f"server-{port}-{time.monotonic_ns()}.log"
    command = [sys.executable, "-m", "trdfaq", "serve", "--host", HOST, "--port", str(port), *args]
    environ = {k: v for k, v in os.environ.items() if k != "TRDFAQ_SECRET"} | (env or {})
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=environ)
        server = Server(f"http://{HOST}:{port}", process, log_path)
        try:
            _wait_until_up(server)
            yield server
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_until_up(server: Server, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"the server exited early:\n{server.log()}")
        try:
            if server.request("/api/health").status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"the server did not answer /api/health in {timeout:.0f} s:\n{server.log()}")


@dataclass
class Site:
    """A second website (another origin) with pages that embed the widget."""

    port: int
    api: str = ""
    pages: dict[str, Callable[[str], str]] = field(default_factory=dict)

    @property
    def origin(self) -> str:
        """The origin the server allows: http://localhost:PORT."""
        return f"http://localhost:{self.port}"

    @property
    def other_origin(self) -> str:
        """The same pages on an origin the server does not allow: http://127.0.0.1:PORT."""
        return f"http://{HOST}:{self.port}"


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            page = site.pages.get(self.path.split("?")[0])
            if page is None:
                self.send_error(404)
                return
            body = page(site.api).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture(scope="session")
def site() -> Iterator[Site]:
    """The embedding site, served on loopback by a thread (pages are added by the tests)."""
    httpd = ThreadingHTTPServer((HOST, 0), BaseHTTPRequestHandler)
    result = Site(httpd.server_address[1])
    httpd.RequestHandlerClass = _handler(result)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield result
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def server_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the servers' logs go."""
    return tmp_path_factory.mktemp("web-servers")


@pytest.fixture(scope="session")
def server(site: Site, server_dir: Path) -> Iterator[Server]:
    """The server every test shares: the embedding site's origin allowed, a generous limit."""
    with run_server(server_dir, "--allow-origin", site.origin, "--rate-limit", "100000") as srv:
        site.api = srv.url
        yield srv


def _unavailable(reason: str) -> NoReturn:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; CI=true, so the browser tests must run", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")  # not session: Playwright's event loop would stay running and
def browser() -> Iterator[Browser]:  # break asyncio tests collected after this module
    """Debian's Chromium driven by Playwright (never a downloaded browser)."""
    if not Path(CHROMIUM).exists():
        _unavailable(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install playwright)")
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
    except Error as exc:
        playwright.stop()
        _unavailable(f"Chromium at {CHROMIUM} would not start: {exc.message.splitlines()[0]}")
    yield chromium
    chromium.close()
    playwright.stop()


@pytest.fixture(scope="session")
def artifacts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where screenshots go: $TRDFAQ_ARTIFACTS, or a pytest temporary folder."""
    explicit = os.environ.get("TRDFAQ_ARTIFACTS")
    if explicit:
        Path(explicit).mkdir(parents=True, exist_ok=True)
        return Path(explicit)
    return tmp_path_factory.mktemp("widget-artifacts")


@pytest.fixture
def embed(site: Site, server: Server) -> Site:
    """The embedding site, with its pages, pointing at the test server."""
    site.pages.update(PAGES)
    return site


@pytest.fixture
def new_page(browser: Browser) -> Iterator[Callable[..., Page]]:
    """Opens fresh browser tabs (own cookies and storage, options as for new_context) that
    record any dialog they open; all closed after the test."""
    contexts = []

    def make(**options: Any) -> Page:
        context = browser.new_context(**({"viewport": {"width": 1000, "height": 900}} | options))
        contexts.append(context)
        context.set_default_timeout(TIMEOUT)
        tab = context.new_page()
        dialogs: list[str] = []
        tab.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        tab.dialogs = dialogs  # type: ignore[attr-defined]
        return tab

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page: Callable[..., Page]) -> Page:
    """A fresh browser tab, in US English."""
    return new_page(locale="en-US")
