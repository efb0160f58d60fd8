"""Load test of `trdfaq serve` on loopback: /api/health and /api/ask, 1 then 2 workers.

Starts the real server (`python -m trdfaq serve`) for each worker count, drives it with 32
keep-alive HTTP/1.1 connections (wrk when it is installed, else clients written on asyncio
streams), and prints requests/s, p50/p99 latency, errors, server CPU per request and the
server's resident memory after each round: /api/health and /api/ask alone, taking turns,
then both at once. Every question is distinct within 1,000+ (phrasings x topics), so no
answer cache can stand in for retrieval; like real questions they share words and topics,
which the pipeline's small per-word and per-concept memories do use. Stops by itself:
each measurement lasts --duration seconds.

    python benchmarks/load_test.py                  # 5 rounds of 3 s per route, medians
    python benchmarks/load_test.py --rounds 1 --duration 60    # the memory-flat run
    python benchmarks/load_test.py --client python  # without wrk
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

HOST = "127.0.0.1"
TARGET_RATIO = 0.40  # /api/ask throughput as a share of /api/health's
TARGET_P99_MS = 50.0
_ID = re.compile(rb'"conversation_id":"([^"]+)"')

PHRASINGS = [
    "what is {t}?",
    "how does {t} work?",
    "is {t} safe?",
    "what are the side effects of {t}?",
    "how long does {t} take to work?",
    "how effective is {t} for treatment-resistant depression?",
    "who is {t} for?",
    "how often is {t} given?",
    "does {t} help when antidepressants fail?",
    "can you tell me about {t}",
    "is {t} approved for depression?",
    "what should caregivers know about {t}?",
    "what are the risks of {t}?",
    "how is {t} different from other treatments?",
    "what does research say about {t}?",
    "can {t} affect memory?",
    "is {t} painful?",
    "how many sessions of {t} are needed?",
    "what happens during {t}?",
    "is {t} a last resort?",
    "my doctor mentioned {t}, what is it?",
    "how fast can {t} work?",
    "is {t} used for TRD?",
    "are there alternatives to {t}?",
    "does {t} work for everyone?",
]
TOPICS = [
    "ketamine",
    "esketamine",
    "Spravato nasal spray",
    "ECT",
    "electroconvulsive therapy",
    "rTMS",
    "TMS",
    "transcranial magnetic stimulation",
    "deep brain stimulation",
    "vagus nerve stimulation",
    "psilocybin",
    "psychedelic therapy",
    "lithium",
    "augmentation",
    "antipsychotic augmentation",
    "antidepressants",
    "SSRIs",
    "switching antidepressants",
    "combining antidepressants",
    "psychotherapy",
    "CBT",
    "talk therapy",
    "nutrition",
    "diet",
    "gut health",
    "the gut microbiome",
    "exercise",
    "sleep",
    "inflammation",
    "pharmacogenomic testing",
    "genetic testing",
    "treatment-resistant depression",
    "TRD",
    "thyroid hormone",
    "MAOIs",
    "tricyclic antidepressants",
    "ketamine infusions",
    "brain stimulation",
    "neuromodulation",
    "medication changes",
    "relapse prevention",
    "remission",
    "measurement-based care",
    "mindfulness",
    "family support",
]


def questions() -> list[str]:
    """Every phrasing with every topic, shuffled reproducibly."""
    out = [p.format(t=t) for p, t in itertools.product(PHRASINGS, TOPICS)]
    random.Random(0).shuffle(out)
    return out


@dataclass(frozen=True)
class Result:
    """One measurement of one route."""

    rate: float  # successful requests per second
    p50: float  # milliseconds
    p99: float
    errors: int

    def line(self) -> str:
        """Requests/s, p50, p99 and errors."""
        return (
            f"{self.rate:8,.0f} req/s  p50 {self.p50:6.1f} ms  p99 {self.p99:6.1f} ms  "
            f"errors {self.errors}"
        )


# --- the asyncio client -------------------------------------------------------------------


def _request(path: str, body: bytes | None = None) -> bytes:
    if body is None:
        return f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\n\r\n".encode()
    return (
        f"POST {path} HTTP/1.1\r\nHost: {HOST}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode() + body


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    return int(head[9:12]), await reader.readexactly(length)


class Clients:
    """Keep-alive connections, each sending health checks or questions until a deadline."""

    def __init__(self, port: int, qs: list[str]) -> None:
        self.port, self.qs = port, qs
        self.counter = itertools.count()
        self.latencies: dict[str, list[float]] = {"health": [], "ask": []}
        self.errors = {"health": 0, "ask": 0}

    def _ask(self, conversation: bytes | None) -> bytes:
        question = self.qs[next(self.counter) % len(self.qs)]
        cid = conversation.decode() if conversation else None
        return _request(
            "/api/ask", json.dumps({"question": question, "conversation_id": cid}).encode()
        )

    async def client(self, kind: str, deadline: float) -> None:
        """One connection; a conversation lasts 4 questions; reconnects after an error."""
        health, conversation, turns = _request("/api/health"), None, 0
        while time.perf_counter() < deadline:
            try:
                reader, writer = await asyncio.open_connection(HOST, self.port)
            except OSError:
                self.errors[kind] += 1
                await asyncio.sleep(0.05)
                continue
            try:
                while time.perf_counter() < deadline:
                    start = time.perf_counter()
                    writer.write(health if kind == "health" else self._ask(conversation))
                    status, body = await _read_response(reader)
                    if status != 200:
                        self.errors[kind] += 1
                        continue
                    self.latencies[kind].append(time.perf_counter() - start)
                    if kind == "ask":
                        turns = (turns + 1) % 4
                        found = _ID.search(body)
                        conversation = found.group(1) if found and turns else None
            except (OSError, asyncio.IncompleteReadError, ValueError):
                self.errors[kind] += 1
            finally:
                writer.close()
                with contextlib.suppress(OSError):
                    await writer.wait_closed()

    def result(self, kind: str, seconds: float) -> Result:
        """What the clients of one kind measured."""
        ms = sorted(x * 1000 for x in self.latencies[kind]) or [0.0]
        return Result(
            len(self.latencies[kind]) / seconds,
            ms[len(ms) // 2],
            ms[min(len(ms) - 1, int(len(ms) * 0.99))],
            self.errors[kind],
        )


async def _drive(port: int, kinds: list[str], seconds: float, qs: list[str]) -> Clients:
    clients = Clients(port, qs)
    deadline = time.perf_counter() + seconds
    tasks = [asyncio.create_task(clients.client(kind, deadline)) for kind in kinds]
    await asyncio.wait_for(asyncio.gather(*tasks), timeout=seconds + 30)
    return clients


def python_client(
    port: int, mix: dict[str, int], seconds: float, qs: list[str]
) -> dict[str, Result]:
    """Drive `mix` (route kind -> connections) with the asyncio client."""
    kinds = [kind for kind, n in mix.items() for _ in range(n)]
    clients = asyncio.run(_drive(port, kinds, seconds, qs))
    return {kind: clients.result(kind, seconds) for kind in mix}


# --- wrk --------------------------------------------------------------------------------

_LUA = """bodies = {%s}
count = 0
threads = 0
function setup(thread) thread:set("offset", threads * 7919); threads = threads + 1 end
function request()
  count = count + 1
  local body = bodies[((offset or 0) + count) %% #bodies + 1]
  return wrk.format("POST", "/api/ask", {["Content-Type"] = "application/json"}, body)
end
"""
_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _wrk_command(port: int, kind: str, connections: int, seconds: float, lua: Path) -> list[str]:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds:g}s", "--latency", "--timeout", "10s"]
    if kind == "ask":
        command += ["-s", str(lua)]
    return [*command, f"http://{HOST}:{port}/api/{kind}"]


def _parse_wrk(output: str) -> Result:
    def latency(percent: str) -> float:
        found = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.M)
        return float(found.group(1)) * _UNITS[found.group(2)] if found else float("nan")

    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), "
        r"timeout (\d+)",
        output,
    )
    errors = int(non_2xx.group(1)) if non_2xx else 0
    errors += sum(map(int, socket_errors.groups())) if socket_errors else 0
    return Result(float(rate.group(1)) if rate else 0.0, latency("50"), latency("99"), errors)


def wrk_client(port: int, mix: dict[str, int], seconds: float, qs: list[str]) -> dict[str, Result]:
    """Drive `mix` with one wrk process per route kind (every question a new conversation)."""
    with tempfile.TemporaryDirectory() as folder:
        lua = Path(folder) / "ask.lua"
        bodies = ",\n".join(f"[==[{json.dumps({'question': q})}]==]" for q in qs)
        lua.write_text(_LUA % bodies)
        runs = {
            kind: subprocess.Popen(
                _wrk_command(port, kind, n, seconds, lua), stdout=subprocess.PIPE, text=True
            )
            for kind, n in mix.items()
        }
        return {
            kind: _parse_wrk(run.communicate(timeout=seconds + 60)[0]) for kind, run in runs.items()
        }


# --- the server -------------------------------------------------------------------------


def _tree(pid: int) -> list[int]:
    """A process and all its descendants."""
    out, todo = [], [pid]
    while todo:
        current = todo.pop()
        with contextlib.suppress(OSError):
            todo += map(int, Path(f"/proc/{current}/task/{current}/children").read_text().split())
            out.append(current)
    return out


def rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants, in MB."""
    total = 0
    for current in _tree(pid):
        with contextlib.suppress(OSError):
            status = Path(f"/proc/{current}/status").read_text().splitlines()
            total += next(int(x.split()[1]) for x in status if x.startswith("VmRSS:"))
    return total / 1024


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) used so far by a process and its descendants."""
    ticks = 0
    for current in _tree(pid):
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def worker_cpu(pid: int) -> dict[int, float]:
    """CPU seconds used so far by each direct child of a process (the workers of `--workers
    2`; the spawn machinery's resource tracker uses next to none)."""
    with contextlib.suppress(OSError):
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        return {int(child): cpu_seconds(int(child)) for child in children}
    return {}


def start_server(workers: int, *options: str) -> tuple[subprocess.Popen[bytes], int]:
    """`trdfaq serve` (with `options`) with the rate limiter on but far above the load; wait
    until it answers."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
    command = [
        sys.executable,
        "-m",
        "trdfaq",
        "serve",
        "--host",
        HOST,
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--rate-limit",
        "100000000",
        *options,
    ]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with urllib.request.urlopen(f"http://{HOST}:{port}/api/health", timeout=1):
                return server, port
        except OSError:
            time.sleep(0.2)
    status = server.poll()
    stop_server(server)
    if status is not None:
        raise SystemExit(f"the server exited with status {status}: run {' '.join(command)}")
    raise SystemExit("the server did not answer /api/health within 60 s")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    """Interrupt the server and wait for it (killing it if it hangs)."""
    server.send_signal(signal.SIGINT)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


def _typical(results: list[Result]) -> Result:
    """The median rate, p50 and p99 of several measurements of one route; all their errors."""
    return Result(
        _median([r.rate for r in results]),
        _median([r.p50 for r in results]),
        _median([r.p99 for r in results]),
        sum(r.errors for r in results),
    )


def run(workers: int, args: argparse.Namespace, qs: list[str]) -> list[str]:
    """Measure one worker count; return the targets it missed.

    /api/health and /api/ask take turns, --rounds times each; each figure is the median of
    its rounds, and the throughput ratio the median of each round's: on a shared 2-core
    machine one measurement can be 30% off the next.
    """
    drive = wrk_client if args.client == "wrk" else python_client
    server, port = start_server(workers)
    n = args.clients
    try:
        python_client(port, {"ask": n}, args.warmup, qs)  # every worker warm, the store filling
        rss = [rss_mb(server.pid)]
        rounds: dict[str, list[Result]] = {"health": [], "ask": []}
        cpu: dict[str, list[float]] = {"health": [], "ask": []}  # server CPU ms per request
        # How evenly the workers share the load: each one's part of the CPU all of them used
        # on /api/ask (with a socket each, the kernel spreads the connections; on one shared
        # socket, they go to whichever worker accepts first).
        shares: list[list[float]] = []
        for _ in range(args.rounds):
            for kind in ("health", "ask"):
                before, per_worker = cpu_seconds(server.pid), worker_cpu(server.pid)
                result = drive(port, {kind: n}, args.duration, qs)[kind]
                used = cpu_seconds(server.pid) - before
                if kind == "ask" and workers > 1:
                    spent = [t - per_worker.get(w, 0.0) for w, t in worker_cpu(server.pid).items()]
                    busy = sorted((t for t in spent if t > 0.05), reverse=True)
                    shares.append([t / sum(busy) for t in busy] if busy else [])
                rounds[kind].append(result)
                cpu[kind].append(used * 1000 / max(1.0, result.rate * args.duration))
            rss.append(rss_mb(server.pid))
        mixed = drive(port, {"health": n // 2, "ask": n - n // 2}, args.duration, qs)
        rss.append(rss_mb(server.pid))
    finally:
        stop_server(server)
    health, ask = _typical(rounds["health"]), _typical(rounds["ask"])
    ratios = [
        a.rate / max(h.rate, 1e-9) for h, a in zip(rounds["health"], rounds["ask"], strict=True)
    ]
    ratio = _median(ratios)  # of neighbouring measurements: robust to the machine's drift
    print(
        f"workers={workers}  {n} connections, {args.rounds} rounds of {args.duration:g} s "
        f"per route (medians), client {args.client}"
    )
    print(
        f"  /api/health        {health.line()}  server CPU {_median(cpu['health']):.2f} ms/request"
    )
    print(f"  /api/ask           {ask.line()}  server CPU {_median(cpu['ask']):.2f} ms/request")
    print(
        f"  /api/ask throughput {ratio:.2f} of /api/health's (rounds: "
        + ", ".join(f"{r:.2f}" for r in ratios)
        + ")"
    )
    if shares:
        print(
            "  share of /api/ask CPU per worker, busiest first (each round): "
            + ", ".join("/".join(f"{x:.2f}" for x in round_) for round_ in shares)
        )
    print(f"  both: /api/health  {mixed['health'].line()}")
    print(f"        /api/ask     {mixed['ask'].line()}")
    print(
        "  server RSS (all processes) after warm-up, each round, both: "
        + " -> ".join(f"{mb:.1f}" for mb in rss)
        + " MB"
    )
    missed = []
    if ratio < TARGET_RATIO:
        missed.append(f"workers={workers}: /api/ask at {ratio:.2f} of /api/health")
    for name, result in (("health", health), ("ask", ask)):
        if not result.p99 < TARGET_P99_MS:
            missed.append(f"workers={workers}: /api/{name} p99 {result.p99:.1f} ms")
    errors = health.errors + ask.errors + sum(r.errors for r in mixed.values())
    if errors:
        missed.append(f"workers={workers}: {errors} errors")
    return missed


def main() -> int:
    """Parse options, run each worker count, report the targets."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=3.0, help="seconds per measurement")
    parser.add_argument("--rounds", type=int, default=5, help="measurements of each route")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of warm-up")
    parser.add_argument("--clients", type=int, default=32, help="concurrent connections")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument(
        "--client", choices=["wrk", "python"], default="wrk" if shutil.which("wrk") else "python"
    )
    args = parser.parse_args()
    qs = questions()
    os.environ.setdefault("TRDFAQ_CACHE_DIR", str(Path(tempfile.gettempdir()) / "trdfaq-load"))
    print(
        f"{len(qs):,} distinct questions; loopback {HOST}; {os.cpu_count()} CPUs; "
        f"load average {os.getloadavg()[0]:.2f} before the run"
    )
    missed = [m for workers in args.workers for m in run(workers, args, qs)]
    print(
        f"targets: /api/ask >= {TARGET_RATIO:.2f} of /api/health, p99 < {TARGET_P99_MS:g} ms, "
        "no errors: " + ("met" if not missed else "MISSED: " + "; ".join(missed))
    )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
