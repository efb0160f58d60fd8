"""Median time from process start to the chat's first interactive screen (target: under 1 s).

Each run starts a fresh Python process that loads the bundled assistant (from a warm cache,
as on every start but the first), starts the chat headless at 80x24 and reports as soon as
its first screen is mounted, painted and the question box has the focus. The parent times
from just before starting the process to that report, so interpreter start-up, imports and
loading are all counted; shutting down is not.

With --loader the chat is given the loading function instead (as `trdfaq chat` can give
it): it reports when its first screen (the loading state) is painted and when it is
interactive, both with a cold cache (the first run after install) and a warm one.

    python benchmarks/chat_startup.py [--runs 7] [--budget 60] [--loader]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_S = 1.0
READY = "ready"
CHILD = f"""
import asyncio
from trdfaq import Assistant
from trdfaq.tui import make_app

async def main() -> None:
    app = make_app(Assistant.load())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.query_one("#question").has_focus
        print({READY!r}, flush=True)

asyncio.run(main())
"""


FIRST = "first"
LOADER_CHILD = f"""
import asyncio
from trdfaq import Assistant
from trdfaq.tui import make_app

async def main() -> None:
    app = make_app(Assistant.load)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.query("#loading-text") or app.query("#question")
        print({FIRST!r}, flush=True)
        while not app.query("#question"):
            await pilot.pause(0.005)
        await pilot.pause()
        assert app.query_one("#question").has_focus
        print({READY!r}, flush=True)

asyncio.run(main())
"""


def one_run(env: dict[str, str], timeout: float, child_code: str = CHILD) -> list[float]:
    """Seconds from process start to each line the child prints (the last: interactive)."""
    start = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", child_code], stdout=subprocess.PIPE, text=True, env=env
    )
    marks: list[float] = []
    try:
        assert child.stdout is not None
        for line in child.stdout:
            marks.append(time.perf_counter() - start)
            if line.strip() == READY:
                break
        else:
            raise RuntimeError("the chat did not start")
        child.wait(timeout=timeout)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    return marks


def loader_runs(env: dict[str, str], runs: int, budget: float) -> None:
    """Time the loading state and the interactive chat, cold then warm."""
    with tempfile.TemporaryDirectory(prefix="trdfaq-bench-") as cache:
        env = {**env, "TRDFAQ_CACHE_DIR": cache}
        deadline = time.monotonic() + budget
        cold = one_run(env, budget, LOADER_CHILD)
        warm = []
        while len(warm) < runs and time.monotonic() < deadline:
            timeout = max(1.0, deadline - time.monotonic())
            warm.append(one_run(env, timeout, LOADER_CHILD))
    print(f"cold cache: loading state at {cold[0]:.3f} s, interactive at {cold[-1]:.3f} s")
    first = statistics.median(m[0] for m in warm)
    ready = statistics.median(m[-1] for m in warm)
    lows, highs = min(m[0] for m in warm), max(m[0] for m in warm)
    print(f"warm cache ({len(warm)} runs): loading state median {first:.3f} s ", end="")
    print(f"(range {lows:.3f}-{highs:.3f}), interactive median {ready:.3f} s")


def main() -> int:
    """Warm up once, then time several starts within a time budget; print the median."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="timed runs after the warm-up")
    parser.add_argument("--budget", type=float, default=60.0, help="stop after this many seconds")
    parser.add_argument("--loader", action="store_true", help="time the loading state too")
    args = parser.parse_args()
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH")]))
    if args.loader:
        loader_runs(env, args.runs, args.budget)
        return 0
    with tempfile.TemporaryDirectory(prefix="trdfaq-bench-") as cache:
        env.setdefault("TRDFAQ_CACHE_DIR", cache)
        deadline = time.monotonic() + args.budget
        warm = one_run(env, timeout=args.budget)[-1]  # builds the cache, warms the disk
        times: list[float] = []
        while len(times) < args.runs and time.monotonic() < deadline:
            times.append(one_run(env, timeout=max(1.0, deadline - time.monotonic()))[-1])
    median = statistics.median(times)
    print(f"warm-up (cache build): {warm:.3f} s")
    print(f"runs: {', '.join(f'{t:.3f}' for t in times)}")
    verdict = "ok" if median < TARGET_S else "over target"
    print(f"median start to interactive chat: {median:.3f} s ({verdict}, target < {TARGET_S:g} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
