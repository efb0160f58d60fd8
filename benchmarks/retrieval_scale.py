"""Index build, memory, cache load and query latency at scale, beside bm25s and tantivy.

    python benchmarks/retrieval_scale.py [--sizes 10000 100000 1000000] [--queries 200]
                                         [--rounds 3]

Passages are random texts drawn from a Zipf-like vocabulary of 60,000 words, 20 to 90 words
long. Five query sets:
  rare      1 to 6 mostly middling-frequency words, at most one common one (the best case);
  zipf      1 to 6 words drawn by their frequency in the passages, as a question's words are;
  frequent  2 to 4 of the 30 most frequent words, plus at most one middling one (the
            worst case, like "depression treatment help" against an FAQ about depression);
  question  4 to 8 words by frequency, one of them among the 30 most frequent: the content
            words of an everyday question, at its realistic length;
  long      9 to 16 words by frequency: a long, rambling message's content words.
Each query is run on every engine in turn (round robin, so that a noisy machine slows all
alike); each round runs every set once, and the script prints the range over rounds of
p50/p99 per engine and set, and of trdfaq's ratio to each other engine in the same round.
trdfaq is timed as `Index.search` with coverage_exponent 0 (plain BM25, what the others
compute) and 0.5 (the coverage factor the corpus uses).

bm25s (numpy backend) and tantivy are optional benchmark dependencies (`pip install
'trdfaq[bench]'`); an engine that is not installed is left out. Memory is the index's own
arrays and vocabulary (deep size, not counting the passages); tantivy's is the growth of the
process's resident memory while it builds, a rough figure. Bounded: about 3 minutes at the
default sizes, 15 or more at 1,000,000 passages.
"""

from __future__ import annotations

import argparse
import gc
import os
import pickle
import platform
import random
import statistics
import sys
import tempfile
import time
from array import array
from collections.abc import Callable
from dataclasses import replace
from itertools import accumulate
from pathlib import Path

from trdfaq.corpus import Passage, Settings, Source
from trdfaq.retrieval import Concept, Index

VOCABULARY = [f"w{i}" for i in range(60_000)]
WEIGHTS = [1 / (rank + 1) ** 1.05 for rank in range(len(VOCABULARY))]
CUMULATIVE = list(accumulate(WEIGHTS))
SETTINGS = replace(
    Settings.bundled(), text_weight=1.0, section_weight=0.0, questions_weight=0.0, k1=1.2, b=0.5
)

Search = Callable[[list[str]], list[int]]
QUERY_SETS = ("rare", "zipf", "frequent", "question", "long")


def documents(n: int, rng: random.Random) -> list[list[str]]:
    """n random token lists."""
    return [
        rng.choices(VOCABULARY, cum_weights=CUMULATIVE, k=rng.randint(20, 90)) for _ in range(n)
    ]


def query_sets(count: int, rng: random.Random) -> dict[str, list[list[str]]]:
    """The query sets (see the module docstring)."""

    def by_frequency(low: int, high: int) -> list[str]:
        size = rng.randint(low, high)
        words: dict[str, None] = {}
        while len(words) < size:
            words.update(dict.fromkeys(rng.choices(VOCABULARY, cum_weights=CUMULATIVE, k=1)))
        return list(words)

    sets: dict[str, list[list[str]]] = {name: [] for name in QUERY_SETS}
    for _ in range(count):
        words = [VOCABULARY[rng.randint(50, 5000)] for _ in range(rng.randint(1, 5))]
        if rng.random() < 0.5:
            words.append(VOCABULARY[rng.randint(0, 49)])
        sets["rare"].append(words)
        sets["zipf"].append(by_frequency(1, 6))
        words = rng.sample(VOCABULARY[:30], rng.randint(2, 4))
        if rng.random() < 0.5:
            words.append(VOCABULARY[rng.randint(50, 5000)])
        sets["frequent"].append(words)
        words = by_frequency(3, 7)
        common = VOCABULARY[rng.randint(0, 29)]
        sets["question"].append([*words, common] if common not in words else words)
        sets["long"].append(by_frequency(9, 16))
    return sets


def deep_size(obj: object, seen: set[int] | None = None) -> int:
    """Bytes held by an object and everything it refers to (numpy arrays: owned data only)."""
    seen = set() if seen is None else seen
    if id(obj) in seen:
        return 0
    seen.add(id(obj))
    size = sys.getsizeof(obj)
    if type(obj).__module__ == "numpy" and hasattr(obj, "nbytes"):
        return size if not obj.flags.owndata else size + obj.nbytes  # type: ignore[attr-defined]
    if isinstance(obj, array):
        return size
    if isinstance(obj, dict):
        return size + sum(deep_size(k, seen) + deep_size(v, seen) for k, v in obj.items())
    if isinstance(obj, list | tuple | set | frozenset):
        return size + sum(deep_size(item, seen) for item in obj)
    for name in getattr(type(obj), "__slots__", ()):
        size += deep_size(getattr(obj, name, None), seen)
    if hasattr(obj, "__dict__"):
        size += deep_size(vars(obj), seen)
    return size


def resident() -> int:
    """The process's resident memory in bytes (Linux)."""
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * 4096


def trdfaq_engine(
    docs: list[list[str]], exponent: float, index: Index | None
) -> tuple[Search, dict[str, float]]:
    """trdfaq's Index (built once, shared by both exponents)."""
    stats: dict[str, float] = {}
    if index is None:
        source = Source("synthetic", "Synthetic", None, "benchmark", "synthetic.txt", "")
        passages = [Passage(f"p{i}", source, None, "", (), 0, 0) for i in range(len(docs))]
        started = time.perf_counter()
        index = Index.build(passages, {"text": docs}, SETTINGS)
        stats["build"] = time.perf_counter() - started
        stats["memory"] = deep_size(index.matrix)
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "index.pickle"
            path.write_bytes(pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL))
            stats["cache"] = path.stat().st_size
            started = time.perf_counter()
            index = pickle.loads(path.read_bytes())
            stats["load"] = time.perf_counter() - started
    ids = {p.id: i for i, p in enumerate(index.passages)}

    def search(words: list[str]) -> list[int]:
        concepts = [Concept(((w, 1.0),), 1.0) for w in words]
        return [ids[h.passage.id] for h in index.search(concepts, 10, exponent)]

    search.index = index  # type: ignore[attr-defined]
    return search, stats


def bm25s_engine(docs: list[list[str]]) -> tuple[Search, dict[str, float]] | None:
    """bm25s with its numpy backend and the same BM25 (Lucene IDF), if installed."""
    try:
        import bm25s
    except ImportError:
        return None
    started = time.perf_counter()
    retriever = bm25s.BM25(k1=SETTINGS.k1, b=SETTINGS.b, method="lucene", backend="numpy")
    retriever.index(docs, show_progress=False)
    stats = {"build": time.perf_counter() - started}
    stats["memory"] = deep_size(retriever.scores) + deep_size(retriever.vocab_dict)

    def search(words: list[str]) -> list[int]:
        found, _ = retriever.retrieve([words], k=10, show_progress=False, n_threads=0)
        return found[0].tolist()

    return search, stats


def tantivy_engine(docs: list[list[str]]) -> tuple[Search, dict[str, float]] | None:
    """tantivy (in memory, one writer thread), if installed."""
    try:
        import tantivy
    except ImportError:
        return None
    gc.collect()
    before = resident()
    started = time.perf_counter()
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("body", stored=False)
    builder.add_unsigned_field("n", stored=True)
    schema = builder.build()
    index = tantivy.Index(schema)
    writer = index.writer(heap_size=500_000_000, num_threads=1)
    for n, doc in enumerate(docs):
        writer.add_document(tantivy.Document(body=" ".join(doc), n=n))
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    searcher = index.searcher()
    stats = {"build": time.perf_counter() - started, "memory": resident() - before}

    def search(words: list[str]) -> list[int]:
        hits = searcher.search(index.parse_query(" ".join(words), ["body"]), 10).hits
        return [searcher.doc(address)["n"][0] for _, address in hits]

    return search, stats


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0..100) of values."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def span(values: list[float], digits: int = 2) -> str:
    """A range, as "a-b"."""
    return f"{min(values):.{digits}f}-{max(values):.{digits}f}"


def bench(n: int, query_count: int, rounds: int, rng: random.Random) -> None:
    """Measure one corpus size and print its table."""
    docs = documents(n, rng)
    plain, stats = trdfaq_engine(docs, 0.0, None)
    covered, _ = trdfaq_engine(docs, 0.5, plain.index)  # type: ignore[attr-defined]
    engines: dict[str, Search] = {"trdfaq": plain, "trdfaq+coverage": covered}
    built = {"trdfaq": stats}
    for name, make in (("bm25s", bm25s_engine), ("tantivy", tantivy_engine)):
        made = make(docs)
        if made is not None:
            engines[name], built[name] = made
    print(f"\n{n:,} passages")
    for name, s in built.items():
        extra = (
            f", cache {s['cache'] / 2**20:.1f} MiB loads in {s['load']:.2f} s"
            if "cache" in s
            else ""
        )
        print(
            f"  {name:<16} build {s['build']:7.2f} s  memory {s['memory'] / 2**20:7.1f} MiB{extra}"
        )
    sets = query_sets(query_count, rng)
    for words in query_sets(20, random.Random(n))["zipf"]:  # warm-up: caches, lazy arrays
        for search in engines.values():
            search(words)
    agreement: list[float] = []
    # p50s[set][engine] and p99s: one figure per round
    p50s = {s: {e: [] for e in engines} for s in sets}
    p99s = {s: {e: [] for e in engines} for s in sets}
    cpu50s = {s: {e: [] for e in engines} for s in sets}
    cpu99s = {s: {e: [] for e in engines} for s in sets}
    for round_ in range(rounds):
        for set_name, queries in sets.items():
            times: dict[str, list[float]] = {name: [] for name in engines}
            cpu: dict[str, list[float]] = {name: [] for name in engines}
            for words in random.Random(round_).sample(queries, len(queries)):
                results = {}
                for name, search in engines.items():
                    started, used = time.perf_counter(), time.thread_time()
                    results[name] = search(words)
                    times[name].append((time.perf_counter() - started) * 1000)
                    cpu[name].append((time.thread_time() - used) * 1000)
                if round_ == 0 and results.get("bm25s"):
                    agreement.append(
                        len(set(results["trdfaq"]) & set(results["bm25s"])) / len(results["bm25s"])
                    )
            for name, values in times.items():
                p50s[set_name][name].append(statistics.median(values))
                p99s[set_name][name].append(percentile(values, 99))
                cpu50s[set_name][name].append(statistics.median(cpu[name]))
                cpu99s[set_name][name].append(percentile(cpu[name], 99))
    print(
        f"  p50 / p99 in ms, ranges over {rounds} rounds of {query_count} queries a set, by the"
        " wall clock and (cpu) by the thread's CPU time, which a busy machine disturbs less:"
    )
    for set_name in sets:
        p50, p99 = p50s[set_name], p99s[set_name]
        cells = "  ".join(f"{name} {span(p50[name])} / {span(p99[name])}" for name in engines)
        print(f"  {set_name:<9} {cells}")
        c50, c99 = cpu50s[set_name], cpu99s[set_name]
        cells = "  ".join(f"{name} {span(c50[name])} / {span(c99[name])}" for name in engines)
        print(f"  {'(cpu)':<9} {cells}")
        for other in ("bm25s", "tantivy"):
            if other in engines:

                def ratio(mine: list[float], theirs: list[float]) -> str:
                    return span([a / b for a, b in zip(mine, theirs, strict=True)])

                print(
                    f"  {'':<9} trdfaq / {other}: p50 {ratio(p50['trdfaq'], p50[other])}x"
                    f"  p99 {ratio(p99['trdfaq'], p99[other])}x"
                    f"  (with coverage: p50 {ratio(p50['trdfaq+coverage'], p50[other])}x)"
                )
    if agreement:
        print(
            f"  top-10 overlap with bm25s: {statistics.mean(agreement):.3f} (float32 ties aside, 1.0)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    rng = random.Random(42)
    print(
        f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, {platform.processor() or platform.machine()}"
    )
    for n in args.sizes:
        bench(n, args.queries, args.rounds, rng)


if __name__ == "__main__":
    main()
