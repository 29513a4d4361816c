"""How often the analyzer names the right root cause, over every sample and the field corpus.

Each case is a folder with `bundle/` and `expected.json`: the lab samples (`samples/<name>/`) and
the cases copied from public threads (`samples/field/<name>/`). The score per taxonomy ID is
precision (of the cases where the analyzer named it, how many were right) and recall (of the
cases that have it, how many it found); "no root cause" is scored like an ID, so a healthy
look-alike reported as a failure costs precision there. Layer and, once reports carry
`verdict.status`, status agreement are scored over all cases.

    python -m analyzer.scoring                 # print the table and the misses
    python -m analyzer.scoring --write-readme  # refresh docs/accuracy.md (and its headline in README.md)
    python -m analyzer.scoring --write-baseline
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
FIELD = SAMPLES / "field"
README = ROOT / "README.md"
ACCURACY = ROOT / "docs" / "accuracy.md"  # the whole table; README.md carries its first line
BASELINE = FIELD / "baseline.json"
START, END = "<!-- field-corpus:start -->", "<!-- field-corpus:end -->"
NONE = "(none)"  # the "no root cause" class: healthy builds and healthy look-alikes


@dataclass(frozen=True)
class Case:
    name: str
    folder: Path
    expected: dict
    field: bool

    @property
    def bundle(self) -> Path:
        return self.folder / "bundle"


def _named(root_cause: str | None, symptom: str | None) -> str:
    """The class a verdict falls in: its root cause; else the symptom it could not explain
    (`server-startup-timeout (symptom)`: the bundle shows no cause), a class of its own; else none."""
    return root_cause or (f"{symptom} (symptom)" if symptom else NONE)


@dataclass(frozen=True)
class Outcome:
    case: Case
    root_cause: str | None
    layer: str | None
    status: str | None
    symptom: str | None = None

    @property
    def expected_cause(self) -> str:
        return _named(self.case.expected.get("root_cause"), self.case.expected.get("symptom"))

    @property
    def got_cause(self) -> str:
        return _named(self.root_cause, self.symptom)

    @property
    def cause_right(self) -> bool:
        return self.expected_cause == self.got_cause


@dataclass
class Score:
    outcomes: list[Outcome]
    per_id: dict[str, dict[str, int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for outcome in self.outcomes:
            expected, got = outcome.expected_cause, outcome.got_cause
            for cause in {expected, got}:
                self.per_id.setdefault(cause, {"tp": 0, "fp": 0, "fn": 0})
            if expected == got:
                self.per_id[expected]["tp"] += 1
            else:
                self.per_id[got]["fp"] += 1
                self.per_id[expected]["fn"] += 1

    def precision(self, cause: str) -> float | None:
        row = self.per_id[cause]
        return row["tp"] / (row["tp"] + row["fp"]) if row["tp"] + row["fp"] else None

    def recall(self, cause: str) -> float | None:
        row = self.per_id[cause]
        return row["tp"] / (row["tp"] + row["fn"]) if row["tp"] + row["fn"] else None

    def accuracy(self, which: Callable[[Outcome], bool] = lambda o: True) -> tuple[int, int]:
        chosen = [o for o in self.outcomes if which(o)]
        return sum(o.cause_right for o in chosen), len(chosen)

    def layer_agreement(self) -> tuple[int, int]:
        scored = [o for o in self.outcomes if "layer" in o.case.expected]
        return sum(o.layer == o.case.expected["layer"] for o in scored), len(scored)

    def status_agreement(self) -> tuple[int, int]:
        """Only cases whose expectation has a status and whose report has one."""
        scored = [o for o in self.outcomes if o.status is not None and "status" in o.case.expected]
        return sum(o.status == o.case.expected["status"] for o in scored), len(scored)

    def misses(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.cause_right]

    def summary(self) -> dict:
        """What the baseline records: overall and per-ID numbers a change must not lower."""
        right, total = self.accuracy()
        field_right, field_total = self.accuracy(lambda o: o.case.field)
        return {"cases": total, "root_cause_right": right, "field_cases": field_total,
                "field_root_cause_right": field_right, "layer_right": self.layer_agreement()[0],
                "per_id": {cause: {"tp": row["tp"], "fp": row["fp"], "fn": row["fn"]}
                           for cause, row in sorted(self.per_id.items())}}


def load_cases(samples: Path = SAMPLES) -> list[Case]:
    """Every `<name>/expected.json` with a `bundle/` beside it, lab samples then field cases."""
    cases = []
    for root, is_field in ((samples, False), (samples / "field", True)):
        for expected in sorted(root.glob("*/expected.json")):
            folder = expected.parent
            if (folder / "bundle").is_dir():
                cases.append(Case(folder.name, folder, json.loads(expected.read_text(encoding="utf-8")), is_field))
    return cases


def run(cases: Iterable[Case], analyze_one: Callable[[Path], dict] | None = None) -> Score:
    analyze_one = analyze_one or _analyze
    outcomes = []
    for case in cases:
        verdict = analyze_one(case.bundle).get("verdict", {})
        outcomes.append(Outcome(case, verdict.get("root_cause"), verdict.get("layer"), verdict.get("status"),
                                verdict.get("symptom")))
    return Score(outcomes)


def _analyze(bundle: Path) -> dict:
    from analyzer.analysis import analyze

    return analyze([str(bundle)], _knowledge()).report


@cache
def _knowledge():
    from analyzer.analysis import load_knowledge

    return load_knowledge()


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.0f} %"


def table(score: Score) -> str:
    """The Markdown section docs/accuracy.md carries between the markers."""
    right, total = score.accuracy()
    field_right, field_total = score.accuracy(lambda o: o.case.field)
    layer_right, layer_total = score.layer_agreement()
    status_right, status_total = score.status_agreement()
    lines = [
        f"Root cause right in **{right} of {total}** cases ({field_right} of {field_total} field cases from "
        f"public threads, {right - field_right} of {total - field_total} lab samples); layer right in "
        f"{layer_right} of {layer_total}; "
        + (f"status right in {status_right} of {status_total}." if status_total
           else "status not scored yet (reports do not carry `verdict.status`)."),
        "",
        "| root cause | cases | found | wrongly named | precision | recall |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for cause in sorted(score.per_id, key=lambda c: (c == NONE, c)):
        row = score.per_id[cause]
        lines.append(f"| `{cause}` | {row['tp'] + row['fn']} | {row['tp']} | {row['fp']} | "
                     f"{_percent(score.precision(cause))} | {_percent(score.recall(cause))} |")
    misses = score.misses()
    lines += ["", f"Misses ({len(misses)}), expected → reported:", ""]
    for outcome in sorted(misses, key=lambda o: (o.expected_cause, o.case.name)):
        where = f"field/{outcome.case.name}" if outcome.case.field else outcome.case.name
        source = outcome.case.expected.get("source")
        lines.append(f"- `{where}`{f' ({source})' if source else ''}: `{outcome.expected_cause}` → "
                     f"`{outcome.got_cause}`")
    return "\n".join(lines) + "\n"


def headline(text: str) -> str:
    """What README.md carries between its markers: the score's first line and where the rest is."""
    return text.splitlines()[0] + " Per root cause, with every miss: `docs/accuracy.md`.\n"


def write_readme(text: str, readme: Path = README, accuracy: Path = ACCURACY) -> None:
    """The whole table into docs/accuracy.md, its headline into README.md, each between markers."""
    _write_between(accuracy, text)
    _write_between(readme, headline(text))


def _write_between(readme: Path, text: str) -> None:
    """Replace what lies between the markers; the markers must already be there."""
    content = readme.read_text(encoding="utf-8")
    head, found, rest = content.partition(START)
    _, found_end, tail = rest.partition(END)
    if not found or not found_end:
        raise SystemExit(f"{readme.name} has no {START} … {END} section")
    readme.write_text(f"{head}{START}\n{text}{END}{tail}", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analyzer.scoring", description=__doc__.splitlines()[0])
    parser.add_argument("--write-readme", action="store_true",
                        help="refresh the table in docs/accuracy.md and its headline in README.md")
    parser.add_argument("--write-baseline", action="store_true", help=f"record the score in {BASELINE.name}")
    args = parser.parse_args(argv)
    score = run(load_cases())
    text = table(score)
    sys.stdout.write(text)
    if args.write_readme:
        write_readme(text)
    if args.write_baseline:
        BASELINE.write_text(json.dumps(score.summary(), indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
