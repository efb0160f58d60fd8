"""Text classifiers: the quick scoring gives the probabilities of the plain loops (to 1e-9),
with and without numpy, on the shipped safety models and on small written models."""

from __future__ import annotations

import math
import random
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
import yaml

from trdfaq.safety_model import shipped
from trdfaq.textclf import CHAR_SIZES, Model, features, normalise, tokens, write_model

DATA = Path(__file__).resolve().parent / "data"
MESSAGES = [
    "does ECT affect memory?",
    "im gonna kill myself jk... kinda. idk anymore 🙃",
    "quiero morirme, ya no puedo más",
    "Can I go from 75mg to 225mg venlafaxine right away??",
    "ok",
    "?!",  # no word: only the padded symbols' n-grams
    "",
    "the the the the the the the the",  # repeated n-grams: log-scaled counts
    "a" * 3000,
]


def reference_features(text: str, buckets: int) -> dict[int, float]:
    """The feature function as first written: one n-gram at a time."""
    counts: dict[int, int] = {}
    words = tokens(normalise(text))

    def add(key: str) -> None:
        slot = zlib.crc32(key.encode("utf-8", "surrogatepass")) % buckets
        counts[slot] = counts.get(slot, 0) + 1

    line = f" {' '.join(words)} "
    for size in CHAR_SIZES:
        for i in range(len(line) - size + 1):
            add(line[i : i + size])
    for i, word in enumerate(words):
        add("w " + word)
        if i:
            add(f"b {words[i - 1]} {word}")
        if i > 1:
            add(f"t {words[i - 2]} {words[i - 1]} {word}")
    values = {slot: 1.0 + math.log(n) for slot, n in counts.items()}
    norm = math.sqrt(sum(v * v for v in values.values())) or 1.0
    return {slot: v / norm for slot, v in values.items()}


def reference_probabilities(model: Model, text: str) -> dict[str, float]:
    """A model's probabilities as first written: a loop over features and units."""
    data = model.path.read_bytes()
    width = model.width
    row = struct.Struct(f"<{width}e")
    bias_at = model.offset + 2 * width * model.buckets
    layer = list(row.unpack_from(data, bias_at))
    for slot, value in reference_features(text, model.buckets).items():
        weights = row.unpack_from(data, model.offset + 2 * width * slot)
        for i in range(width):
            layer[i] += value * weights[i]
    scores = layer
    if model.hidden:
        out_row = struct.Struct(f"<{model.outputs}e")
        start = bias_at + 2 * width
        scores = list(out_row.unpack_from(data, start + 2 * model.outputs * model.hidden))
        for unit, activation in enumerate(layer):
            if activation > 0:
                weights = out_row.unpack_from(data, start + 2 * model.outputs * unit)
                scores = [a + activation * w for a, w in zip(scores, weights, strict=True)]
    if model.binary:
        return {model.classes[0]: 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, scores[0]))))}
    top = max(scores)
    exp = [math.exp(s - top) for s in scores]
    return {c: e / sum(exp) for c, e in zip(model.classes, exp, strict=True)}


def heldout_messages(count: int) -> list[str]:
    cases = yaml.safe_load((DATA / "safety" / "heldout.yaml").read_text(encoding="utf-8"))
    return MESSAGES + [case["text"] for case in random.Random(3).sample(cases, count)]


@pytest.mark.parametrize("text", heldout_messages(60))
def test_features_are_the_plain_loops_to_the_last_bit(text: str) -> None:
    found, expected = features(text, 65536), reference_features(text, 65536)
    assert found == expected
    assert list(found) == list(expected)  # the order the sums run in


@pytest.mark.parametrize("name", ["tier", "imminent", "other", "language", "advice"])
def test_shipped_models_give_the_plain_loops_probabilities(name: str) -> None:
    model = getattr(shipped(), name)
    for text in heldout_messages(40):
        found, expected = model.probabilities(text), reference_probabilities(model, text)
        assert found.keys() == expected.keys()
        assert all(abs(found[c] - expected[c]) <= 1e-9 for c in expected), text
        numpy_scores = model.logits_numpy(features(text, model.buckets))
        assert all(
            abs(a - b) <= 1e-9 for a, b in zip(numpy_scores, model.logits(text), strict=True)
        ), text


@pytest.mark.parametrize(("hidden", "binary"), [(0, False), (0, True), (5, False), (3, True)])
def test_written_models_score_as_the_plain_loops(tmp_path: Path, hidden: int, binary: bool) -> None:
    rng = random.Random(hidden * 2 + binary)
    buckets, classes = 257, ("a",) if binary else ("a", "b", "c")
    outputs = len(classes) if not binary else 1

    def matrix(rows: int, cols: int) -> list[list[float]]:
        return [[rng.uniform(-3, 3) for _ in range(cols)] for _ in range(rows)]

    width = hidden or outputs
    layers = [(matrix(buckets, width), matrix(1, width)[0])]
    if hidden:
        layers.append((matrix(hidden, outputs), matrix(1, outputs)[0]))
    path = tmp_path / "model.clf"
    write_model(path, classes, layers, binary=binary)
    model = Model.load(path)
    for text in MESSAGES:
        found, expected = model.probabilities(text), reference_probabilities(model, text)
        assert all(abs(found[c] - expected[c]) <= 1e-9 for c in expected), text


def test_scoring_a_message_imports_no_numpy() -> None:
    # A cold `trdfaq ask` scores every message: numpy would add 60-200 ms to it.
    code = (
        "import sys; from trdfaq.safety_model import shipped; "
        "shipped().read('i want to die'); print('numpy' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_dense_inputs_are_read_beside_the_hashed_features(tmp_path: Path) -> None:
    # The question model reads a question's embedding after its hashed features: dense input
    # i is row `hashed + i` of the first layer, and a text alone is hashed as before.
    rng = random.Random(7)
    hashed, dense, hidden, classes = 257, 4, 3, ("a", "b", "c")
    first = [[rng.uniform(-3, 3) for _ in range(hidden)] for _ in range(hashed + dense)]
    second = [[rng.uniform(-3, 3) for _ in range(len(classes))] for _ in range(hidden)]
    layers = [(first, [0.1, -0.2, 0.3]), (second, [0.0, 0.5, -0.5])]
    path = tmp_path / "dense.clf"
    write_model(path, classes, layers, dense=dense)
    model = Model.load(path)
    assert (model.buckets, model.hashed, model.dense) == (hashed + dense, hashed, dense)
    text, vector = "is ketamine addictive?", [0.5, 0.0, -1.0, 2.0]
    found = features(text, model.hashed)
    inputs = model.inputs(found, vector)
    assert inputs == {**found, hashed: 0.5, hashed + 2: -1.0, hashed + 3: 2.0}
    assert model.inputs(found, None) == found  # no known word: the dense inputs are zeros
    assert model.logits(text) == model.logits(found)
    # Each dense input moves the hidden layer by its value times its row, as a feature does.
    stored = [struct.unpack("<3e", struct.pack("<3e", *row)) for row in first]
    biases = struct.unpack("<3e", struct.pack("<3e", 0.1, -0.2, 0.3))
    layer = [
        biases[u] + sum(v * stored[slot][u] for slot, v in inputs.items()) for u in range(hidden)
    ]
    out_w = [struct.unpack("<3e", struct.pack("<3e", *row)) for row in second]
    out = list(struct.unpack("<3e", struct.pack("<3e", 0.0, 0.5, -0.5)))
    for unit, activation in enumerate(layer):
        if activation > 0:
            out = [o + activation * w for o, w in zip(out, out_w[unit], strict=True)]
    assert all(abs(a - b) <= 1e-9 for a, b in zip(model.logits(inputs), out, strict=True))
    with pytest.raises(ValueError, match="expects 4 dense inputs, got 3"):
        model.inputs(found, vector[:3])


def test_a_model_written_without_dense_inputs_reads_none(tmp_path: Path) -> None:
    path = tmp_path / "plain.clf"
    write_model(path, ("a",), [([[1.0]] * 17, [0.0])], binary=True)
    model = Model.load(path)
    assert (model.dense, model.hashed) == (0, 17)
    assert model.inputs({3: 1.0}, [0.5, 0.5]) == {3: 1.0}


def test_a_header_with_more_dense_inputs_than_rows_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "broken.clf"
    write_model(path, ("a",), [([[1.0]] * 4, [0.0])], binary=True, dense=4)
    with pytest.raises(ValueError, match="4 dense inputs of 4"):
        Model.load(path)
