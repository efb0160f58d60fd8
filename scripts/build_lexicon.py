"""Build src/trdfaq/data/english_words.txt and stems.txt (development time; needs nltk).

    python scripts/build_lexicon.py [--dict /usr/share/dict]

english_words.txt is Debian's wamerican and wbritish word lists (SCOWL, size 50: see
src/trdfaq/data/README.md) together, normalised as trdfaq tokenises text, without possessives.
stems.txt holds nltk's Snowball stem of each of those words, and of every word the bundled
corpus's analyzer stems (its words, glossary, word lists, and the inflections of its words
that land in its vocabulary, found by stemming every candidate form with nltk), so that
neither a question in everyday English nor a fresh install's first index build needs nltk.

Run it again after changing the bundled corpus; tests/test_lexicon.py says when it is due.
"""

from __future__ import annotations

import argparse
import functools
from pathlib import Path

from trdfaq import analysis, query
from trdfaq.analysis import nltk_stem, tokenize
from trdfaq.corpus import load_corpus
from trdfaq.engine import Engine
from trdfaq.lexicon import STEMS_FILE, WORDS_FILE, encode_stem
from trdfaq.paths import bundled_corpus_dir

LISTS = ("american-english", "british-english")
DATA = Path(__file__).resolve().parent.parent / "src" / "trdfaq" / "data"


def english(folder: Path) -> set[str]:
    """The words of the lists, as tokens: one-token lines only, no possessives."""
    words: set[str] = set()
    for name in LISTS:
        for line in (folder / name).read_text(encoding="utf-8").splitlines():
            tokens = tokenize(line)
            if len(tokens) == 1 and not tokens[0].endswith("'s"):
                words.add(tokens[0])
    return words


def corpus_stems() -> dict[str, str]:
    """Every stem the bundled corpus's analyzer works out, computed exhaustively with nltk."""
    seen: dict[str, str] = {}

    def recorded(word: str) -> str:
        seen[word] = nltk_stem(word)
        return seen[word]

    # Every stem the engine asks for, recorded; its stem table made the slow, exhaustive way.
    query.snowball_stem = analysis.snowball_stem = recorded  # type: ignore[assignment]
    query.stem_table = functools.partial(analysis.stem_table, exhaustive=True)  # type: ignore[assignment]
    analyzer = Engine.build(load_corpus(bundled_corpus_dir())).analyzer
    return {**seen, **analyzer.stemmer.table}


def write_stems(stems: dict[str, str]) -> None:
    """Write the stems file: sorted lines of word, tab, stem code (see lexicon.decode_stem)."""
    lines = []
    for word in sorted(stems):
        code = encode_stem(word, stems[word])
        lines.append(f"{word}\t{code}\n" if code else f"{word}\n")
    (DATA / STEMS_FILE).write_text("".join(lines), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dict", type=Path, default=Path("/usr/share/dict"))
    args = parser.parse_args()
    words = english(args.dict)
    stems = {word: nltk_stem(word) for word in words}
    (DATA / WORDS_FILE).write_text("".join(f"{w}\n" for w in sorted(words)), encoding="utf-8")
    write_stems(stems)  # (the engine below reads a stems file: first the English ones)
    stems.update(corpus_stems())
    write_stems(stems)
    print(f"{len(words):,} English words, {len(stems):,} stems")


if __name__ == "__main__":
    main()
