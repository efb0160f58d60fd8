"""Index build, cache load and query latency at 1k, 10k and 100k synthetic passages.

    python benchmarks/retrieval_scale.py [--sizes 1000 10000 100000] [--queries 300]

Passages are random texts drawn from a Zipf-like vocabulary of 60,000 words, 20 to 90
words long; queries are 2 to 6 words, mostly of middling frequency. For each size it prints
the index build time, the size and load time of the pickled index (what the on-disk cache
holds), query latency p50/p99 over the index, and rank_bm25's own `get_scores` on the same
tokens for comparison (a few queries only, at 100k it takes ~0.1 s each). Bounded: about a
minute at the default sizes.
"""

from __future__ import annotations

import argparse
import pickle
import random
import statistics
import tempfile
import time
from pathlib import Path

from trdfaq.corpus import Passage, Settings, Source
from trdfaq.retrieval import Concept, Index, reference_bm25

VOCABULARY = [f"w{i}" for i in range(60_000)]
WEIGHTS = [1 / (rank + 1) ** 1.05 for rank in range(len(VOCABULARY))]


def documents(n: int, rng: random.Random) -> list[list[str]]:
    """n random token lists."""
    return [rng.choices(VOCABULARY, WEIGHTS, k=rng.randint(20, 90)) for _ in range(n)]


def queries(count: int, rng: random.Random) -> list[list[str]]:
    """Queries of 2 to 6 words: one common word at most, the rest of middling frequency."""
    out = []
    for _ in range(count):
        words = [VOCABULARY[rng.randint(50, 5000)] for _ in range(rng.randint(1, 5))]
        if rng.random() < 0.5:
            words.append(VOCABULARY[rng.randint(0, 49)])
        out.append(words)
    return out


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0..100) of values."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def bench(n: int, query_count: int, rng: random.Random) -> None:
    """Measure one corpus size and print one line."""
    docs = documents(n, rng)
    source = Source("synthetic", "Synthetic", None, "benchmark", "synthetic.txt", "")
    passages = [Passage(f"p{i}", source, None, "", (), 0, 0) for i in range(n)]
    settings = Settings(section_weight=0.0, questions_weight=0.0)
    started = time.perf_counter()
    index = Index.build(passages, {"text": docs}, settings)
    build = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "index.pickle"
        path.write_bytes(pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL))
        size = path.stat().st_size
        started = time.perf_counter()
        index = pickle.loads(path.read_bytes())
        load = time.perf_counter() - started
    qs = queries(query_count, rng)
    latencies = []
    for words in qs:
        concepts = [Concept(((w, 1.0),), 1.0) for w in words]
        started = time.perf_counter()
        index.search(concepts, 10)
        latencies.append((time.perf_counter() - started) * 1000)
    reference = reference_bm25(docs, settings.k1, settings.b)
    ref_latencies = []
    for words in qs[: 5 if n >= 50_000 else 30]:
        started = time.perf_counter()
        reference.get_scores(words)
        ref_latencies.append((time.perf_counter() - started) * 1000)
    print(
        f"{n:>7} passages  build {build:6.2f} s  cache {size / 2**20:6.1f} MiB, load {load:5.2f} s  "
        f"query p50 {statistics.median(latencies):6.2f} ms  p99 {percentile(latencies, 99):6.2f} ms  "
        f"| rank_bm25 get_scores p50 {statistics.median(ref_latencies):7.2f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000])
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()
    rng = random.Random(42)
    for n in args.sizes:
        bench(n, args.queries, rng)


if __name__ == "__main__":
    main()
