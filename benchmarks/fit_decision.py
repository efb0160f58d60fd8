"""Fit the answer/decline decision (src/trdfaq/decision.py) on labelled questions.

    python benchmarks/fit_decision.py            # cross-validate, fit, print the figures
    python benchmarks/fit_decision.py --write    # ...and rewrite corpus/retrieval.yaml's decision

Needs the dev extras (scikit-learn, numpy). The questions: every `answer`, `out_of_scope` and
`not_covered` case of tests/data/*.yaml and tests/data/retrieval/train/*.yaml (blind sets
under tests/data/blind/ are never used). Each question's candidates (decision.candidates) are
labelled 1 when the passage holds one of the case's `expect` snippets, else 0; a logistic
regression over their features gives the weights. The thresholds are chosen on predictions for
each file made by a model fitted on the other files only (leave-one-file-out), so that they
are set on questions from a writer the model never saw.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml
from sklearn.linear_model import LogisticRegression

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from trdfaq import Assistant  # noqa: E402
from trdfaq.decision import FEATURES  # noqa: E402

DIM = 256  # the embedding dimension (decision_words)

SETS = ["dev", "heldout", "fresh", "blind", *(f"blind{n}" for n in range(2, 8)), "calibration"]
C = 1.0
# The threshold is the highest whose cross-validated false refusals (answerable questions
# given no answer) stay within this share: it then declines as many other questions as it can.
MAX_REFUSED = 0.03


@dataclass
class Question:
    """A labelled question and its candidates' features and labels."""

    group: str
    text: str
    kind: str
    features: np.ndarray  # (candidates, features)
    labels: np.ndarray  # 1 where the candidate holds an expected snippet


def files() -> list[Path]:
    """The labelled question files, one group each."""
    found = [ROOT / "tests/data" / f"{name}.yaml" for name in SETS]
    return [*found, *sorted((ROOT / "tests/data/retrieval/train").glob("*.yaml"))]


def _norm(text: str) -> str:
    return " ".join(text.casefold().split())


def questions(assistant: Assistant) -> list[Question]:
    """Every single-turn labelled question, with its candidates."""
    engine = assistant.engine
    out = []
    for path in files():
        for item in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            kind = item.get("kind")
            if kind not in {"answer", "out_of_scope", "not_covered"} or "question" not in item:
                continue
            text = item["question"]
            query = engine.analyse(text)
            hits = engine.search(query, k=10)
            found = engine.decide(
                engine.evidence(text, query, hits, text, engine.subjects_of(query))
            )
            if not found:
                continue
            wanted = [_norm(e) for e in item.get("expect", [])]
            labels = [float(any(w in _norm(c.passage.text) for w in wanted)) for c in found]
            if kind == "answer" and not any(labels):
                continue  # the expected words are in no passage (curation left them out)
            rows = [[*c.features, *(c.words or [0.0] * DIM)] for c in found]
            out.append(Question(path.stem, text, kind, np.array(rows), np.array(labels)))
    return out


def fit(qs: list[Question]) -> LogisticRegression:
    """Logistic regression over every candidate of these questions."""
    x = np.vstack([q.features for q in qs])
    y = np.concatenate([q.labels for q in qs])
    return LogisticRegression(C=C, max_iter=5000, class_weight="balanced").fit(x, y)


def outcomes(qs: list[Question], probs: list[np.ndarray], threshold: float) -> dict[str, float]:
    """Figures at a threshold: hit@1 and refusals of answerable questions, rejections of
    the others."""
    answer = [(q, p) for q, p in zip(qs, probs, strict=True) if q.kind == "answer"]
    other = [(q, p) for q, p in zip(qs, probs, strict=True) if q.kind != "answer"]
    right = refused = top3 = 0
    for q, p in answer:
        order = np.argsort(-p, kind="stable")
        if p[order[0]] < threshold:
            refused += 1
            continue
        right += int(q.labels[order[0]] == 1)
        top3 += int(any(q.labels[i] == 1 and p[i] >= threshold for i in order[:3]))
    rejected = sum(p.max() < threshold for _, p in other)
    n = max(len(answer), 1)
    return {
        "hit@1": right / n,
        "hit@3": top3 / n,
        "refused": refused / n,
        "rejected": rejected / max(len(other), 1),
        "wrong": (n - right - refused) / n,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--write", action="store_true", help="rewrite corpus/retrieval.yaml")
    args = parser.parse_args()
    assistant = Assistant.load(use_cache=False)
    qs = questions(assistant)
    groups = sorted({q.group for q in qs})
    print(f"{len(qs)} questions from {len(groups)} files")
    probs: list[np.ndarray] = [np.zeros(0)] * len(qs)
    for group in groups:
        model = fit([q for q in qs if q.group != group])
        for i, q in enumerate(qs):
            if q.group == group:
                probs[i] = model.predict_proba(q.features)[:, 1]
    best = None
    for threshold in np.linspace(0.05, 0.95, 91):
        f = outcomes(qs, probs, float(threshold))
        if f["refused"] > MAX_REFUSED:
            continue
        if best is None or f["rejected"] > best[0]:
            best = (f["rejected"], float(threshold), f)
    assert best is not None
    _, threshold, cv = best
    for t in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9):
        f = outcomes(qs, probs, t)
        print(f"  at {t:.1f}:", {k: round(float(v), 3) for k, v in f.items()})
    print(
        f"leave-one-file-out at threshold {threshold:.2f}:", {k: round(v, 3) for k, v in cv.items()}
    )
    for group in groups:
        idx = [i for i, q in enumerate(qs) if q.group == group]
        f = outcomes([qs[i] for i in idx], [probs[i] for i in idx], threshold)
        print(f"  {group:12s} {len(idx):4d}", {k: round(v, 2) for k, v in f.items()})
    model = fit(qs)
    weights = {"bias": float(model.intercept_[0])}
    named = model.coef_[0][: len(FEATURES)]
    weights.update({name: float(w) for name, w in zip(FEATURES, named, strict=True)})
    words = [float(w) for w in model.coef_[0][len(FEATURES) :]]
    print("weights:", {k: round(v, 3) for k, v in weights.items()})
    if args.write:
        write(weights, words, threshold)


def write(weights: dict[str, float], words: list[float], threshold: float) -> None:
    """Replace the decision weights and the answer threshold in corpus/retrieval.yaml."""
    path = ROOT / "corpus/retrieval.yaml"
    text = path.read_text(encoding="utf-8")
    block = "decision:\n" + "".join(f"  {k}: {v:.4f}\n" for k, v in weights.items())
    text = re.sub(r"decision:\n(?:  \w+: [-\d.e]+\n)+", block, text)
    listed = ", ".join(f"{w:.4f}" for w in words)
    text = re.sub(r"decision_words: \[[^\]]*\]", f"decision_words: [{listed}]", text)
    text = re.sub(r"answer_threshold: [\d.]+", f"answer_threshold: {threshold:.2f}", text)
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
