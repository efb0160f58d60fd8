"""Start `trdfaq chat` or `trdfaq serve` as a documented command would, check that it
comes up, then stop it: how the docs tests run commands that otherwise run until stopped.

    python tests/docs_startup.py TRDFAQ_EXECUTABLE chat [options...]
    python tests/docs_startup.py TRDFAQ_EXECUTABLE serve [options...]

chat runs in a pseudo-terminal of 80x24 until its greeting is on screen, then gets Ctrl+Q
and must exit 0. serve must answer GET /api/health, then gets Ctrl+C (SIGINT); its --port
is replaced by a free one, so that a documented port in use cannot fail the test. Exit
status 0 when the program came up and stopped cleanly; 1 with the reason otherwise.
"""

from __future__ import annotations

import fcntl
import os
import re
import select
import signal
import socket
import struct
import subprocess
import sys
import termios
import time
import urllib.request

TIMEOUT = 120.0  # seconds to come up: a first run builds the index
_ESCAPES = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[@-Z\\-_])")


def _option(args: list[str], name: str) -> str | None:
    return args[args.index(name) + 1] if name in args[:-1] else None


def _greeting(args: list[str]) -> str:
    from trdfaq.loader import load_assistant

    return load_assistant(_option(args, "--corpus")).prompts.greeting


def check_chat(executable: str, args: list[str]) -> str | None:
    """None when the chat showed its greeting and quit on Ctrl+Q; else what went wrong."""
    # Six words tell the bundled greeting from a corpus's own, and fit on one line at 80.
    expected = "".join(_greeting(args).split()[:6])
    controller, terminal = os.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "80", "LINES": "24"}
    process = subprocess.Popen(
        [executable, *args], stdin=terminal, stdout=terminal, stderr=terminal, env=env,
        start_new_session=True,
    )  # fmt: skip
    os.close(terminal)
    seen = b""
    deadline = time.monotonic() + TIMEOUT
    shown = False
    try:
        while time.monotonic() < deadline and process.poll() is None:
            ready, _, _ = select.select([controller], [], [], 0.2)
            if ready:
                try:
                    seen += os.read(controller, 65536)
                except OSError:
                    break
            screen = "".join(_ESCAPES.sub("", seen.decode("utf-8", "replace")).split())
            if expected in screen:
                shown = True
                break
        if not shown:
            tail = _ESCAPES.sub("", seen.decode("utf-8", "replace"))[-400:]
            return f"the greeting {expected!r} never appeared; exit {process.poll()}: {tail!r}"
        os.write(controller, b"\x11")  # Ctrl+Q
        end = time.monotonic() + 20
        while process.poll() is None and time.monotonic() < end:
            ready, _, _ = select.select([controller], [], [], 0.2)
            if ready:
                try:
                    os.read(controller, 65536)
                except OSError:
                    break
        code = process.wait(timeout=5)
        return None if code == 0 else f"the chat exited {code} after Ctrl+Q"
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(controller)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def check_serve(executable: str, args: list[str]) -> str | None:
    """None when the server answered /api/health and stopped on SIGINT; else what went wrong."""
    port = _free_port()
    if "--port" in args:
        args[args.index("--port") + 1] = str(port)
    else:
        args += ["--port", str(port)]
    process = subprocess.Popen(
        [executable, *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    url = f"http://127.0.0.1:{port}/api/health"
    deadline = time.monotonic() + TIMEOUT
    healthy = False
    try:
        while time.monotonic() < deadline and process.poll() is None and not healthy:
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    healthy = response.status == 200
            except OSError:
                time.sleep(0.2)
        if not healthy:
            output = process.stdout.read() if process.poll() is not None and process.stdout else ""
            return f"{url} never answered; exit {process.poll()}: {output[-400:]!r}"
        process.send_signal(signal.SIGINT)
        code = process.wait(timeout=30)
        # 130: trdfaq's exit status after Ctrl+C, as for any program stopped by SIGINT.
        return None if code in (0, 130) else f"the server exited {code} after Ctrl+C"
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def main() -> int:
    executable, command, *rest = sys.argv[1:]
    check = {"chat": check_chat, "serve": check_serve}[command]
    problem = check(executable, [command, *rest])
    if problem is not None:
        print(f"docs_startup: trdfaq {command}: {problem}", file=sys.stderr)
        return 1
    print(f"(trdfaq {command} came up and stopped cleanly)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
