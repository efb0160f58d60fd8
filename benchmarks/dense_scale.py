"""Top-k dot products over many embeddings: trdfaq.vectors (int8, float16) beside float32.

    python benchmarks/dense_scale.py [--sizes 10000 100000] [--rounds 3] [--queries 50]

Rows are random unit vectors of 256 numbers (WordLlama's size; search time does not depend
on what the numbers mean), queries are rows plus noise. Each round times --queries top-10
searches per layout; the script prints p50/p99 by the wall clock and by CPU time, the
matrix's memory, the share of the true top 10 (by float64) each layout finds, and the range
over rounds. numpy's BLAS is held to one thread, as a server worker would be.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse
import statistics
import time
from collections.abc import Callable

import numpy as np

from trdfaq.vectors import VectorMatrix

DIM = 256


def float32_top_k(matrix: np.ndarray) -> Callable[[np.ndarray, int], list[int]]:
    """The plain float32 search: one BLAS matrix-vector product and argpartition."""

    def search(query: np.ndarray, k: int) -> list[int]:
        scores = matrix @ query
        best = np.argpartition(-scores, k - 1)[:k]
        return best[np.argsort(-scores[best], kind="stable")].tolist()

    return search


def timed(search: Callable[[np.ndarray, int], object], queries: np.ndarray) -> dict[str, float]:
    """p50 and p99 of one search per query, wall and CPU, in milliseconds."""
    wall, cpu = [], []
    for query in queries:
        started, used = time.perf_counter(), time.thread_time()
        search(query, 10)
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.thread_time() - used) * 1000)
    wall.sort()
    cpu.sort()
    last = len(queries) - 1
    return {
        "wall p50": statistics.median(wall),
        "wall p99": wall[int(0.99 * last)],
        "cpu p50": statistics.median(cpu),
        "cpu p99": cpu[int(0.99 * last)],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--queries", type=int, default=50)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    for size in args.sizes:
        data = rng.standard_normal((size, DIM)).astype(np.float32)
        data /= np.linalg.norm(data, axis=1, keepdims=True)
        queries = data[rng.integers(0, size, args.queries)]
        queries = queries + 0.7 * rng.standard_normal(queries.shape).astype(np.float32) / DIM**0.5
        queries /= np.linalg.norm(queries, axis=1, keepdims=True)
        truth = [set(np.argsort(-(data.astype(np.float64) @ q))[:10].tolist()) for q in queries]
        layouts: dict[str, tuple[Callable[[np.ndarray, int], list[int]], int]] = {
            "float32 (numpy BLAS)": (float32_top_k(data), data.nbytes)
        }
        for storage in ("int8", "float16"):
            matrix = VectorMatrix.from_array(data, storage)  # type: ignore[arg-type]
            size_bytes = matrix.rows.nbytes + (0 if matrix.scales is None else matrix.scales.nbytes)

            def search(query: np.ndarray, k: int, m: VectorMatrix = matrix) -> list[int]:
                return [i for i, _ in m.top_k(query, k)]

            layouts[f"trdfaq.vectors {storage}"] = (search, size_bytes)
        print(f"\n{size:,} rows x {DIM}")
        for name, (search, nbytes) in layouts.items():
            recall = statistics.mean(
                len(t & set(search(q, 10))) / 10 for q, t in zip(queries, truth, strict=True)
            )
            runs = [timed(search, queries) for _ in range(args.rounds)]
            figures = "  ".join(
                f"{key} {min(r[key] for r in runs):.2f}-{max(r[key] for r in runs):.2f}"
                for key in ("wall p50", "wall p99", "cpu p50")
            )
            print(f"  {name:<24} {nbytes / 2**20:6.1f} MiB  top-10 kept {recall:.3f}  {figures} ms")


if __name__ == "__main__":
    main()
