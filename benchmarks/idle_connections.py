"""Idle and slow clients against `trdfaq serve` on loopback: does /api/health still answer?

Starts the real server (one worker, default --read-timeout 10 s), opens --idle connections
that send nothing and --slow connections that send their headers a byte a second, then
times --requests /api/health requests on one keep-alive connection while they are held, and
finally counts how many of the held connections the server has closed once the read
time-out has passed. Each round starts a fresh server. Loopback only, bounded (at most
5,000 connections; the whole run stops within about a minute per round).

    python benchmarks/idle_connections.py                 # 3 rounds, 2,000 idle + 100 slow
    python benchmarks/idle_connections.py --idle 4000 --rounds 1
"""

from __future__ import annotations

import argparse
import contextlib
import resource
import socket
import threading
import time

from load_test import HOST, start_server, stop_server  # benchmarks/ is the script's folder

TARGET_P99_MS = 50.0
MAX_CONNECTIONS = 5000
READ_TIMEOUT = 10.0


def hold(port: int, n: int) -> list[socket.socket]:
    """`n` connections that send nothing."""
    held = []
    for _ in range(n):
        sock = socket.create_connection((HOST, port), timeout=5)
        sock.setblocking(False)
        held.append(sock)
    return held


def trickle(socks: list[socket.socket], stop: threading.Event) -> None:
    """Send a request's headers a byte a second on each of `socks` until `stop`."""
    request = b"GET /api/health HTTP/1.1\r\nHost: x\r\nX-Pad: " + b"a" * 1000
    at = 0
    while not stop.wait(1.0) and at < len(request):
        for sock in socks:
            with contextlib.suppress(OSError):
                sock.send(request[at : at + 1])
        at += 1


def health_latencies(port: int, n: int) -> list[float]:
    """Milliseconds for each of `n` /api/health requests on one keep-alive connection."""
    request = f"GET /api/health HTTP/1.1\r\nHost: {HOST}\r\n\r\n".encode()
    times = []
    with socket.create_connection((HOST, port), timeout=10) as sock:
        for _ in range(n):
            start = time.perf_counter()
            sock.sendall(request)
            data = b""
            while b"\r\n\r\n" not in data:
                data += sock.recv(65536)
            head, _, body = data.partition(b"\r\n\r\n")
            length = int(head.lower().split(b"content-length:")[1].split(b"\r\n")[0])
            while len(body) < length:
                body += sock.recv(65536)
            times.append((time.perf_counter() - start) * 1000)
    return times


def closed(socks: list[socket.socket]) -> int:
    """How many of `socks` the server has closed (a read returns end of file or an error)."""
    count = 0
    for sock in socks:
        try:
            if sock.recv(1) == b"":
                count += 1
        except BlockingIOError:
            pass
        except OSError:
            count += 1
    return count


def one_round(args: argparse.Namespace) -> tuple[float, float, int, int]:
    """p50 and p99 of /api/health with the connections held, and how many were closed."""
    server, port = start_server(1, "--read-timeout", str(READ_TIMEOUT))
    stop = threading.Event()
    try:
        idle = hold(port, args.idle)
        slow = hold(port, args.slow)
        thread = threading.Thread(target=trickle, args=(slow, stop), daemon=True)
        thread.start()
        times = sorted(health_latencies(port, args.requests))
        time.sleep(READ_TIMEOUT + 2.0)
        gone = closed(idle + slow)
        stop.set()
        thread.join()
        for sock in idle + slow:
            sock.close()
    finally:
        stop_server(server)
    p50 = times[len(times) // 2]
    p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
    return p50, p99, gone, args.idle + args.slow


def main() -> int:
    """Run the rounds and print ranges."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--idle", type=int, default=2000, help="connections sending nothing")
    parser.add_argument("--slow", type=int, default=100, help="connections trickling headers")
    parser.add_argument("--requests", type=int, default=1000, help="/api/health requests timed")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if args.idle + args.slow > MAX_CONNECTIONS:
        raise SystemExit(f"at most {MAX_CONNECTIONS:,} connections in all")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = args.idle + args.slow + 256
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(wanted, hard), hard))
    results = [one_round(args) for _ in range(args.rounds)]
    p50s, p99s = [r[0] for r in results], [r[1] for r in results]
    print(
        f"{args.idle:,} idle + {args.slow:,} slow connections held, {args.requests:,} "
        f"/api/health requests, {args.rounds} rounds"
    )
    print(
        f"  /api/health p50 {min(p50s):.1f}-{max(p50s):.1f} ms, p99 {min(p99s):.1f}-{max(p99s):.1f} ms"
    )
    print(
        f"  closed by the server {READ_TIMEOUT + 2:.0f} s later: "
        + ", ".join(f"{gone:,} of {total:,}" for _, _, gone, total in results)
    )
    missed = max(p99s) >= TARGET_P99_MS or any(gone < total for _, _, gone, total in results)
    print("targets met" if not missed else "TARGET MISSED")
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
