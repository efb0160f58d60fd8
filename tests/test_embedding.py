"""Embeddings: the pooled vectors and similarities, bit for bit those of the plain formula."""

from __future__ import annotations

import pickle

import pytest

from trdfaq.embedding import Embedder, Pieces, Vector, cosine, model_files

TEXTS = [
    "does ECT affect memory?",
    "pregnant and my depression's bad again, is ECT safe for the baby",
    "zoloft",
    "électroconvulsive thérapie 🙂",
    "a" * 200,  # longer than the texts remembered
]


def reference_pool(embedder: Embedder, ids: list[int]) -> Vector | None:
    """The mean of the token rows, added one row at a time, then normalised."""
    if not ids:
        return None
    total = [0.0] * embedder.dim
    for token in ids:
        total = [a + b for a, b in zip(total, embedder.row(token), strict=True)]
    norm = sum(x * x for x in total) ** 0.5
    return tuple(x / norm for x in total) if norm else None


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    return Embedder.load()


@pytest.mark.parametrize("text", TEXTS)
def test_embedding_is_the_plain_formula_to_the_last_bit(embedder: Embedder, text: str) -> None:
    expected = reference_pool(embedder, embedder.token_ids(text))
    assert embedder.embed(text) == expected
    assert embedder.embed(text) == expected  # and again, when remembered


def test_a_text_with_no_tokens_has_no_embedding(embedder: Embedder) -> None:
    assert embedder.embed("   ") is None


def test_cosine_is_the_plain_dot_product(embedder: Embedder) -> None:
    a, b = embedder.embed(TEXTS[0]), embedder.embed(TEXTS[1])
    assert a is not None and b is not None
    assert cosine(a, b) == sum(x * y for x, y in zip(a, b, strict=True))
    assert cosine(a, a) == pytest.approx(1.0)


def test_cosine_refuses_vectors_of_different_sizes() -> None:
    with pytest.raises(ValueError, match="vectors of 2 and 3"):
        cosine((1.0, 0.0), (1.0, 0.0, 0.0))


def test_pieces_pickle_compactly_and_come_back_the_same(embedder: Embedder) -> None:
    pieces = embedder.pieces
    packed = pickle.dumps(pieces, protocol=pickle.HIGHEST_PROTOCOL)
    back = pickle.loads(packed)
    assert (back.ranks, back.ids, back.unknown) == (pieces.ranks, pieces.ids, pieces.unknown)
    plain = pickle.dumps((pieces.ranks, pieces.ids), protocol=pickle.HIGHEST_PROTOCOL)
    assert len(packed) < len(plain) * 0.75


def test_pieces_of_any_other_vocabulary_pickle_as_they_are() -> None:
    odd = Pieces({"ab": 0}, {"a": 0, "b": 1, "ab": 5, "x\0y": 2}, 0)
    back = pickle.loads(pickle.dumps(odd))
    assert (back.ranks, back.ids, back.unknown) == (odd.ranks, odd.ids, odd.unknown)


def test_token_ids_are_the_tokenizers_librarys(embedder: Embedder) -> None:
    from tokenizers import Tokenizer

    reference = Tokenizer.from_file(str(model_files()[1]))
    for text in [*TEXTS[:4], "ketamine infusions for treatment-resistant depression", "x"]:
        expected = reference.encode(" ".join(text.split()), add_special_tokens=False).ids
        assert embedder.token_ids(text) == expected, text
