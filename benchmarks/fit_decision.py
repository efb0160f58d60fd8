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

Then the answer gate (decision.answerable): a logistic model, over the best candidate's
probability and the question model's (benchmarks/train_questions.py, its predictions for each
file again from a model fitted without it), of whether the question is one the articles
answer. `answer_threshold` is the highest at which the candidates alone refuse at most
FLOOR_REFUSED more of the answerable questions than the guards do; `gate_threshold` the one at which both
together decline the most other questions while refusing at most MAX_REFUSED more answerable
ones than the guards.
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
from trdfaq.corpus import GATE_FEATURES  # noqa: E402
from trdfaq.decision import FEATURES, gate_features  # noqa: E402

DIM = 256  # the embedding dimension (decision_words)

SETS = ["dev", "heldout", "fresh", "blind", *(f"blind{n}" for n in range(2, 8)), "calibration"]
C = 1.0
# The thresholds are set so that cross-validated false refusals (answerable questions given no
# answer) stay within this share beyond those the risk and aspect guards make: they then
# decline as many other questions as they can.
MAX_REFUSED = 0.03
FLOOR_REFUSED = 0.01


@dataclass
class Question:
    """A labelled question and its candidates' features and labels."""

    group: str
    text: str
    kind: str
    features: np.ndarray  # (candidates, features)
    labels: np.ndarray  # 1 where the candidate holds an expected snippet
    guarded: np.ndarray  # True where a guard rules the candidate out (risks, aspect)
    kinds: dict[str, float]  # the question model's probabilities, fitted without this file


def files() -> list[Path]:
    """The labelled question files, one group each."""
    found = [ROOT / "tests/data" / f"{name}.yaml" for name in SETS]
    return [*found, *sorted((ROOT / "tests/data/retrieval/train").glob("*.yaml"))]


def _norm(text: str) -> str:
    return " ".join(text.casefold().split())


def questions(assistant: Assistant) -> list[Question]:
    """Every single-turn labelled question, with its candidates."""
    from train_questions import out_of_file

    kinds = out_of_file()
    engine = assistant.engine
    out = []
    for path in files():
        for item in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            kind = item.get("kind")
            if kind not in {"answer", "out_of_scope", "not_covered"} or "question" not in item:
                continue
            text = item["question"]
            found = engine.rank(text)  # as the assistant ranks them
            if not found:
                continue
            wanted = [_norm(e) for e in item.get("expect", [])]
            labels = [float(any(w in _norm(c.passage.text) for w in wanted)) for c in found]
            if kind == "answer" and not any(labels):
                continue  # the expected words are in no passage (curation left them out)
            rows = [[*c.features, *(c.words or [0.0] * DIM)] for c in found]
            guarded = np.array([c.probability == 0.0 for c in found])
            out.append(
                Question(
                    path.stem,
                    text,
                    kind,
                    np.array(rows),
                    np.array(labels),
                    guarded,
                    kinds[(path.stem, text)],
                )
            )
    return out


def fit(qs: list[Question]) -> LogisticRegression:
    """Logistic regression over every candidate of these questions."""
    x = np.vstack([q.features for q in qs])
    y = np.concatenate([q.labels for q in qs])
    return LogisticRegression(C=C, max_iter=5000, class_weight="balanced").fit(x, y)


def outcomes(
    qs: list[Question],
    probs: list[np.ndarray],
    threshold: float,
    gates: np.ndarray | None = None,
    gate_threshold: float = 0.0,
) -> dict[str, float]:
    """Figures at a threshold (and a gate threshold): hit@1 and refusals of answerable
    questions, rejections of the others (not covered; out of scope)."""
    right = refused = top3 = 0
    rejected = {"not_covered": 0, "out_of_scope": 0}
    for i, (q, p) in enumerate(zip(qs, probs, strict=True)):
        order = np.argsort(-p, kind="stable")
        declined = p[order[0]] < threshold or (gates is not None and gates[i] < gate_threshold)
        if q.kind != "answer":
            rejected[q.kind] += int(declined)
            continue
        if declined:
            refused += 1
            continue
        right += int(q.labels[order[0]] == 1)
        top3 += int(any(q.labels[j] == 1 and p[j] >= threshold for j in order[:3]))
    n = max(sum(q.kind == "answer" for q in qs), 1)
    other = {k: max(sum(q.kind == k for q in qs), 1) for k in rejected}
    return {
        "hit@1": right / n,
        "hit@3": top3 / n,
        "refused": refused / n,
        "not_covered": rejected["not_covered"] / other["not_covered"],
        "out_of_scope": rejected["out_of_scope"] / other["out_of_scope"],
        "wrong": (n - right - refused) / n,
    }


def _gate_rows(qs: list[Question], probs: list[np.ndarray]) -> np.ndarray:
    """Each question's gate features, from its candidates' probabilities."""
    rows = []
    for q, p in zip(qs, probs, strict=True):
        ranked = [*sorted(map(float, p), reverse=True), 0.0]
        rows.append(gate_features(ranked[0], ranked[1], q.kinds))
    return np.array(rows)


def fit_gate(x: np.ndarray, qs: list[Question]) -> LogisticRegression:
    """The gate: is the question one the articles answer?"""
    y = np.array([q.kind == "answer" for q in qs])
    return LogisticRegression(C=C, max_iter=5000).fit(x, y)


def _score(f: dict[str, float]) -> float:
    return f["not_covered"] + f["out_of_scope"]


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
                p = model.predict_proba(q.features)[:, 1]
                p[q.guarded] = 0.0
                probs[i] = p
    grid = [float(t) for t in np.linspace(0.05, 0.95, 91)]
    plain = {t: outcomes(qs, probs, t) for t in grid}  # the candidates alone, at each threshold
    guarded = plain[grid[0]]["refused"]  # (all their candidates ruled out)
    floor = max(t for t in grid if plain[t]["refused"] <= guarded + FLOOR_REFUSED)
    print(f"refused by the guards alone: {guarded:.3f}")
    rows = _gate_rows(qs, probs)
    gates = np.zeros(len(qs))
    member = np.array([q.group for q in qs])
    for group in groups:
        held = member == group
        fitted = fit_gate(rows[~held], [q for q, h in zip(qs, held, strict=True) if not h])
        gates[held] = fitted.predict_proba(rows[held])[:, 1]
    best = None
    for t in grid:
        f = outcomes(qs, probs, floor, gates, t)
        if f["refused"] <= guarded + MAX_REFUSED and (best is None or _score(f) > _score(best[1])):
            best = (t, f)
    assert best is not None
    gate_threshold, cv = best
    alone = max((f for f in plain.values() if f["refused"] <= guarded + MAX_REFUSED), key=_score)
    print("leave-one-file-out, candidates alone at the same refusals:", _rounded(alone))
    print(
        f"leave-one-file-out with the gate (answer_threshold {floor:.2f}, "
        f"gate_threshold {gate_threshold:.2f}):",
        _rounded(cv),
    )
    for group in groups:
        idx = [i for i, q in enumerate(qs) if q.group == group]
        f = outcomes(
            [qs[i] for i in idx], [probs[i] for i in idx], floor, gates[idx], gate_threshold
        )
        print(f"  {group:12s} {len(idx):4d}", _rounded(f))
    model = fit(qs)
    weights = {"bias": float(model.intercept_[0])}
    named = model.coef_[0][: len(FEATURES)]
    weights.update({name: float(w) for name, w in zip(FEATURES, named, strict=True)})
    words = [float(w) for w in model.coef_[0][len(FEATURES) :]]
    gate = fit_gate(rows, qs)
    gate_weights = {"bias": float(gate.intercept_[0])}
    gate_weights.update({n: float(w) for n, w in zip(GATE_FEATURES, gate.coef_[0], strict=True)})
    print("weights:", _rounded(weights))
    print("gate:", _rounded(gate_weights))
    if args.write:
        write(weights, words, floor, gate_weights, gate_threshold)


def _rounded(f: dict[str, float]) -> dict[str, float]:
    return {k: round(float(v), 3) for k, v in f.items()}


def write(
    weights: dict[str, float],
    words: list[float],
    threshold: float,
    gate: dict[str, float],
    gate_threshold: float,
) -> None:
    """Replace the decision and gate weights and their thresholds in corpus/retrieval.yaml."""
    path = ROOT / "corpus/retrieval.yaml"
    text = path.read_text(encoding="utf-8")
    block = "decision:\n" + "".join(f"  {k}: {v:.4f}\n" for k, v in weights.items())
    text = re.sub(r"decision:\n(?:  \w+: [-\d.e]+\n)+", block, text)
    block = "gate:\n" + "".join(f"  {k}: {v:.4f}\n" for k, v in gate.items())
    text = re.sub(r"gate:\n(?:  \w+: [-\d.e]+\n)+", block, text)
    listed = ", ".join(f"{w:.4f}" for w in words)
    text = re.sub(r"decision_words: \[[^\]]*\]", f"decision_words: [{listed}]", text)
    text = re.sub(r"answer_threshold: [\d.]+", f"answer_threshold: {threshold:.2f}", text)
    text = re.sub(r"gate_threshold: [\d.]+", f"gate_threshold: {gate_threshold:.2f}", text)
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
