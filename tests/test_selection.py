"""The k best scores: the Python and numpy ways agree, ties in index order."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from trdfaq import selection
from trdfaq.selection import top_k_array, top_k_items

# Few distinct values, so that ties are common.
_SCORES = st.lists(st.sampled_from([-1.0, 0.0, 0.5, 1.0, 2.0, 3.5]), max_size=60)


def _expected(scores: list[float], k: int, floor: float | None = None) -> list[int]:
    kept = [i for i in range(len(scores)) if floor is None or scores[i] > floor]
    return sorted(kept, key=lambda i: (-scores[i], i))[:k]


@given(_SCORES, st.integers(min_value=0, max_value=70))
def test_both_ways_pick_the_same_k_best_ties_by_index(scores: list[float], k: int) -> None:
    assert [i for i, _ in top_k_items(enumerate(scores), k)] == _expected(scores, k)
    assert top_k_array(np.array(scores), k).tolist() == _expected(scores, k)
    assert top_k_array(np.array(scores), k, floor=0.0).tolist() == _expected(scores, k, 0.0)


@pytest.mark.parametrize(("sample", "limit"), [(1024, 50_000), (16, 50_000), (16, 5), (3, 0)])
@pytest.mark.parametrize("distinct", [2, 7, 10_000])
def test_sampling_and_partition_paths_are_exact(
    sample: int, limit: int, distinct: int, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(selection, "_SAMPLE", sample)
    monkeypatch.setattr(selection, "_SORT_LIMIT", limit)
    rng = np.random.default_rng(distinct)
    for zeros in (0.0, 0.5, 0.97):
        values = rng.integers(1, distinct + 1, 5000).astype(float)
        values[rng.random(5000) < zeros] = 0.0
        for k in (1, 10, 40, 400):
            listed = values.tolist()
            assert top_k_array(values, k).tolist() == _expected(listed, k)
            assert top_k_array(values, k, floor=0.0).tolist() == _expected(listed, k, 0.0)


def test_a_heap_serves_many_candidates() -> None:
    scores = [float(i % 97) for i in range(5000)]
    best = top_k_items(enumerate(scores), 5)
    assert best == [(96, 96.0), (193, 96.0), (290, 96.0), (387, 96.0), (484, 96.0)]
