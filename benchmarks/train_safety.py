"""Train the safety classifiers from tests/data/safety/ and write them to src/trdfaq/data/safety/.

    python benchmarks/train_safety.py            # train, choose thresholds, write the models
    python benchmarks/train_safety.py --check    # also print held-out figures (never tunes on them)

Needs the dev extras (scikit-learn, scipy, numpy); the package itself scores the models
without any of them (src/trdfaq/textclf.py). Deterministic: the same data gives the same files.

What it does:
1. Loads every writer's file under tests/data/safety/train/ (one writer a file), drops exact
   duplicates (after normalising) and anything that also appears in heldout.yaml.
2. Chooses the decision thresholds by leave-one-writer-out cross-validation: each writer's
   messages are scored by a model trained on the other writers only, so the thresholds are set
   on text from a writer the model never saw (the situation of a new user). Neither the
   held-out set nor the blind sets are ever used here.
3. Fits the final models on all training writers and writes them.

Models: `tier` (none / check_in / crisis), `imminent` (on crisis messages), `other` (the
person at risk is someone else), `language` (en, es, fr, de, it, pt), `advice` (a request for
a personal medication decision).
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import warnings
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp
import yaml
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from trdfaq.safety import normalise  # noqa: E402
from trdfaq.safety_model import windows  # noqa: E402
from trdfaq.textclf import features, write_model  # noqa: E402

DATA = ROOT / "tests/data/safety"
OUT = ROOT / "src/trdfaq/data/safety"
BUCKETS = 2**16
HIDDEN = 16  # the tier model's hidden units (16, 32, 64 and none compared by cross-validation)
TIERS = ("none", "check_in", "crisis")
LANGUAGES = ("en", "es", "fr", "de", "it", "pt")
C = 10.0  # inverse regularisation (chosen by cross-validation: 1, 3 and 30 did worse)
# Targets the thresholds are set for, on cross-validation over training writers.
HELP_RECALL = 0.97  # crisis and check-in messages that get resources first
CRISIS_FALSE_ALARMS = 0.03  # ordinary messages wrongly given the full crisis reply
# A rule's crisis stands unless the classifier gives it less than this (check-in + crisis):
# when in doubt, the crisis reply. Cross-validation alone chose 0.2 once writers s9 and s10
# added idioms with laughter ("the paperwork makes me want to die 🙄", labelled ordinary), and
# a plain "i want to die haha" then lost its crisis reply (P 0.10).
CONFIRMS = (0.0, 0.001, 0.003, 0.01, 0.03, 0.05)
CRISIS_KEYS = {"text", "tier", "category", "imminent", "about_other", "lang", "advice"}


@dataclass(frozen=True)
class Message:
    """One labelled message."""

    writer: str
    text: str
    tier: str
    category: str
    imminent: bool
    other: bool
    lang: str
    advice: bool


def load(path: Path, writer: str) -> list[Message]:
    """A writer's file, checked item by item."""
    items = yaml.safe_load(path.read_text(encoding="utf-8"))
    out = []
    for n, item in enumerate(items, 1):
        if not isinstance(item, dict) or set(item) - CRISIS_KEYS or "text" not in item:
            raise SystemExit(f"{path}: item {n}: expected the keys {sorted(CRISIS_KEYS)}")
        if item["tier"] not in TIERS or item.get("lang", "en") not in LANGUAGES:
            raise SystemExit(f"{path}: item {n}: unknown tier or language")
        out.append(
            Message(
                writer,
                str(item["text"]),
                item["tier"],
                item["category"],
                bool(item.get("imminent")),
                bool(item.get("about_other")),
                item.get("lang", "en"),
                bool(item.get("advice")),
            )
        )
    return out


def key(text: str) -> str:
    """What makes two messages the same message."""
    return " ".join(normalise(text).split())


QUESTION_SETS = (
    "dev",
    "heldout",
    "fresh",
    "blind",
    "blind2",
    "blind3",
    "blind4",
    "blind5",
    "blind6",
    "blind7",
    "calibration",
)
QUESTION_KINDS = {"answer", "out_of_scope", "not_covered", "not_crisis"}


def ordinary_questions() -> list[Message]:
    """Everyday questions to the assistant, none of them a crisis: the corpus's curated
    questions and the retrieval training and evaluation questions (tests/data/*.yaml,
    tests/data/retrieval/train/*.yaml). They teach the classifier what ordinary traffic looks
    like; the thresholds and figures are worked out on the safety writers' messages only."""
    from trdfaq.corpus import load_corpus
    from trdfaq.paths import bundled_corpus_dir

    texts = [q for p in load_corpus(bundled_corpus_dir()).passages for q in p.questions]
    files = [ROOT / "tests/data" / f"{name}.yaml" for name in QUESTION_SETS]
    files += sorted((ROOT / "tests/data/retrieval/train").glob("*.yaml"))
    for path in files:
        for item in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            if isinstance(item, dict) and item.get("kind") in QUESTION_KINDS:
                texts += [item["question"]] if "question" in item else item["conversation"]
    return [Message(QUESTIONS, t, "none", "ordinary", False, False, "en", False) for t in texts]


QUESTIONS = "questions"  # the group of ordinary questions: trained on, never scored
NOISE = "noise"  # the group of generated content-free text: trained on, never scored
NOISE_MESSAGES = 600


def noise() -> list[Message]:
    """Text with nothing to read in it, labelled none: keyboard mashes, runs of one letter,
    random letter strings, strings of function words, random dictionary words. Without them
    the classifier has only ever seen short texts of function words in crisis messages
    ("i want to..."), and reads the absence of content as a worry."""
    import random

    from trdfaq.analysis import stopwords

    rng = random.Random(0)
    rows = ["qwertyuiop", "asdfghjkl", "zxcvbnm", "1234567890"]
    function = sorted(stopwords())
    words = (ROOT / "src/trdfaq/data/english_words.txt").read_text(encoding="utf-8").split()
    letters = "abcdefghijklmnopqrstuvwxyz"

    def mash() -> str:
        row = rng.choice(rows)
        start = rng.randrange(len(row) - 3)
        return row[start : start + rng.randint(3, len(row) - start)]

    makers = [
        mash,
        lambda: rng.choice(letters) * rng.randint(2, 400),
        lambda: "".join(rng.choice(letters) for _ in range(rng.randint(2, 12))),
        lambda: " ".join(rng.choice(function) for _ in range(rng.randint(1, 8))),
        lambda: " ".join(rng.choice(words) for _ in range(rng.randint(1, 6))),
        lambda: " ".join(mash() for _ in range(rng.randint(2, 4))),
    ]
    texts = [makers[i % len(makers)]() for i in range(NOISE_MESSAGES)]
    for i in range(0, len(texts), 5):
        texts[i] += rng.choice(["?", "!", "...", " ?", ""])
    return [Message(NOISE, t, "none", "noise", False, False, "en", False) for t in texts]


def training_set() -> list[Message]:
    """Every training writer's messages and the ordinary questions, deduplicated, with nothing
    of the held-out set."""
    held = {key(m.text) for m in load(DATA / "heldout.yaml", "heldout")}
    seen: set[str] = set()
    messages = []
    sources = [load(path, path.stem) for path in sorted((DATA / "train").glob("*.yaml"))]
    for group in [*sources, ordinary_questions(), noise()]:
        for message in group:
            k = key(message.text)
            if k in seen or k in held:
                continue
            seen.add(k)
            messages.append(message)
    return messages


def matrix(texts: list[str], *, normalised: bool = False) -> sp.csr_matrix:
    """Hashed features of each text, as the package computes them."""
    rows, cols, vals = [], [], []
    for r, text in enumerate(texts):
        for c, v in features(text if normalised else normalise(text), BUCKETS).items():
            rows.append(r)
            cols.append(c)
            vals.append(v)
    return sp.csr_matrix((vals, (rows, cols)), shape=(len(texts), BUCKETS))


def fit(x: sp.csr_matrix, y: np.ndarray) -> LogisticRegression:
    """A class-balanced logistic regression."""
    model = LogisticRegression(C=C, max_iter=5000, class_weight="balanced")
    return model.fit(x, y)


def fit_hidden(x: sp.csr_matrix, y: np.ndarray) -> MLPClassifier:
    """One hidden ReLU layer: it can weigh a crisis word against a negation or a past tense,
    which a linear model over the same features cannot (cross-validated crisis recall at 3%
    false alarms 0.71 against 0.57)."""
    model = MLPClassifier(
        hidden_layer_sizes=(HIDDEN,), alpha=1e-4, max_iter=60, random_state=0, tol=1e-5
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(x, y)


def read(model: MLPClassifier, texts: list[str]) -> np.ndarray:
    """Probabilities as the package reads a message (safety_model.Classifiers.read): none,
    check-in and crisis of the whole message, and the most worrying help probability of the
    whole or any one sentence of a long one (which only confirms a rule's crisis)."""
    owner, parts, whole = [], [], []
    for i, text in enumerate(texts):
        for n, part in enumerate([normalise(text), *windows(normalise(text))]):
            owner.append(i)
            parts.append(part)
            whole.append(n == 0)
    probs = model.predict_proba(matrix(parts, normalised=True))
    classes = np.asarray(model.classes_)
    columns = [int(np.flatnonzero(classes == c)[0]) for c in (0, 1, 2)]
    helped = probs[:, classes != 0].sum(axis=1)
    out = np.zeros((len(texts), 4))
    for row, i in enumerate(owner):
        if whole[row]:
            out[i, :3] = probs[row, columns]
        out[i, 3] = max(out[i, 3], helped[row])
    return out


def cross_validated(
    x: sp.csr_matrix, y: np.ndarray, writers: np.ndarray, texts: list[str]
) -> np.ndarray:
    """Each message's class probabilities from a model trained on the other writers."""
    out = np.zeros((len(y), 4))
    for writer in np.unique(writers):
        if writer == NOISE:
            continue  # never scored: it only teaches what content-free text is
        train, test = writers != writer, writers == writer
        model = fit_hidden(x[train], y[train])
        out[test] = read(model, [t for t, keep in zip(texts, test, strict=True) if keep])
    return out


@dataclass(frozen=True)
class Policy:
    """How rules and classifier combine (safety.assess): a crisis when the rules say so and
    the classifier, reading the whole and each sentence, does not rule it out (p_help >=
    confirm), or when p_crisis >= crisis;
    otherwise resources first (a check-in) when the rules flag anything or p_help >= help."""

    help: float
    crisis: float
    confirm: float

    def decide(self, probs: np.ndarray, rules: np.ndarray) -> np.ndarray:
        """0 none, 1 check-in, 2 crisis, for each message (rules: 0, 1 check-in, 2 crisis)."""
        helped = probs[:, 1] + probs[:, 2]
        crisis = ((rules == 2) & (probs[:, 3] >= self.confirm)) | (probs[:, 2] >= self.crisis)
        help_ = (rules >= 1) | (helped >= self.help)
        return np.where(crisis, 2, np.where(help_, 1, 0))


def choose(probs: np.ndarray, tiers: np.ndarray, rules: np.ndarray) -> Policy:
    """Thresholds for the targets, on cross-validated probabilities: help so that rules OR
    classifier give resources first to HELP_RECALL of crisis and check-in messages; then,
    within CRISIS_FALSE_ALARMS, the (crisis, confirm) pair that gives the most crisis messages the full crisis reply."""
    helped = probs[:, 1] + probs[:, 2]
    risky = tiers > 0
    missed = helped[risky][rules[risky] == 0]  # what the rules leave to the classifier
    allowed = int(np.floor((1 - HELP_RECALL) * risky.sum()))  # misses the target allows
    help_t = float(np.sort(missed)[allowed]) if allowed < len(missed) else 1.0
    best: tuple[float, Policy] | None = None
    for crisis_t in np.linspace(0.3, 0.99, 70):
        for confirm in CONFIRMS:
            policy = Policy(round(help_t, 4), round(float(crisis_t), 4), confirm)
            decided = policy.decide(probs, rules)
            if (decided[tiers == 0] == 2).mean() > CRISIS_FALSE_ALARMS:
                continue
            recall = float((decided[tiers == 2] == 2).mean())
            if best is None or recall > best[0]:
                best = (recall, policy)
    assert best is not None, "no thresholds meet the false-alarm target"
    return best[1]


def figures(decided: np.ndarray, tiers: np.ndarray) -> dict[str, float]:
    """Recall and false alarms of a decision."""
    share = lambda flags, mask: round(float(flags[mask].mean()), 4)  # noqa: E731
    return {
        "crisis_to_crisis": share(decided == 2, tiers == 2),
        "crisis_to_help": share(decided >= 1, tiers == 2),
        "check_in_to_help": share(decided >= 1, tiers == 1),
        "none_to_crisis": share(decided == 2, tiers == 0),
        "none_to_help": share(decided >= 1, tiers == 0),
    }


def rule_tiers(texts: list[str]) -> np.ndarray:
    """The rules' own decision on each message: 0, 1 check-in, 2 crisis."""
    from trdfaq.paths import bundled_prompts_dir
    from trdfaq.safety import assess_rules, load_safety_rules

    rules = load_safety_rules(bundled_prompts_dir() / "safety.yaml")
    out = []
    for text in texts:
        found = assess_rules(text, rules)
        out.append(2 if found.crisis else 1 if found.check_in else 0)
    return np.array(out)


def write(
    name: str, model: LogisticRegression | MLPClassifier, classes: tuple[str, ...], meta: dict
) -> None:
    """Export a fitted model to the package's format."""
    if isinstance(model, MLPClassifier):
        layers = list(zip(model.coefs_, model.intercepts_, strict=True))
        binary = model.coefs_[-1].shape[1] == 1
    else:
        layers = [(model.coef_.T, model.intercept_)]
        binary = model.coef_.shape[0] == 1
    write_model(
        OUT / f"{name}.clf",
        classes if not binary else (classes[1],),
        [(w.tolist(), b.tolist()) for w, b in layers],
        binary=binary,
        meta=meta,
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--check", action="store_true", help="print held-out figures too")
    args = parser.parse_args()
    messages = training_set()
    texts = [m.text for m in messages]
    writers = np.array([m.writer for m in messages])
    digest = hashlib.sha256("\n".join(sorted(key(t) for t in texts)).encode()).hexdigest()[:16]
    print(
        f"{len(messages)} training messages from {len(set(writers))} writers:",
        dict(Counter(writers)),
    )
    print("tiers:", dict(Counter(m.tier for m in messages)))
    x = matrix(texts)
    tiers = np.array([TIERS.index(m.tier) for m in messages])
    probs = cross_validated(x, tiers, writers, texts)
    rules = rule_tiers(texts)
    scored = (writers != QUESTIONS) & (writers != NOISE)
    print("rules alone:", figures(rules[scored], tiers[scored]))
    policy = choose(probs[scored], tiers[scored], rules[scored])
    cv = figures(policy.decide(probs[scored], rules[scored]), tiers[scored])
    print(f"thresholds: {policy}")
    print("leave-one-writer-out, rules and classifier:", cv)
    asked = writers == QUESTIONS
    print(
        f"  ordinary questions {int(asked.sum())}: help {float((policy.decide(probs[asked], rules[asked]) >= 1).mean()):.3f}"
    )
    for category in sorted({m.category for m in messages if m.writer not in {QUESTIONS, NOISE}}):
        mask = np.array([m.category == category for m in messages])
        decided = policy.decide(probs[mask], rules[mask])
        print(
            f"  {category:24s} {mask.sum():4d}  help {float((decided >= 1).mean()):.2f}  crisis {float((decided == 2).mean()):.2f}"
        )
    OUT.mkdir(parents=True, exist_ok=True)
    meta = {
        "data": digest,
        "messages": len(messages),
        "help": policy.help,
        "crisis": policy.crisis,
        "confirm": policy.confirm,
        "cv": cv,
    }
    write("tier", fit_hidden(x, tiers), TIERS, meta)

    crisis = tiers == 2
    imminent = np.array([m.imminent for m in messages])
    write(
        "imminent",
        fit(x[crisis], imminent[crisis].astype(int)),
        ("no", "imminent"),
        {"data": digest},
    )
    risky = tiers > 0
    other = np.array([m.other for m in messages])
    write("other", fit(x[risky], other[risky].astype(int)), ("self", "other"), {"data": digest})
    langs = np.array([LANGUAGES.index(m.lang) for m in messages])
    write("language", fit(x, langs), LANGUAGES, {"data": digest})
    plain = tiers == 0
    advice = np.array([m.advice for m in messages])
    write("advice", fit(x[plain], advice[plain].astype(int)), ("no", "advice"), {"data": digest})
    print(
        f"wrote {', '.join(p.name for p in sorted(OUT.glob('*.clf')))} to {OUT.relative_to(ROOT)}"
    )
    if args.check:
        print("held-out figures: run `trdfaq eval tests/data/safety/heldout.yaml`")


if __name__ == "__main__":
    main()
