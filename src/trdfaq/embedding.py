"""Static sentence embeddings: WordLlama's 256-dimensional token vectors, mean-pooled.

The vectors and the tokenizer ship inside the `wordllama` wheel (MIT licence). trdfaq reads
those two files directly and never imports wordllama (whose loader looks for the tokenizer in
the wrong folder and then tries to download it) nor `tokenizers` (72 ms to load the tokenizer,
more than half a cold `trdfaq ask`):

- the tokenizer is Llama 2's byte-level-fallback BPE. Its merges are every pair of vocabulary
  pieces that joins into a piece, so a `Pieces` table (piece -> merge rank and id, built once
  from the tokenizer file and cached with the index) is all the BPE needs; tests check the
  ids against the `tokenizers` library on the corpus and thousands of other strings;
- the vectors are read row by row from the safetensors file (a JSON header, then a float16
  matrix), so a question costs a few kilobytes of reads and no numpy.

A text's embedding is the mean of its tokens' vectors, normalised to unit length: what
WordLlama's `embed(norm=True)` computes.
"""

from __future__ import annotations

import json
import mmap
import struct
from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib.util import find_spec
from operator import mul
from pathlib import Path

Vector = tuple[float, ...]
MODEL = "wordllama 0.4.0.post1, l2_supercat_256"
_WEIGHTS = "weights/l2_supercat_256.safetensors"
_TOKENIZER = "tokenizers/l2_supercat_tokenizer_config.json"
_SPACE = "\u2581"  # SentencePiece's word-start mark
_SEGMENTS_REMEMBERED = 20_000
_PACKED_SEPARATOR = "\0"
_TEXTS_REMEMBERED = 20_000  # embeddings of texts of up to _TEXT_REMEMBERED characters
_TEXT_REMEMBERED = 64


class EmbeddingError(RuntimeError):
    """The embedding files are missing or not what trdfaq expects (a broken install)."""


def model_files() -> tuple[Path, Path]:
    """The weights and tokenizer files inside the installed wordllama package."""
    spec = find_spec("wordllama")  # finds the package without importing it
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddingError("the wordllama package is not installed: pip install trdfaq again")
    root = Path(next(iter(spec.submodule_search_locations)))
    weights, tokenizer = root / _WEIGHTS, root / _TOKENIZER
    for path in (weights, tokenizer):
        if not path.is_file():
            raise EmbeddingError(f"{path} is missing: reinstall wordllama 0.4.0.post1")
    return weights, tokenizer


@dataclass(frozen=True)
class Pieces:
    """The tokenizer's vocabulary: each piece's merge rank (lower merges first) and id."""

    ranks: dict[str, int]
    ids: dict[str, int]
    unknown: int

    @classmethod
    def load(cls, path: Path) -> Pieces:
        """Read the vocabulary and merges of a Hugging Face tokenizer.json (Llama BPE)."""
        model = json.loads(path.read_text(encoding="utf-8"))["model"]
        ids: dict[str, int] = model["vocab"]
        ranks: dict[str, int] = {}
        for rank, merge in enumerate(model["merges"]):
            left, right = merge.split(" ") if isinstance(merge, str) else merge
            ranks.setdefault(left + right, rank)
        return cls(ranks, ids, ids.get("<unk>", 0))

    def __reduce__(self) -> tuple[Callable[..., Pieces], tuple[object, ...]]:
        """Pickled (in the index cache) as one string and one array: the two dicts of 32,000
        strings each took half the load time of the whole cached index (13 of 26 ms)."""
        pieces = sorted(self.ids, key=self.ids.__getitem__)
        if self.ids != dict(zip(pieces, range(len(pieces)), strict=True)) or any(
            _PACKED_SEPARATOR in piece for piece in pieces
        ):  # not a vocabulary with ids 0..n-1: pickle the dicts as they are
            return (Pieces, (self.ranks, self.ids, self.unknown))
        ranks = array("q", [self.ranks.get(piece, -1) for piece in pieces])
        return (_unpack_pieces, (_PACKED_SEPARATOR.join(pieces), ranks.tobytes(), self.unknown))


def _unpack_pieces(joined: str, ranks: bytes, unknown: int) -> Pieces:
    pieces = joined.split(_PACKED_SEPARATOR)
    ids = dict(zip(pieces, range(len(pieces)), strict=True))
    return Pieces(
        {p: r for p, r in zip(pieces, array("q", ranks), strict=True) if r >= 0}, ids, unknown
    )


@dataclass
class Embedder:
    """Embeds texts with the shipped token vectors, reading only the rows a text needs."""

    pieces: Pieces
    weights: Path
    _rows: dict[int, Vector] = field(default_factory=dict, repr=False)
    _segments: dict[str, tuple[int, ...]] = field(default_factory=dict, repr=False)
    # Embeddings of short texts: the decision embeds each word a passage lacks, the same
    # few words for every candidate passage of a question.
    _texts: dict[str, Vector | None] = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls) -> Embedder:
        """The embedder over the installed model files (reads the tokenizer file: build time)."""
        weights, tokenizer = model_files()
        return cls(Pieces.load(tokenizer), weights)

    def __getstate__(self) -> dict[str, object]:
        """Pickled (in the index cache) without the rows and segments remembered."""
        return {
            "pieces": self.pieces,
            "weights": self.weights,
            "_rows": {},
            "_segments": {},
            "_texts": {},
        }

    def token_ids(self, text: str) -> list[int]:
        """Token ids of a text, as `tokenizers` gives them for its whitespace-collapsed form."""
        ids: list[int] = []
        for word in " ".join(text.split()).split(" "):
            if word:
                ids += self._segment(_SPACE + word)
        return ids

    def _segment(self, segment: str) -> tuple[int, ...]:
        found = self._segments.get(segment)
        if found is None:
            found = tuple(bpe(segment, self.pieces))
            if len(self._segments) >= _SEGMENTS_REMEMBERED:
                self._segments.clear()
            self._segments[segment] = found
        return found

    def embed(self, text: str) -> Vector | None:
        """The unit-length mean of a text's token vectors; None for a text with no tokens."""
        if len(text) > _TEXT_REMEMBERED:
            return self.pool(self.token_ids(text))
        try:
            return self._texts[text]
        except KeyError:
            pass
        found = self.pool(self.token_ids(text))
        if len(self._texts) >= _TEXTS_REMEMBERED:
            self._texts.clear()
        self._texts[text] = found
        return found

    def pool(self, ids: Sequence[int]) -> Vector | None:
        """The unit-length mean of these tokens' vectors."""
        if not ids:
            return None
        # Column by column, each summed from 0.0 in token order: the same additions, in the
        # same order, as adding the rows one by one, so the same floats to the last bit.
        total = [sum(column, 0.0) for column in zip(*map(self.row, ids), strict=True)]
        norm = sum(map(mul, total, total)) ** 0.5
        return tuple([x / norm for x in total]) if norm else None

    def embed_many(self, texts: Iterable[str]) -> list[Vector | None]:
        """Embeddings of many texts (index build)."""
        return [self.embed(text) for text in texts]

    def row(self, token: int) -> Vector:
        """One token's vector, read from the weights file on first use."""
        found = self._rows.get(token)
        if found is None:
            matrix = _matrix(self.weights)
            if not 0 <= token < matrix.rows:
                raise EmbeddingError(f"token id {token} is outside the embedding matrix")
            start = matrix.offset + token * matrix.row_bytes
            found = self._rows[token] = matrix.unpack(matrix.data[start : start + matrix.row_bytes])
        return found

    @property
    def dim(self) -> int:
        """The embedding dimension."""
        return _matrix(self.weights).dim


@dataclass(frozen=True)
class _Matrix:
    data: mmap.mmap
    offset: int
    rows: int
    dim: int

    @property
    def row_bytes(self) -> int:
        return 2 * self.dim

    def unpack(self, raw: bytes) -> Vector:
        return struct.unpack(f"<{self.dim}e", raw)


@cache
def _matrix(path: Path) -> _Matrix:
    """The float16 matrix of a safetensors file, memory-mapped (the OS reads what is used)."""
    with path.open("rb") as handle:
        data = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    (size,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + size])
    tensors = [v for k, v in header.items() if k != "__metadata__"]
    if len(tensors) != 1 or tensors[0].get("dtype") != "F16" or len(tensors[0]["shape"]) != 2:
        raise EmbeddingError(f"{path}: expected one float16 matrix")
    rows, dim = tensors[0]["shape"]
    start, end = tensors[0]["data_offsets"]
    if end - start != rows * dim * 2:
        raise EmbeddingError(f"{path}: the matrix size does not match its shape")
    return _Matrix(data, 8 + size + start, rows, dim)


def bpe(segment: str, pieces: Pieces) -> list[int]:
    """Llama BPE of one word (starting with the word mark): ids, with byte fallback."""
    ids, ranks = pieces.ids, pieces.ranks
    symbols: list[str] = []
    for char in segment:
        if char in ids:
            symbols.append(char)
        else:  # byte fallback: the character's UTF-8 bytes as <0xNN> pieces
            symbols += [f"<0x{byte:02X}>" for byte in char.encode("utf-8")]
    while len(symbols) > 1:
        best, at = None, -1
        for i in range(len(symbols) - 1):
            rank = ranks.get(symbols[i] + symbols[i + 1])
            if rank is not None and (best is None or rank < best):
                best, at = rank, i
        if best is None:
            break
        symbols[at : at + 2] = [symbols[at] + symbols[at + 1]]
    return [ids.get(s, pieces.unknown) for s in symbols]


def cosine(a: Vector, b: Vector) -> float:
    """The dot product of two unit vectors."""
    if len(a) != len(b):
        raise ValueError(f"vectors of {len(a)} and {len(b)} numbers")
    total: float = sum(map(mul, a, b))  # the same products and sums as a generator, 3x quicker
    return total
