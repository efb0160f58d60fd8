"""The k best of many scores: largest first, ties in index order (corpus order).

Two ways to the same answer: plain Python for small inputs (no numpy to import on a cold
start), and numpy's partition for large arrays, which finds the k-th value in linear time
instead of sorting everything.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

# Up to this many candidates, sorting them all beats a heap for the best k (sorted() is C).
_SORT_ALL = 300
# The numpy way: a sample of about this many values sets the bar; up to _SORT_LIMIT values
# above it are sorted, more are partitioned first.
_SAMPLE = 1024
_SORT_LIMIT = 50_000


def top_k_items(scored: Iterable[tuple[int, float]], k: int) -> list[tuple[int, float]]:
    """The k (index, score) pairs of highest score, best first, ties by lower index."""
    keyed = [(-score, index) for index, score in scored]
    best = sorted(keyed)[:k] if len(keyed) <= _SORT_ALL else heapq.nsmallest(k, keyed)
    return [(index, -score) for score, index in best]


def top_k_array(
    values: npt.NDArray[np.floating], k: int, floor: float | None = None
) -> npt.NDArray[np.intp]:
    """Indices of the k largest values (above `floor`, if given), largest first, ties by lower
    index.

    A strided sample's k-th largest value bounds the k-th largest of all from below, so one
    comparison over the values leaves a few candidates (about k x the stride) to sort; a
    partition over all values would be slower, and slow indeed when most are equal.
    """
    import numpy as np  # noqa: PLC0415 - only large inputs come here

    size = len(values)
    if k <= 0 or not size:
        return np.zeros(0, dtype=np.intp)
    sample = values[:: max(1, size // _SAMPLE)]
    if floor is not None:
        sample = sample[sample > floor]
    if len(sample) >= k:
        chosen = np.flatnonzero(values >= np.partition(sample, len(sample) - k)[len(sample) - k])
    elif floor is not None:
        chosen = np.flatnonzero(values > floor)
    else:
        chosen = np.arange(size)
    if len(chosen) > _SORT_LIMIT:  # an unlucky sample, or few values: partition them
        chosen = chosen[_partition(values[chosen], k)]
    return chosen[np.lexsort((chosen, -values[chosen]))][:k]


def _partition(values: npt.NDArray[np.floating], k: int) -> npt.NDArray[np.intp]:
    """Indices (ascending) of the k largest values, ties by lower index, in no order."""
    import numpy as np  # noqa: PLC0415

    size = len(values)
    if size <= k:
        return np.arange(size)
    chosen = np.argpartition(values, size - k)[size - k :]
    kth = values[chosen].min()
    ties = values == kth
    if np.count_nonzero(ties) > np.count_nonzero(values[chosen] == kth):
        # Some value equal to the k-th was left out: all above it are in, and of those equal
        # to it, the first ones.
        above = chosen[values[chosen] > kth]
        chosen = np.concatenate((above, np.flatnonzero(ties)[: k - len(above)]))
    return np.sort(chosen)
