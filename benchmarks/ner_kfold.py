"""Document-level k-fold of the trained NER over the whole gold (``make ner-kfold``).

Every gold document falls in exactly one of k folds (a seeded shuffle of the sorted
document ids); for each fold the NER is trained on the other folds' documents and tested
on this one's only. Printed:

- span P/R/F1 per label (exact label and token boundaries, against the gold strings aligned
  as for training), over the held-out documents;
- extraction figures (``ita_extract.evaluate``: micro and strict micro F1, and F1 per list)
  per family, rules alone vs rules + NER, the latter with each document extracted by the
  model of the fold that held it out.

    .venv/bin/python benchmarks/ner_kfold.py [--folds 5] [--epochs N] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PYTHAINLP_OFFLINE", "1")

from ita_extract import evaluate as ev  # noqa: E402
from ita_extract.extract import ner  # noqa: E402
from ita_extract.models import DocumentRecord  # noqa: E402
from ita_extract.pipeline import extract_paths  # noqa: E402


def folds_of(docs: list[str], k: int, seed: int) -> dict[str, int]:
    order = sorted(docs)
    random.Random(seed).shuffle(order)
    return {doc: i % k for i, doc in enumerate(order)}


def span_counts(ner_nlp, items) -> dict[str, list[int]]:
    """tp, fp, fn per label of the NER's spans on held-out (text, record) pairs."""
    counts = {label: [0, 0, 0] for label in ner.LABELS}
    for text, record in items:
        doc = ner_nlp.make_doc(text)
        gold = {(s.label_, s.start_char, s.end_char) for s in ner.align(doc, record)}
        pred = {(m.label, m.start, m.end) for m in ner.predict(ner_nlp, text)}
        for label in ner.LABELS:
            g = {x for x in gold if x[0] == label}
            p = {x for x in pred if x[0] == label}
            counts[label][0] += len(g & p)
            counts[label][1] += len(p - g)
            counts[label][2] += len(g - p)
    return counts


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def extract_with(paths: list[Path], model: str | None) -> list[DocumentRecord]:
    if model is None:
        os.environ["ITA_NER"] = "0"
        os.environ.pop(ner.MODEL_ENV, None)
    else:
        os.environ["ITA_NER"] = "1"
        os.environ[ner.MODEL_ENV] = model
    return extract_paths(paths)


def figures(by_family: dict[str, list[DocumentRecord]], pred: list[DocumentRecord]) -> dict[str, dict[str, float]]:
    out = {}
    for family, gold in by_family.items():
        s = ev.score(gold, pred)
        out[family] = {
            "micro": s.micro.f1, "strict_micro": s.strict_micro.f1,
            **{name: getattr(s, name).f1 for name in ev.LISTS},
        }
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gold", type=Path, default=ROOT / "gold")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--epochs", type=int, default=ner.EPOCHS)
    ap.add_argument("--seed", type=int, default=ner.SEED)
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args()

    by_file = ev.load_gold_files(args.gold)
    by_family: dict[str, list[DocumentRecord]] = {ev.ALL: []}
    for name, records in by_file.items():
        by_family.setdefault(ev.family_of(name), []).extend(records)
        by_family[ev.ALL].extend(records)
    records = by_family[ev.ALL]
    paths = {r.doc: ev.doc_path(args.gold, r.doc) for r in records}
    items, skipped = ner.read_items((paths[r.doc], r) for r in records)  # type: ignore[misc]
    fold = folds_of([r.doc for r in records], args.folds, args.seed)

    t0 = time.perf_counter()
    rules = extract_with([paths[r.doc] for r in records], None)
    rules_seconds = time.perf_counter() - t0

    spans = {label: [0, 0, 0] for label in ner.LABELS}
    with_ner: list[DocumentRecord] = []
    stats = ner.AlignStats()
    train_seconds: list[float] = []
    ner_seconds = 0.0
    with tempfile.TemporaryDirectory(prefix="ner-kfold-") as tmp:
        for k in range(args.folds):
            train_items = [(t, r) for t, r in items if fold[r.doc] != k]
            test_items = [(t, r) for t, r in items if fold[r.doc] == k]
            model = Path(tmp) / f"fold{k}"
            info = ner.timed_train(train_items, model, epochs=args.epochs, seed=args.seed)
            train_seconds.append(info["seconds"])
            ner_nlp = ner.load(model)
            for label, (tp, fp, fn) in span_counts(ner_nlp, test_items).items():
                spans[label][0] += tp
                spans[label][1] += fp
                spans[label][2] += fn
            t0 = time.perf_counter()
            with_ner += extract_with([paths[r.doc] for r in records if fold[r.doc] == k], str(model))
            ner_seconds += time.perf_counter() - t0
            print(f"fold {k + 1}/{args.folds}: trained on {len(train_items)} documents in "
                  f"{info['seconds']} s, tested on {len(test_items)}", file=sys.stderr)
        for _, r in items:
            ner.align(ner.blank_nlp().make_doc(_), r, stats)

    print(f"{args.folds}-fold over {len(records)} gold documents ({len(skipped)} unreadable, "
          f"extracted as nothing by both: {', '.join(skipped)}); {args.epochs} epochs, seed {args.seed}")
    print("\nalignment of the gold strings (all documents):")
    print(f"  {'label':<9} {'strings':>7} {'not found':>9} {'spans':>6} {'misaligned':>10} {'overlap dropped':>15}")
    for label in ner.LABELS:
        print(f"  {label:<9} {stats.strings[label]:>7} {stats.not_found[label]:>9} {stats.spans[label]:>6} "
              f"{stats.misaligned[label]:>10} {stats.overlapping[label]:>15}")
    print("\nNER spans on held-out documents (exact boundaries):")
    print(f"  {'label':<9} {'P':>6} {'R':>6} {'F1':>6}  tp/fp/fn")
    for label in ner.LABELS:
        p, r, f = prf(*spans[label])
        print(f"  {label:<9} {p:6.3f} {r:6.3f} {f:6.3f}  {'/'.join(map(str, spans[label]))}")
    a = figures(by_family, rules)
    b = figures(by_family, with_ner)
    print("\nextraction F1 on held-out documents, rules | rules + NER:")
    cols = ["micro", "strict_micro", *ev.LISTS]
    print(f"  {'family':<8} " + " ".join(f"{c:>21}" for c in cols))
    for family in by_family:
        print(f"  {family:<8} " + " ".join(f"{a[family][c]:>10.3f} | {b[family][c]:<8.3f}" for c in cols))
    print(f"\ntraining: {', '.join(f'{s:.0f}' for s in train_seconds)} s per fold; extraction of "
          f"{len(records)} documents: rules {rules_seconds:.0f} s, rules + NER {ner_seconds:.0f} s")
    if args.json:
        args.json.write_text(json.dumps({
            "alignment": {k: getattr(stats, k) for k in ("strings", "not_found", "spans", "misaligned", "overlapping")},
            "spans": spans, "rules": a, "rules_ner": b, "train_seconds": train_seconds,
        }, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
