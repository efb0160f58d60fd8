"""Many unit vectors as one compact matrix, searched for the best dot products (numpy).

For corpora far larger than the bundled one (80 passages are compared in plain Python, with
no numpy to import on a cold start). Rows are stored as int8 with one scale per row (a
quarter of float32's memory) or as float16 (half); a query stays float32. Scores are exact
dot products of the query with the stored (rounded) rows; the k best are picked with
`argpartition` and sorted, ties in row order.

Measured by benchmarks/retrieval_scale.py at 100,000 rows of 256 numbers: int8 costs one
pass over 25 MB, cast to float32 a block at a time for BLAS (no full-size copy). float16 is half
the memory of float32, but numpy converts half floats slowly on machines whose wheel lacks a
vectorised conversion, so the benchmark prints both and int8 is the default.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import numpy.typing as npt

Storage = Literal["int8", "float16"]
_INT8_MAX = 127.0
_BLOCK = 1024  # rows cast to float32 at a time (1 MiB at 256 numbers a row)
_ROWS_FILE, _SCALES_FILE = "rows.npy", "scales.npy"


@dataclass(frozen=True, eq=False)
class VectorMatrix:
    """Rows of vectors (a missing vector is a row of zeros: it scores 0 against anything)."""

    rows: npt.NDArray[np.int8] | npt.NDArray[np.float16]
    scales: npt.NDArray[np.float32] | None  # per row, for int8 rows

    @classmethod
    def build(
        cls, vectors: Sequence[Sequence[float] | None], dim: int, storage: Storage = "int8"
    ) -> VectorMatrix:
        """Pack vectors of `dim` numbers (None for a text with no vector)."""
        matrix = np.zeros((len(vectors), dim), dtype=np.float32)
        for i, vector in enumerate(vectors):
            if vector is not None:
                if len(vector) != dim:
                    raise ValueError(f"vector {i} has {len(vector)} numbers, not {dim}")
                matrix[i] = vector
        return cls.from_array(matrix, storage)

    @classmethod
    def from_array(
        cls, matrix: npt.NDArray[np.floating], storage: Storage = "int8"
    ) -> VectorMatrix:
        """Pack a (rows, dim) float array."""
        if matrix.ndim != 2:
            raise ValueError(f"expected a 2-D array, got {matrix.ndim}-D")
        if storage == "float16":
            return cls(matrix.astype(np.float16), None)
        peak = np.abs(matrix).max(axis=1).astype(np.float32) if len(matrix) else np.zeros(0)
        scales = np.where(peak > 0, peak / _INT8_MAX, 1.0).astype(np.float32)
        rows = np.rint(matrix / scales[:, None]).astype(np.int8)
        return cls(rows, scales)

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def dim(self) -> int:
        """Numbers per vector."""
        return int(self.rows.shape[1])

    def scores(self, query: Sequence[float] | npt.NDArray[np.floating]) -> npt.NDArray[np.float32]:
        """The dot product of the query with every row."""
        q = np.asarray(query, dtype=np.float32)
        if q.shape != (self.dim,):
            raise ValueError(f"query has shape {q.shape}, rows have {self.dim} numbers")
        found = np.empty(len(self.rows), dtype=np.float32)
        # Block by block: each block of rows cast to float32 in a buffer that stays in the
        # CPU cache, then one BLAS product (measured: twice as quick as einsum, and no
        # full-size float32 copy).
        buffer = np.empty((min(_BLOCK, len(self.rows)), self.dim), dtype=np.float32)
        for start in range(0, len(self.rows), _BLOCK):
            block = self.rows[start : start + _BLOCK]
            cast = buffer[: len(block)]
            cast[...] = block
            np.matmul(cast, q, out=found[start : start + len(block)])
        if self.scales is not None:
            found *= self.scales
        return found

    def top_k(
        self, query: Sequence[float] | npt.NDArray[np.floating], k: int
    ) -> list[tuple[int, float]]:
        """The k rows with the highest dot product, best first (ties: lower row first)."""
        if k <= 0 or not len(self):
            return []
        scores = self.scores(query)
        if k < len(scores):
            best = np.argpartition(-scores, k - 1)[:k]
            # Rows tied with the k-th best may be left out at random: take them all, then cut.
            best = np.flatnonzero(scores >= scores[best].min())
        else:
            best = np.arange(len(scores))
        order = np.lexsort((best, -scores[best]))[:k]
        chosen = best[order]
        return list(zip(chosen.tolist(), scores[chosen].astype(np.float64).tolist(), strict=True))

    def save(self, folder: Path) -> None:
        """Write the matrix as .npy files (memory-mapped by `load`)."""
        folder.mkdir(parents=True, exist_ok=True)
        np.save(folder / _ROWS_FILE, self.rows)
        if self.scales is not None:
            np.save(folder / _SCALES_FILE, self.scales)
        else:
            (folder / _SCALES_FILE).unlink(missing_ok=True)

    @classmethod
    def load(cls, folder: Path) -> VectorMatrix:
        """A saved matrix, memory-mapped: the OS reads the pages a search touches."""
        rows = np.load(folder / _ROWS_FILE, mmap_mode="r")
        scales_path = folder / _SCALES_FILE
        scales = np.load(scales_path) if scales_path.exists() else None
        if rows.dtype not in (np.int8, np.float16) or (rows.dtype == np.int8) != (
            scales is not None
        ):
            raise ValueError(f"{folder}: not a saved VectorMatrix")
        return cls(rows, scales)
