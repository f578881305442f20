"""Reading free text: accuracy on the held-out utterances, cross-validated accuracy on the authored
examples, speed of reading and learning, and (with --compare) other methods on the same data.

    python bench/reading_bench.py                    # held-out accuracy and speeds, every scenario
    python bench/reading_bench.py --cv 5             # 5-fold cross-validation on the examples too
    python bench/reading_bench.py --compare          # rapidfuzz and scikit-learn, when installed
    python bench/reading_bench.py --scenarios DIR --utterances DIR

Held-out accuracy is what tests/test_reading_accuracy.py asserts floors on; this script prints
the figures, their counts, and times measured in this run (no test depends on timing).
"""

from __future__ import annotations

import argparse
import importlib
import random
import statistics
import sys
import time
from pathlib import Path

import simulator
from simulator.reading import Reader, reader_for, training_examples
from simulator.testing.utterances import Utterance, accuracy, load_utterances

ROOT = Path(__file__).resolve().parents[1]


def scenarios(folder: Path | None) -> list[simulator.Scenario]:
    if folder is None:
        return [simulator.load_scenario(i.id) for i in simulator.list_scenarios()]
    return [simulator.load_scenario(p) for p in sorted(folder.glob("*.yaml"))]


def held_out(scenario: simulator.Scenario, folder: Path) -> list[Utterance]:
    path = folder / f"{scenario.id}.yaml"
    return load_utterances(path) if path.exists() else []


def report(name: str, acc) -> None:
    print(
        f"   {name:<18} top1 {acc.top1:6.1%}  top3 {acc.top3:6.1%}  manner {acc.manner:6.1%} "
        f"(of {acc.labelled_manners})  off-topic quiet {acc.off_topic_quiet:6.1%} (of {acc.off_topic})  "
        f"items {acc.items}"
    )


def pooled(results) -> dict[str, float]:
    on = sum(a.on_topic for a in results)
    man = sum(a.labelled_manners for a in results)
    off = sum(a.off_topic for a in results)
    return {
        "top1": sum(a.top1 * a.on_topic for a in results) / on if on else 0.0,
        "top3": sum(a.top3 * a.on_topic for a in results) / on if on else 0.0,
        "manner": sum(a.manner * a.labelled_manners for a in results) / man if man else 0.0,
        "quiet": sum(a.off_topic_quiet * a.off_topic for a in results) / off if off else 0.0,
        "items": sum(a.items for a in results),
    }


def cross_validate(scenario: simulator.Scenario, folds: int) -> object:
    """Train on all but one fold of the authored phrasings and examples, read the fold."""
    data = [e for e in training_examples(scenario.spec, scenario.rules)]
    labels, taught = data[: 2 * len(scenario.spec.moves)], data  # labels and descriptions are always taught
    rng = random.Random(f"cv:{scenario.id}")
    pool = [e for e in taught if e not in labels]
    rng.shuffle(pool)
    results = []
    for k in range(folds):
        test = pool[k::folds]
        train = [e for e in taught if e not in test]
        reader = Reader(scenario.spec, scenario.rules, train)
        items = [_item(scenario, move, manner, target, text) for move, manner, target, text in test]
        results.append(accuracy(scenario, items, reader=reader))
    return results


def _item(scenario: simulator.Scenario, move: str, manner: str | None, target: str | None, text: str) -> Utterance:
    """An example held out as a test item: when it names no target, any target of its move counts."""
    targets = [m.target for m in scenario.rules.moves if m.id == move]
    if target is not None or len(targets) == 1:
        return Utterance(text, move, target or targets[0], manner)
    return Utterance(text, move, targets[0], manner, also=tuple(f"{move}:{t}" for t in targets[1:]))


def speeds(scs: list[simulator.Scenario], texts: list[str]) -> None:
    print("2. speed (this run)")
    for sc in scs:
        cold = []
        for _ in range(5):
            start = time.perf_counter()
            Reader(sc.spec, sc.rules)
            cold.append((time.perf_counter() - start) * 1000)
        reader_for(sc)
        start = time.perf_counter()
        for _ in range(100):
            reader_for(sc)
        cached = (time.perf_counter() - start) * 1000 / 100
        print(
            f"   {sc.id:<18} learn cold {statistics.median(cold):6.1f} ms   from cache {cached * 1000:6.1f} us   "
            f"examples {len(training_examples(sc.spec, sc.rules))}"
        )
    sc = scs[0]
    reader = reader_for(sc)
    samples = []
    for text in texts or ["sorry, i was out of line"]:
        start = time.perf_counter()
        reader.read(text)
        samples.append((time.perf_counter() - start) * 1000)
    print(
        f"   interpret: median {statistics.median(samples):.2f} ms, "
        f"p90 {sorted(samples)[int(len(samples) * 0.9)]:.2f} ms over {len(samples)} utterances ({sc.id})"
    )
    import subprocess

    code = (
        "import time, simulator.session, simulator.loader; t=time.perf_counter(); import simulator.reading, "
        "simulator.coaching, simulator.cli.saying; print(time.perf_counter()-t)"
    )
    runs = [
        float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
        for _ in range(5)
    ]
    print(
        "   importing the free-text path after the engine: "
        f"median {statistics.median(runs) * 1000:.2f} ms over 5 processes"
    )


def compare(scs: list[simulator.Scenario], folder: Path) -> None:
    print("3. other methods on the same held-out set")
    for name in ("rapidfuzz", "sklearn"):
        try:
            importlib.import_module(name)
        except ImportError:
            print(f"   {name}: not installed (pip install {'scikit-learn' if name == 'sklearn' else name})")
            continue
        start = time.perf_counter()
        results = []
        for sc in scs:
            reader = (_FuzzReader if name == "rapidfuzz" else _SklearnReader)(sc)
            results.append(accuracy(sc, held_out(sc, folder), reader=reader))
        p = pooled(results)
        print(
            f"   {name:<18} top1 {p['top1']:6.1%}  top3 {p['top3']:6.1%}  manner {p['manner']:6.1%}  "
            f"off-topic quiet {p['quiet']:6.1%}  ({time.perf_counter() - start:.1f} s for all)"
        )


class _Reading:
    def __init__(self, key: str, confidence: float, rules) -> None:
        choice = rules.by_key[key]
        self.id, self.target, self.manner, self.key = choice.id, choice.target, choice.manner, key
        self.confidence = confidence

    @property
    def confident(self) -> bool:
        return self.confidence >= 0.5


def _choices_for(sc, move, manner, to):
    return [
        c.key
        for c in sc.rules.choices
        if c.id == move and (manner is None or c.manner == manner) and (to is None or c.target == to)
    ]


class _FuzzReader:
    """k-nearest examples by rapidfuzz's token_set_ratio; confidence from the best ratio."""

    def __init__(self, sc) -> None:
        from rapidfuzz import fuzz, process

        self.fuzz, self.process, self.sc = fuzz, process, sc
        self.examples = training_examples(sc.spec, sc.rules)
        self.texts = [t for *_, t in self.examples]

    def read(self, text: str):
        hits = self.process.extract(text, self.texts, scorer=self.fuzz.token_set_ratio, limit=20)
        out, seen = [], set()
        for _, score, index in hits:
            move, manner, to, _ = self.examples[index]
            for key in _choices_for(self.sc, move, manner, to):
                if key not in seen:
                    seen.add(key)
                    out.append(_Reading(key, score / 100, self.sc.rules))
        return out


class _SklearnReader:
    """TF-IDF over word 1-2-grams and character 2-5-grams, logistic regression over (move, manner)."""

    def __init__(self, sc) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline, make_union

        self.sc = sc
        data = training_examples(sc.spec, sc.rules)
        labels = [f"{m}|{n or ''}" for m, n, _, _ in data]
        self.model = make_pipeline(
            make_union(
                TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
                TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True),
            ),
            LogisticRegression(max_iter=2000, C=10),
        )
        self.model.fit([t for *_, t in data], labels)

    def read(self, text: str):
        probs = self.model.predict_proba([text])[0]
        ranked = sorted(zip(self.model.classes_, probs, strict=True), key=lambda lp: -lp[1])
        out = []
        for label, p in ranked[:5]:
            move, manner = label.split("|")
            for key in _choices_for(self.sc, move, manner or None, None):
                out.append(_Reading(key, float(p), self.sc.rules))
        return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", type=Path, help="a folder of scenario files (default: the bundled ones)")
    parser.add_argument("--utterances", type=Path, default=ROOT / "tests" / "cases" / "utterances")
    parser.add_argument("--cv", type=int, default=0, metavar="K", help="also K-fold cross-validate on the examples")
    parser.add_argument("--compare", action="store_true", help="also measure rapidfuzz and scikit-learn")
    parser.add_argument("--misses", action="store_true", help="print every held-out miss")
    args = parser.parse_args()
    scs = scenarios(args.scenarios)
    print(f"Python {sys.version.split()[0]}; held-out utterances from {args.utterances}")
    print("1. accuracy on the held-out utterances (read against every choice of the scenario)")
    results, texts = [], []
    for sc in scs:
        items = held_out(sc, args.utterances)
        texts += [u.text for u in items]
        acc = accuracy(sc, items)
        results.append(acc)
        report(sc.id, acc)
        if args.misses:
            for text, want, got in acc.misses:
                print(f"      miss: {text!r}: expected {want}, read {got}")
    p = pooled(results)
    print(
        f"   {'all':<18} top1 {p['top1']:6.1%}  top3 {p['top3']:6.1%}  manner {p['manner']:6.1%}  "
        f"off-topic quiet {p['quiet']:6.1%}  items {p['items']}"
    )
    if args.cv:
        print(f"1b. {args.cv}-fold cross-validation on the authored phrasings and examples")
        for sc in scs:
            cv = cross_validate(sc, args.cv)
            q = pooled(cv)
            print(
                f"   {sc.id:<18} top1 {q['top1']:6.1%}  top3 {q['top3']:6.1%}  "
                f"manner {q['manner']:6.1%}  items {q['items']}"
            )
    speeds(scs, texts)
    if args.compare:
        compare(scs, args.utterances)


if __name__ == "__main__":
    main()
