"""Train the intent model (``offsite/detectors/intent.py``) on labelled cases in the shared format.

    pip install '.[train]'
    python scripts/train_intent_model.py                      # train on the dev sets, write the model
    python scripts/train_intent_model.py --holdout NEW.jsonl  # also score cases it never saw

Every case's features come from offsite itself (its views and platform index: the same function
the detector calls). Before the final fit, the cases are split by their ``source`` into folds and
each fold is scored by a model trained on the others; the threshold is the lowest one at which the
model adds at most ``--max-added-fpr`` false positives to the rules' (among the clean cases), so
the shipped threshold is chosen on text the model did not see. scikit-learn is needed here only;
detection reads the weights with plain Python.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from offsite.detectors.intent import Feature

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = (ROOT / "tests/data/dev/single.jsonl", ROOT / "tests/data/dev/independent.jsonl")
DEFAULT_OUT = ROOT / "src/offsite/data/intent_model.json"
THRESHOLDS = tuple(round(0.80 + 0.01 * i, 2) for i in range(20))  # never below 0.8


@dataclass(frozen=True)
class Case:
    """One labelled text, with what offsite's rules make of it."""

    source: str
    violation: bool
    #: features of each unit the detector reads (the whole text first, then its longer sentences)
    units: tuple[frozenset[Feature], ...]
    flagged_by_rules: bool
    #: a violation that names no identifier (a pure offer or request), or a clean text: what the
    #: model learns from (identifiers are the rules' work; learning them teaches "com" and ":")
    teaches: bool

    @property
    def features(self) -> frozenset[Feature]:
        """Features of the whole text: what the model learns from."""
        return self.units[0] if self.units else frozenset()

    @property
    def abstained(self) -> bool:
        """The model leaves this text to the rules (no units: see ``unit_features``)."""
        return not self.units


def load_cases(paths: list[Path]) -> list[Case]:
    """Cases of every file (single texts only), with their features and the rules' verdict. A
    bad line is reported (file and line) and skipped."""
    from offsite import Context, Guard
    from offsite.detectors.intent import unit_features
    from offsite.registry import default_registry

    registry = default_registry()
    registry.disable("intent")
    guard = Guard(registry=registry)
    guard.wait_ready()
    cases = []
    for path in paths:
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
                text, label = raw["text"], raw["label"]
                if label not in ("violation", "clean"):
                    raise ValueError(f"label {label!r}")
                context = Context(surface=raw.get("surface", "chat"))
            except (ValueError, KeyError, TypeError) as exc:
                print(f"{path}:{number}: skipped ({type(exc).__name__}: {exc})", file=sys.stderr)
                continue
            views = guard.resources.views(text)
            mentions = guard.resources.platforms.mentions_in(views)
            per_unit = tuple(frozenset(f) for _, f in unit_features(views.alpha.text, mentions))
            flagged = bool(guard.detect(text, context).findings)
            teaches = label == "clean" or not raw.get("contact")
            cases.append(Case(f"{path.name}:{raw.get('source', '')}", label == "violation", per_unit, flagged, teaches))
    return cases


def fit(cases: list[Case], c: float, min_df: int) -> tuple[float, dict[Feature, float]]:
    """Logistic regression over binary features scaled to unit length (the detector's formula)."""
    import numpy as np
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    from offsite.detectors.intent import feature_name, feature_scale

    counts: dict[Feature, int] = defaultdict(int)
    for case in cases:
        for feature in case.features:
            counts[feature] += 1
    vocabulary = {f: i for i, f in enumerate(sorted((f for f, n in counts.items() if n >= min_df), key=feature_name))}
    rows, cols, values = [], [], []
    for row, case in enumerate(cases):
        distinct = case.features
        scale = feature_scale(len(distinct))
        for feature in distinct:
            column = vocabulary.get(feature)
            if column is not None:
                rows.append(row)
                cols.append(column)
                values.append(scale)
    matrix = csr_matrix((values, (rows, cols)), shape=(len(cases), len(vocabulary)))
    labels = np.array([case.violation for case in cases])
    model = LogisticRegression(C=c, max_iter=5000)
    model.fit(matrix, labels)
    weights = {f: round(float(model.coef_[0][i]), 4) for f, i in vocabulary.items()}
    return round(float(model.intercept_[0]), 4), {f: w for f, w in weights.items() if w != 0.0}


def scores(cases: list[Case], probabilities: list[float], threshold: float) -> tuple[float, float]:
    """Recall and false-positive rate of the rules with the model's second opinion."""
    caught = [case.flagged_by_rules or (p >= threshold and not case.abstained)
              for case, p in zip(cases, probabilities, strict=True)]
    positives = [hit for case, hit in zip(cases, caught, strict=True) if case.violation]
    negatives = [hit for case, hit in zip(cases, caught, strict=True) if not case.violation]
    return sum(positives) / max(1, len(positives)), sum(negatives) / max(1, len(negatives))


def main(argv: list[str] | None = None) -> int:
    """Train, choose the threshold on held-out folds, write the model."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", nargs="+", type=Path, default=list(DEFAULT_DATA))
    parser.add_argument("--holdout", nargs="*", type=Path, default=[], help="scored only, never trained on")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--c", type=float, default=16.0, help="inverse regularisation strength")
    parser.add_argument("--min-df", type=int, default=2, help="features seen in fewer cases are dropped")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--max-added-fpr", type=float, default=0.002)
    parser.add_argument("--dry-run", action="store_true", help="evaluate only; write nothing")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT / "src"))
    from offsite.detectors.intent import IntentModel

    cases = load_cases(args.data)
    # what the model is ever asked about, and learns from
    scored = [case for case in cases if not case.abstained and case.teaches]
    sources = sorted({case.source for case in cases})
    fold_of = {source: index % args.folds for index, source in enumerate(sources)}
    held_out: list[float] = [0.0] * len(cases)
    for fold in range(args.folds):
        train = [case for case in scored if fold_of[case.source] != fold]
        bias, weights = fit(train, args.c, args.min_df)
        model = IntentModel(bias, 0.5, weights)
        for index, case in enumerate(cases):
            if fold_of[case.source] == fold:
                held_out[index] = max((model.probability(unit) for unit in case.units), default=0.0)
    base_recall, base_fpr = scores(cases, [0.0] * len(cases), 1.1)
    print(f"{len(cases)} cases ({len(scored)} the model learns from) from {len(sources)} sources; "
          f"rules alone: recall {base_recall:.3f} FPR {base_fpr:.3f}")
    print("held-out folds, rules + model:")
    chosen = THRESHOLDS[-1]
    for threshold in THRESHOLDS:
        recall, fpr = scores(cases, held_out, threshold)
        print(f"  threshold {threshold:.2f}: recall {recall:.3f} FPR {fpr:.3f}")
    for threshold in THRESHOLDS:
        if scores(cases, held_out, threshold)[1] - base_fpr <= args.max_added_fpr:
            chosen = threshold
            break
    bias, weights = fit(scored, args.c, args.min_df)
    model = IntentModel(bias, chosen, weights, tuple(sorted({p.name for p in args.data})))
    print(f"threshold {chosen:.2f}; {len(weights)} weights")
    if args.holdout:
        unseen = load_cases(args.holdout)
        probabilities = [max((model.probability(unit) for unit in case.units), default=0.0) for case in unseen]
        by_file: dict[str, list[int]] = defaultdict(list)
        for index, case in enumerate(unseen):
            by_file[case.source.split(":")[0]].append(index)
        for name, indices in sorted(by_file.items()):
            subset = [unseen[i] for i in indices]
            r0, f0 = scores(subset, [0.0] * len(subset), 1.1)
            r1, f1 = scores(subset, [probabilities[i] for i in indices], chosen)
            print(f"holdout {name} ({len(subset)}): rules recall {r0:.3f} FPR {f0:.3f}; "
                  f"with the model recall {r1:.3f} FPR {f1:.3f}")
    if not args.dry_run:
        args.out.write_text(model.to_json() + "\n", "utf-8")
        print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
