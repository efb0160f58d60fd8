"""Dense vector search: the best dot products over int8 and float16 rows."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from trdfaq.vectors import Storage, VectorMatrix

STORAGES: list[Storage] = ["int8", "float16"]


def unit_rows(n: int, dim: int, seed: int = 0) -> np.ndarray:
    rows = np.random.default_rng(seed).standard_normal((n, dim))
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def stored(matrix: VectorMatrix) -> np.ndarray:
    """The rows as the matrix holds them, in float64."""
    rows = matrix.rows.astype(np.float64)
    return rows * matrix.scales[:, None] if matrix.scales is not None else rows


@pytest.mark.parametrize("storage", STORAGES)
@pytest.mark.parametrize("k", [1, 10, 2999, 3000, 5000])
def test_top_k_is_the_sorted_dot_products_of_the_stored_rows(storage: Storage, k: int) -> None:
    data = unit_rows(3000, 64)
    query = unit_rows(1, 64, seed=1)[0]
    matrix = VectorMatrix.from_array(data, storage)
    found = matrix.top_k(query, k)
    scores = matrix.scores(query)
    expected = sorted(range(len(scores)), key=lambda i: (-scores[i], i))[:k]
    assert [i for i, _ in found] == expected
    exact = stored(matrix) @ query  # in float64: the float32 sums are that to rounding
    assert np.allclose([s for _, s in found], exact[expected], atol=1e-5)


@pytest.mark.parametrize("storage", STORAGES)
def test_rounding_keeps_the_true_best_rows(storage: Storage) -> None:
    data = unit_rows(5000, 256, seed=2)
    queries = data[:50] + 0.5 * unit_rows(50, 256, seed=3)
    matrix = VectorMatrix.from_array(data, storage)
    kept = []
    for query in queries:
        true = set(np.argsort(-(data @ query))[:10].tolist())
        kept.append(len(true & {i for i, _ in matrix.top_k(query, 10)}) / 10)
    assert np.mean(kept) >= 0.95


def test_ties_come_in_row_order() -> None:
    matrix = VectorMatrix.from_array(np.array([[0.0, 1.0], [1.0, 0.0]] * 4))
    assert [i for i, _ in matrix.top_k([1.0, 0.0], 3)] == [1, 3, 5]


def test_missing_vectors_score_zero_and_sizes_are_checked() -> None:
    matrix = VectorMatrix.build([(0.6, 0.8), None, (1.0, 0.0)], dim=2)
    assert matrix.scores([1.0, 0.0]).tolist()[1] == 0.0
    assert matrix.top_k([0.0, 1.0], 1)[0][0] == 0
    assert matrix.top_k([0.0, 1.0], 0) == []
    with pytest.raises(ValueError, match="vector 0 has 3 numbers, not 2"):
        VectorMatrix.build([(1.0, 0.0, 0.0)], dim=2)
    with pytest.raises(ValueError, match="query has shape"):
        matrix.scores([1.0, 0.0, 0.0])


def test_an_empty_matrix_finds_nothing() -> None:
    assert VectorMatrix.build([], dim=4).top_k([1.0, 0.0, 0.0, 0.0], 5) == []


@pytest.mark.parametrize("storage", STORAGES)
def test_saved_matrices_load_memory_mapped(tmp_path: Path, storage: Storage) -> None:
    data = unit_rows(200, 32, seed=4)
    matrix = VectorMatrix.from_array(data, storage)
    matrix.save(tmp_path)
    loaded = VectorMatrix.load(tmp_path)
    assert isinstance(loaded.rows, np.memmap)
    assert loaded.top_k(data[7], 5) == matrix.top_k(data[7], 5)
