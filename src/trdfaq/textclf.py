"""Small text classifiers, scored without numpy: hashed n-gram features into a logistic
model, with or without one small hidden layer.

The models are fitted at development time (benchmarks/train_safety.py, with scikit-learn) and
shipped as one compact file each; at run time a message costs a few hundred row reads from a
memory-mapped float16 table. The feature function here is the one training uses,
so what a model learned is what it sees.

Features of a text (after `normalise`): character n-grams of 3 to 6 over the words joined by
single spaces (they survive typos, "suicdal" shares most of "suicidal"'s, and they see a
little across words, "not su"), and word unigrams, bigrams and trigrams, each hashed with
CRC-32 into `buckets` slots; counts are log-scaled and the vector is scaled to unit length.
(Chosen by leave-one-writer-out cross-validation on the safety training data: benchmarks/
train_safety.py; within-word character n-grams, or no trigrams, did slightly worse.)

Speed (benchmarks/safety_speed.py): the loops over a message's ~500 features run in C (maps,
`Counter`, one `sum` per unit), adding the same products in the same order as a plain loop,
so the probabilities are the same to the last bit (tests/test_textclf.py). `logits_numpy` is
about twice as quick per message but numpy takes longer to import than a whole cold
`trdfaq ask` spends on safety, so plain Python is what answering uses.
"""

from __future__ import annotations

import json
import math
import mmap
import re
import struct
import unicodedata
import zlib
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import repeat
from operator import add, mod, mul, truediv
from pathlib import Path

_WORD = re.compile(r"[^\W_]+|[^\w\s]", re.UNICODE)  # words, and each symbol or emoji alone
_MAGIC = b"TRDCLF1\n"
CHAR_SIZES = (3, 4, 5, 6)


def normalise(text: str) -> str:
    """NFKC, case-folded, accents kept, apostrophes unified, whitespace collapsed."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("`", "'")
    return " ".join(text.split())


def tokens(text: str) -> list[str]:
    """The word and symbol tokens of a normalised text (apostrophes split words)."""
    return _WORD.findall(text)


def features(text: str, buckets: int) -> dict[int, float]:
    """Hashed, log-scaled, unit-length n-gram features of a text."""
    words = tokens(normalise(text))
    line = f" {' '.join(words)} "
    keys = [line[i : i + size] for size in CHAR_SIZES for i in range(len(line) - size + 1)]
    for i, word in enumerate(words):  # (in this order: it is the order of the sums below)
        keys.append("w " + word)
        if i:
            keys.append(f"b {words[i - 1]} {word}")
        if i > 1:
            keys.append(f"t {words[i - 2]} {words[i - 1]} {word}")
    raw = map(str.encode, keys, repeat("utf-8"), repeat("surrogatepass"))
    counts = Counter(map(mod, map(zlib.crc32, raw), repeat(buckets)))
    values = [1.0 if n == 1 else 1.0 + math.log(n) for n in counts.values()]
    norm = math.sqrt(sum(map(mul, values, values))) or 1.0
    return dict(zip(counts, map(truediv, values, repeat(norm)), strict=True))


@dataclass(frozen=True)
class Model:
    """A logistic model over hashed features, with an optional hidden layer (ReLU).

    The file: a magic line, a JSON header line ({classes, buckets, hidden, binary, meta} and,
    for a model that also reads `dense` numbers beside the hashed features, such as a
    sentence embedding, `dense`: their inputs are the last `dense` of the `buckets` rows),
    then little-endian float16 numbers: the first layer, `buckets` rows of `width` weights
    (width = hidden units, or the number of outputs with no hidden layer), its `width`
    biases; with a hidden layer, then `hidden` rows of one weight per output and the
    outputs' biases. A binary model has one output, scored with a sigmoid.
    """

    path: Path
    classes: tuple[str, ...]
    buckets: int
    hidden: int
    binary: bool
    meta: Mapping[str, object]
    offset: int
    dense: int = 0

    @property
    def hashed(self) -> int:
        """How many of the inputs are hashed features (`features(text, model.hashed)`)."""
        return self.buckets - self.dense

    def inputs(self, found: Mapping[int, float], dense: Sequence[float] | None) -> dict[int, float]:
        """A text's hashed features and its dense numbers as one set of inputs (no dense
        numbers, as for a text with no known word: all zeros)."""
        if not self.dense or dense is None:
            return dict(found)
        if len(dense) != self.dense:
            raise ValueError(f"{self.path}: expects {self.dense} dense inputs, got {len(dense)}")
        return {**found, **{self.hashed + i: v for i, v in enumerate(dense) if v}}

    @property
    def outputs(self) -> int:
        """How many scores the model gives."""
        return 1 if self.binary else len(self.classes)

    @property
    def width(self) -> int:
        """Numbers in a row of the first layer."""
        return self.hidden or self.outputs

    @classmethod
    def load(cls, path: Path) -> Model:
        """Read a model file's header (the weights are read on demand)."""
        table = _mapped(path)
        if table[: len(_MAGIC)] != _MAGIC:
            raise ValueError(f"{path}: not a trdfaq classifier file")
        end = table.find(b"\n", len(_MAGIC))
        header = json.loads(table[len(_MAGIC) : end])
        model = cls(
            path=path,
            classes=tuple(header["classes"]),
            buckets=int(header["buckets"]),
            hidden=int(header["hidden"]),
            binary=bool(header["binary"]),
            meta=header.get("meta", {}),
            offset=end + 1,
            dense=int(header.get("dense", 0)),
        )
        if not 0 <= model.dense < model.buckets:
            raise ValueError(f"{path}: {model.dense} dense inputs of {model.buckets}")
        numbers = (model.buckets + 1) * model.width
        if model.hidden:
            numbers += (model.hidden + 1) * model.outputs
        if len(table) != model.offset + 2 * numbers:
            raise ValueError(f"{path}: {len(table)} bytes, expected {model.offset + 2 * numbers}")
        return model

    def logits(self, text: str | Mapping[int, float]) -> list[float]:
        """Raw output scores of a text (or of its `inputs`: `features` for `hashed` buckets,
        and the dense numbers of a model that reads them, which a text alone lacks)."""
        found = features(text, self.hashed) if isinstance(text, str) else text
        table, width = _mapped(self.path), self.width
        row = struct.Struct(f"<{width}e").unpack_from
        first_bias = self.offset + 2 * width * self.buckets
        step, start = 2 * width, self.offset
        values = list(found.values())
        # (maps, not a comprehension: the loop over a message's ~500 features runs in C)
        rows = list(map(row, repeat(table), map(add, map(mul, found, repeat(step)), repeat(start))))
        # Unit by unit, its bias plus each feature's value x weight, in the features' order:
        # the sums of a loop over features, to the last bit, but the loops run in C.
        if rows:
            layer = [
                sum(map(mul, values, column), bias)
                for column, bias in zip(
                    zip(*rows, strict=True), row(table, first_bias), strict=True
                )
            ]
        else:
            layer = list(row(table, first_bias))
        if not self.hidden:
            return layer
        out_row = struct.Struct(f"<{self.outputs}e").unpack_from
        start = first_bias + 2 * width
        out = list(out_row(table, start + 2 * self.outputs * self.hidden))
        for unit, activation in enumerate(layer):
            if activation > 0:
                weights = out_row(table, start + 2 * self.outputs * unit)
                out = [a + activation * w for a, w in zip(out, weights, strict=True)]
        return out

    def logits_numpy(self, found: Mapping[int, float]) -> list[float]:
        """`logits` of a text's features, with numpy (the same numbers to within 1e-12)."""
        import numpy as np  # noqa: PLC0415 - measured slower per message (benchmarks/)

        width, table = self.width, _mapped(self.path)
        first = np.frombuffer(table, "<f2", self.buckets * width, self.offset)
        first = first.reshape(self.buckets, width)
        start = self.offset + 2 * width * self.buckets
        bias = np.frombuffer(table, "<f2", width, start).astype(np.float64)
        slots = np.fromiter(found.keys(), np.intp, len(found))
        values = np.fromiter(found.values(), np.float64, len(found))
        layer = bias + values @ first[slots].astype(np.float64)
        if not self.hidden:
            return [float(x) for x in layer]
        start += 2 * width
        second = np.frombuffer(table, "<f2", (self.hidden + 1) * self.outputs, start)
        second = second.astype(np.float64).reshape(self.hidden + 1, self.outputs)
        out = second[-1] + np.maximum(layer, 0.0) @ second[:-1]
        return [float(x) for x in out]

    def probabilities(self, text: str | Mapping[int, float]) -> dict[str, float]:
        """Each class's probability (a binary model: its one class's)."""
        scores = self.logits(text)
        if self.binary:
            return {self.classes[0]: 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, scores[0]))))}
        top = max(scores)
        exp = [math.exp(s - top) for s in scores]
        total = sum(exp)
        return {c: e / total for c, e in zip(self.classes, exp, strict=True)}


def write_model(
    path: Path,
    classes: Sequence[str],
    layers: Sequence[tuple[Sequence[Sequence[float]], Sequence[float]]],
    *,
    binary: bool = False,
    meta: Mapping[str, object] | None = None,
    dense: int = 0,
) -> None:
    """Write a model: `layers` is [(weights, biases)] of one or two layers, weights as rows
    (one per input: buckets rows for the first layer, the last `dense` of them for dense
    numbers, then one per hidden unit)."""
    if not 1 <= len(layers) <= 2:
        raise ValueError("a model has one or two layers")
    buckets, hidden = len(layers[0][0]), len(layers[0][1]) if len(layers) == 2 else 0
    header = {
        "classes": list(classes),
        "buckets": buckets,
        "hidden": hidden,
        "binary": binary,
        "meta": dict(meta or {}),
    }
    if dense:
        header["dense"] = dense
    with path.open("wb") as handle:
        handle.write(_MAGIC + json.dumps(header, sort_keys=True).encode() + b"\n")
        for weights, biases in layers:
            row = struct.Struct(f"<{len(biases)}e")
            for values in (*weights, biases):
                handle.write(row.pack(*(max(-65000.0, min(65000.0, float(v))) for v in values)))


@cache
def _mapped(path: Path) -> mmap.mmap:
    with path.open("rb") as handle:
        return mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
