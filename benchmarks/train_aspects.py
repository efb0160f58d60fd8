"""Train the question-aspect classifier (src/trdfaq/data/aspect.clf) from labelled questions.

    python benchmarks/train_aspects.py

The questions and their `aspect` labels are the retrieval training sets
(tests/data/retrieval/train/*.yaml), written by people who saw only the articles. The model
says what a question asks about its subject (risks, how fast, how it is given, ...), so that a
passage is weighed by whether it answers that aspect (decision.py's `aspect_match`), and a
question about risks is never answered with a passage that only speaks of benefits. Prints the
leave-one-writer-out accuracy. Needs the dev extras (scikit-learn, scipy, numpy).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import scipy.sparse as sp
import yaml
from sklearn.linear_model import LogisticRegression

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from trdfaq.analysis import question_weighted  # noqa: E402
from trdfaq.textclf import features, write_model  # noqa: E402

BUCKETS = 2**16
OUT = ROOT / "src/trdfaq/data/aspect.clf"


def load() -> tuple[list[str], list[str], list[str]]:
    """(question, aspect, writer) of every labelled training question."""
    known = yaml.safe_load((ROOT / "corpus/subjects.yaml").read_text(encoding="utf-8"))["aspects"]
    texts, aspects, writers = [], [], []
    for path in sorted((ROOT / "tests/data/retrieval/train").glob("*.yaml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8")):
            aspect = item.get("aspect")
            if aspect in known and "question" in item:
                texts.append(item["question"])
                aspects.append(aspect)
                writers.append(path.stem)
    return texts, aspects, writers


def matrix(texts: list[str]) -> sp.csr_matrix:
    """The hashed features of each text, read as the assistant reads a question (a message
    of several sentences with its asking sentences again: analysis.question_weighted)."""
    rows, cols, vals = [], [], []
    for r, text in enumerate(texts):
        for c, v in features(question_weighted(text), BUCKETS).items():
            rows.append(r)
            cols.append(c)
            vals.append(v)
    return sp.csr_matrix((vals, (rows, cols)), shape=(len(texts), BUCKETS))


def main() -> None:
    texts, aspects, writers = load()
    x, y, w = matrix(texts), np.array(aspects), np.array(writers)
    right = 0
    for writer in np.unique(w):
        model = LogisticRegression(C=10, max_iter=5000).fit(x[w != writer], y[w != writer])
        right += int((model.predict(x[w == writer]) == y[w == writer]).sum())
    print(f"{len(texts)} questions; leave-one-writer-out accuracy {right / len(texts):.3f}")
    risks = y == "risks"
    model = LogisticRegression(C=10, max_iter=5000).fit(x, y)
    classes = [str(c) for c in model.classes_]
    write_model(
        OUT,
        classes,
        [(model.coef_.T.tolist(), model.intercept_.tolist())],
        meta={"questions": len(texts), "risks": int(risks.sum())},
    )
    print(f"wrote {OUT.relative_to(ROOT)} ({', '.join(classes)})")


if __name__ == "__main__":
    main()
