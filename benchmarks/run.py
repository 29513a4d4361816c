"""The benchmark suite: `sccache-forensics` measured as a black box through its CLI.

    python benchmarks/run.py                      # full: 10M, 100M and 1G logs (make bench)
    python benchmarks/run.py --sizes 10M,100M     # without the 1 GB log
    python benchmarks/run.py --quick              # smoke run, a few minutes

Sections (all in one run, so ratios compare figures taken under the same conditions):

* logs: a large sccache debug log generated from a real lab log (`genlog.py`), per size:
  `sccache-forensics analyze <bundle> --format json|text` against
  `grep -c -F -f benchmarks/literals-40.txt <log>` (40 sccache message literals, fixed and
  checked in: the goal's baseline) and `rg -c -F -f` with the same list when rg is installed;
  runs interleaved, medians reported.
* rss: peak RSS of `analyze --format json` at every size, and the largest size against 10M.
* shapes: the same content as UTF-16, CRLF, 500 KB files, cargo output, .gz, .zip and .tar.gz
  (`shapes.py`), each against the plain log, interleaved, with peak RSS.
* startup: `analyze` of the seed sample (text) against `python -c pass` and
  `python -c "import analyzer"`, interleaved.
* batch: rows from `benchmarks/batch_bench.py` when it exists: `run(workdir: Path, quick:
  bool) -> list[dict]`, each dict with `measurement` and `value`, optionally `unit`,
  `baseline`, `ratio` (float), `goal`, `pass` (bool), `runs`, `note`.

Writes results.md and results.json (benchmarks/ for a full run, benchmarks/out/ for --quick)
and prints the table; a full run also puts it into docs/performance.md and README.md (publish.py). Generated logs stay in --workdir and are reused by the next run.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import shlex
import shutil
import sys
import time
from pathlib import Path

import machine
import publish
from genlog import DEFAULT_BASE, GENERATOR_VERSION, LOG_NAME, ensure_log, parse_size, read_meta, size_label
from measure import RSS_METHOD, USE_GNU_TIME, Command, CommandFailed, run_paired
from shapes import SHAPES, ensure_shape, remove_shapes

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
SEED_SAMPLE = ROOT / "samples" / "seed-windows-oss-proxy" / "bundle"
DEFAULT_WORKDIR = Path("/tmp/sccache-forensics-bench")
GIB = 1024**3
MIB = 1024**2

# The goals, as ratios measured in one run.
GOAL_ANALYZE_VS_GREP = 0.5  # full analyze of the 1 GB log / grep -c -F -f with LITERALS
GOAL_RSS_MB = 150.0  # peak RSS of analyze, any size and shape, in MB (10**6 bytes)
GOAL_RSS_GROWTH = 1.3  # peak RSS on the 1 GB log / on the 10 MB log
GOAL_STARTUP = 6.0  # analyze of the seed sample (text) / python -c pass
GOAL_SHAPE = 1.5  # analyze of a shape (UTF-16, small files, .gz, ...) / of the plain UTF-8 log
# The baseline's literals: 40 sccache message literals, fixed and checked in (docs/performance.md
# says how they were chosen), so the baseline does not move when the pattern library does.
LITERALS = BENCH_DIR / "literals-40.txt"

SECTIONS = ("logs", "shapes", "startup", "batch")


def say(text: str) -> None:
    print(text, flush=True)


def find_tool() -> tuple[list[str], str]:
    """The installed console script next to this interpreter (else on PATH, else `python -m analyzer`),
    and the Python interpreter it runs on (for the `python -c` baselines)."""
    here = Path(sys.executable).parent / "sccache-forensics"
    script = str(here) if here.is_file() else shutil.which("sccache-forensics")
    if script is None:
        return [sys.executable, "-m", "analyzer"], sys.executable
    python = sys.executable
    try:
        with open(script, "rb") as stream:
            first = stream.readline().decode("utf-8", "replace").strip()
        if first.startswith("#!") and "python" in first:
            python = first[2:].strip().split()[0]
    except OSError:
        pass
    return [script], python


def fmt_seconds(value: float) -> str:
    return f"{value:.3f} s" if value < 10 else f"{value:.1f} s"


def fmt_mb(kb: int) -> str:
    return f"{kb / 1024:.1f} MiB"


def fmt_ratio(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}×"


def verdict(ratio: float | None, limit: float, at_most: bool = True) -> str:
    if ratio is None:
        return "—"
    return "pass" if (ratio <= limit if at_most else ratio >= limit) else "FAIL"


def row(section: str, measurement: str, runs, value: str, baseline: str = "—", ratio: float | None = None,
        goal: str = "—", result: str = "—", note: str = "") -> dict:
    return {"section": section, "measurement": measurement, "runs": runs, "value": value,
            "baseline": baseline, "ratio": None if ratio is None else round(ratio, 3), "goal": goal,
            "result": result, "note": note}


# --- sections -------------------------------------------------------------------------------------


def warm(path: Path) -> None:
    """Read the file (or every file under it) once, so every command starts from the same
    (cached) page state."""
    for item in sorted(path.rglob("*")) if path.is_dir() else [path]:
        if item.is_file():
            with open(item, "rb") as stream:
                while stream.read(8 * MIB):
                    pass


def bench_logs(args, tool: list[str], workdir: Path, results: dict) -> list[dict]:
    rows: list[dict] = []
    logs_dir, out_dir = workdir / "logs", workdir / "out"
    out_dir.mkdir(parents=True, exist_ok=True)
    rg = shutil.which("rg")
    rss: dict[int, tuple[int, int]] = {}  # size -> (median maxrss kb, runs)
    for size in args.sizes:
        label = size_label(size)
        say(f"\n[logs] {label}")
        bundle = ensure_log(size, logs_dir, args.base_log, log=say)
        results["generate"].append(shlex.join(["python", "benchmarks/genlog.py", label, str(logs_dir),
                                               "--base", str(args.base_log)]))
        log = bundle / LOG_NAME
        meta = read_meta(logs_dir, size)
        warm(log)
        rounds = args.big_runs if size >= GIB else args.runs
        commands = [Command(f"analyze-{fmt}", (*tool, "analyze", str(bundle), "--format", fmt),
                            stdout=out_dir / f"analyze-{label}.{fmt}", rss=True) for fmt in args.formats]
        grep = Command("grep", ("grep", "-c", "-F", "-f", str(LITERALS), str(log)), stdout=out_dir / f"grep-{label}.txt",
                       env={"LC_ALL": "C"}, ok_codes=(0, 1))
        commands.append(grep)
        if rg:
            commands.append(Command("rg", (rg, "-c", "-F", "-f", str(LITERALS), str(log)),
                                    stdout=out_dir / f"rg-{label}.txt", ok_codes=(0, 1)))
        try:
            series = run_paired(commands, rounds, progress=say, warmup=True)
        except CommandFailed as error:  # keep the other sizes' figures
            results["failed"] = True
            rows.append(failure_row(f"logs {label}", error))
            continue
        mib = meta.get("bytes", size) / MIB
        info = {"bytes": meta.get("bytes"), "lines": meta.get("lines"), "injected_lines": meta.get("injected_lines"),
                "rounds": rounds, "series": {name: s.to_json() for name, s in series.items()},
                "grep_matching_lines": _read_count(out_dir / f"grep-{label}.txt"),
                "rg_matching_lines": _read_count(out_dir / f"rg-{label}.txt") if rg else None,
                "analyze_json": _report_summary(out_dir / f"analyze-{label}.json")}
        results["logs"][label] = info
        base = series["grep"]
        note_lines = f"{meta.get('lines', 0):,} lines, {meta.get('injected_lines', 0):,} injected errors"
        if info["grep_matching_lines"] is not None:
            note_lines += f"; grep matched {info['grep_matching_lines']:,} lines"
        summary = info["analyze_json"]
        if summary:
            root = (summary.get("verdict") or {}).get("root_cause")
            note_lines += f"; analyze read {summary['records']:,} lines, {summary['findings']} findings, root cause {root}"
            if summary["problems"]:
                note_lines += f"; problems: {summary['problems']}"
        for fmt in args.formats:
            s = series[f"analyze-{fmt}"]
            ratio = s.wall / base.wall
            retried = f"; {len(s.failures)} failed run(s) retried" if s.failures else ""
            is_goal_size = size == GIB
            rows.append(row(
                "logs", f"analyze --format {fmt}, {label} log", rounds,
                f"{fmt_seconds(s.wall)} ({mib / s.wall:.1f} MiB/s)",
                f"grep -c -F -f (40 literals): {fmt_seconds(base.wall)}", ratio,
                f"≤ {GOAL_ANALYZE_VS_GREP:.1f}×" + ("" if is_goal_size else " (goal is at 1G; indicative)"),
                verdict(ratio, GOAL_ANALYZE_VS_GREP),
                f"CPU {fmt_seconds(s.cpu)} vs {fmt_seconds(base.cpu)} ({s.cpu / max(base.cpu, 1e-6):.2f}×)"
                + ("; a single run (see --big-runs)" if rounds == 1 else "") + retried))
        if rg:
            s, r = series[f"analyze-{args.formats[0]}"], series["rg"]
            rows.append(row("logs", f"analyze --format {args.formats[0]} vs rg -c -F -f, {label} log", rounds,
                            fmt_seconds(s.wall), f"rg (40 literals): {fmt_seconds(r.wall)}", s.wall / r.wall,
                            note=f"reference; CPU {s.cpu / max(r.cpu, 1e-6):.2f}×"))
        rows.append(row("logs", f"grep -c -F -f, {label} log", rounds,
                        f"{fmt_seconds(base.wall)} ({mib / base.wall:.0f} MiB/s)", note=note_lines))
        if "analyze-json" in series:
            rss[size] = (series["analyze-json"].maxrss_kb, rounds)
    if not rg:
        rows.append(row("logs", "rg -c -F -f", "—", "rg: not installed"))
    rows.extend(rss_rows(rss))
    return rows


def bench_shapes(args, tool: list[str], workdir: Path, results: dict) -> list[dict]:
    """Every shape of the same content against the plain UTF-8 log, interleaved (shapes.py)."""
    rows: list[dict] = []
    logs_dir, out_dir = workdir / "logs", workdir / "out"
    out_dir.mkdir(parents=True, exist_ok=True)
    results["shapes"] = {}
    for size in args.shape_sizes:
        label = size_label(size)
        say(f"\n[shapes] {label}")
        bundle = ensure_log(size, logs_dir, args.base_log, log=say)
        inputs = {"plain": bundle}
        for shape in args.shapes:
            inputs[shape] = ensure_shape(bundle, bundle / LOG_NAME, shape, say=say)
        for path in inputs.values():
            warm(path)
        commands = [Command(f"analyze-{shape}", (*tool, "analyze", str(path), "--format", "json"),
                            stdout=out_dir / f"shape-{label}-{shape}.json", rss=True)
                    for shape, path in inputs.items()]
        rounds = args.big_runs if size >= GIB else args.runs
        try:
            series = run_paired(commands, rounds, progress=say, warmup=True)
        except CommandFailed as error:
            results["failed"] = True
            rows.append(failure_row(f"shapes {label}", error))
            continue
        results["shapes"][label] = {name: s.to_json() for name, s in series.items()}
        plain = series["analyze-plain"]
        worst_kb = plain.maxrss_kb or 0
        for shape in args.shapes:
            s = series[f"analyze-{shape}"]
            ratio = s.wall / plain.wall
            worst_kb = max(worst_kb, s.maxrss_kb or 0)
            summary = _report_summary(out_dir / f"shape-{label}-{shape}.json") or {}
            root = (summary.get("verdict") or {}).get("root_cause")
            rows.append(row("shapes", f"analyze {SHAPE_NAMES[shape]}, {label}", rounds, fmt_seconds(s.wall),
                            f"plain UTF-8 log: {fmt_seconds(plain.wall)}", ratio, f"≤ {GOAL_SHAPE}×",
                            verdict(ratio, GOAL_SHAPE),
                            f"CPU {fmt_seconds(s.cpu)} vs {fmt_seconds(plain.cpu)} "
                            f"({s.cpu / max(plain.cpu, 1e-6):.2f}×); peak RSS {fmt_mb(s.maxrss_kb or 0)}; "
                            f"{summary.get('findings', '?')} findings, root cause {root}"))
        mb = worst_kb * 1024 / 1e6
        rows.append(row("shapes", f"peak RSS, largest of every shape, {label}", rounds, fmt_mb(worst_kb),
                        goal=f"≤ {GOAL_RSS_MB:.0f} MB", result="pass" if mb <= GOAL_RSS_MB else "FAIL"))
        if args.clean:
            remove_shapes(bundle)
    return rows


SHAPE_NAMES = {
    "utf16": "UTF-16LE + BOM + CRLF (PowerShell 5.1 `>`)",
    "crlf": "UTF-8 with CRLF",
    "files": "the log cut into 500 KB files",
    "cargo": "cargo output of the same size",
    "gz": "the log as .gz",
    "zip": "the log in a .zip",
    "tar.gz": "the log in a .tar.gz",
}


def rss_rows(rss: dict[int, tuple[int, int]]) -> list[dict]:
    rows = []
    note = "" if USE_GNU_TIME else "upper bound (no GNU time): includes the harness's own RSS"
    goal = f"≤ {GOAL_RSS_MB:.0f} MB ({GOAL_RSS_MB * 1e6 / MIB:.1f} MiB)"
    for size, (kb, rounds) in sorted(rss.items()):
        mb = kb * 1024 / 1e6
        rows.append(row("rss", f"peak RSS, analyze --format json, {size_label(size)} log", rounds, fmt_mb(kb),
                        goal=goal, result="pass" if mb <= GOAL_RSS_MB else "FAIL", note=note))
    if len(rss) >= 2:
        large = GIB if GIB in rss else max(rss)
        small = 10 * MIB if 10 * MIB in rss and 10 * MIB < large else min(rss)
        exact = small == 10 * MIB and large == GIB
        ratio = rss[large][0] / rss[small][0]
        rows.append(row("rss", f"peak RSS growth, {size_label(large)} log / {size_label(small)} log",
                        f"{rss[large][1]}/{rss[small][1]}", fmt_mb(rss[large][0]),
                        f"{size_label(small)}: {fmt_mb(rss[small][0])}", ratio,
                        f"≤ {GOAL_RSS_GROWTH}×" + ("" if exact else " (goal is 1G / 10M; indicative)"),
                        verdict(ratio, GOAL_RSS_GROWTH)))
    return rows


def bench_startup(args, tool: list[str], python: str, results: dict) -> list[dict]:
    say(f"\n[startup] {args.startup_runs} interleaved runs each")
    commands = [
        Command("analyze-seed", (*tool, "analyze", str(SEED_SAMPLE))),
        Command("python-pass", (python, "-c", "pass")),
        Command("import-analyzer", (python, "-c", "import analyzer")),
    ]
    series = run_paired(commands, args.startup_runs, warmup=True)
    results["startup"] = {name: s.to_json() for name, s in series.items()}
    seed, bare, imp = series["analyze-seed"], series["python-pass"], series["import-analyzer"]
    n = args.startup_runs
    ratio = seed.wall / bare.wall
    return [
        row("startup", "analyze seed sample, text output", n, fmt_seconds(seed.wall),
            f"python -c pass: {fmt_seconds(bare.wall)}", ratio, f"≤ {GOAL_STARTUP:.0f}×",
            verdict(ratio, GOAL_STARTUP), f"{seed.wall / imp.wall:.2f}× import analyzer"),
        row("startup", 'python -c "import analyzer"', n, fmt_seconds(imp.wall),
            f"python -c pass: {fmt_seconds(bare.wall)}", imp.wall / bare.wall, note="reference"),
    ]


def bench_batch(args, workdir: Path, results: dict) -> list[dict]:
    path = BENCH_DIR / "batch_bench.py"
    if not path.is_file():
        say("\n[batch] not available (benchmarks/batch_bench.py does not exist)")
        results["batch"] = None
        return [row("batch", "batch: not available", "—", "—", note="benchmarks/batch_bench.py does not exist")]
    say("\n[batch] benchmarks/batch_bench.py")
    try:
        spec = importlib.util.spec_from_file_location("batch_bench", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        batch_dir = workdir / "batch"
        batch_dir.mkdir(parents=True, exist_ok=True)
        raw = module.run(batch_dir, args.quick)
    except Exception as error:  # its failure must not lose the other sections' figures
        results["batch"] = {"error": f"{type(error).__name__}: {error}"}
        return [row("batch", "batch: failed", "—", f"{type(error).__name__}: {error}", result="error")]
    results["batch"] = raw
    return [batch_row(item) for item in raw or []]


def batch_row(item) -> dict:
    if not isinstance(item, dict):
        return row("batch", "batch", "—", str(item))
    passed = item.get("pass")
    result = item.get("result") or ("pass" if passed else "FAIL" if passed is not None else "—")
    ratio = item.get("ratio")
    value = str(item.get("value", "—"))
    if item.get("unit") and value != "—":
        value += f" {item['unit']}"
    return row("batch", str(item.get("measurement", "batch")), item.get("runs", "—"), value,
               str(item.get("baseline", "—")), float(ratio) if isinstance(ratio, int | float) else None,
               str(item.get("goal", "—")), result, str(item.get("note", "")))


# --- output ---------------------------------------------------------------------------------------


def _read_count(path: Path) -> int | None:
    try:
        return int(path.read_text(encoding="utf-8").strip().splitlines()[-1].rsplit(":", 1)[-1])
    except (OSError, ValueError, IndexError):
        return None


def _report_summary(path: Path) -> dict | None:
    """What the last JSON report said, to show the analysis really ran on the generated log."""
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    artifacts = report.get("artifacts") or []
    return {"verdict": report.get("verdict"), "findings": len(report.get("findings") or []),
            "records": sum(a.get("records") or 0 for a in artifacts),
            "problems": [p for a in artifacts for p in a.get("problems") or []][:5],
            "bytes": path.stat().st_size}


def table(rows: list[dict]) -> str:
    head = ["measurement", "runs", "value", "baseline", "ratio", "goal", "result", "note"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        cells = [r["measurement"], str(r["runs"]), r["value"], r["baseline"], fmt_ratio(r["ratio"]), r["goal"],
                 r["result"], r["note"]]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines)


def goal_summary(rows: list[dict]) -> str:
    goals = [r for r in rows if r["result"] in ("pass", "FAIL") and "indicative" not in r["goal"]]
    met = [r["measurement"] for r in goals if r["result"] == "pass"]
    missed = [r["measurement"] for r in goals if r["result"] == "FAIL"]
    text = f"Goals met: {len(met)} of {len(goals)}"
    if missed:
        text += f" (missed: {'; '.join(missed)})"
    if any("indicative" in r["goal"] for r in rows):
        text += "; rows marked *indicative* are not at the size the goal names and are not counted"
    return text + "."


def markdown(rows: list[dict], facts: dict, settings: dict, commands: list[str]) -> str:
    out = ["# Benchmark results", "",
           f"`{settings['command']}` — {facts['date_utc']}, {facts['tool']}.", "",
           "Runs are interleaved and medians reported; ratios are value / baseline from the same run. "
           + goal_summary(rows), "", table(rows), "", "## Machine", ""]
    labels = [("cpu", "CPU"), ("cores", "cores"), ("cores_usable", "cores usable"), ("memory_gib", "RAM (GiB)"),
              ("os", "OS"), ("python", "Python"), ("python_executable", "Python executable"), ("tool", "tool"),
              ("grep", "grep"), ("rg", "rg"), ("workdir", "work dir"), ("workdir_filesystem", "work dir file system"),
              ("load_average_start", "load average at start (1/5/15 min)"),
              ("load_average_end", "load average at end"), ("date_utc", "date (UTC)"),
              ("duration_s", "benchmark duration (s)")]
    out += [f"* {label}: {facts.get(key, '—')}" for key, label in labels]
    out += ["", "## Settings", ""]
    out += [f"* {key}: {value}" for key, value in settings.items() if key != "command"]
    out += ["", "## Exact commands", "", "```sh"] + commands + ["```", ""]
    return "\n".join(out)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Benchmark sccache-forensics through its CLI (issue 9).")
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: sizes 1M,10M, 2 runs, 5 start-up runs, results in benchmarks/out/")
    parser.add_argument("--sizes", help="generated log sizes, powers of 1024 (default 10M,100M,1G; quick: 1M,10M)")
    parser.add_argument("--shape-sizes", help="plain-log sizes the shapes are made from (default 100M; quick: 10M)")
    parser.add_argument("--shapes", default=",".join(SHAPES), help=f"shapes to measure (default {','.join(SHAPES)})")
    parser.add_argument("--clean", action="store_true", help="delete the generated shapes after measuring them")
    parser.add_argument("--no-docs", action="store_true",
                        help="do not write the table into README.md and docs/performance.md (quick never does)")
    parser.add_argument("--runs", type=int, help="runs per command below 1 GiB (default 3; quick: 2)")
    parser.add_argument("--big-runs", type=int, default=1, help="runs per command at 1 GiB and above (default 1)")
    parser.add_argument("--startup-runs", type=int, help="runs per start-up command (default 15; quick: 5)")
    parser.add_argument("--formats", default="json,text", help="analyze output formats to time (default json,text)")
    parser.add_argument("--only", default=",".join(SECTIONS), help=f"sections to run, from {','.join(SECTIONS)}")
    parser.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR,
                        help=f"scratch folder for generated logs and outputs (default {DEFAULT_WORKDIR})")
    parser.add_argument("--base-log", type=Path, default=DEFAULT_BASE, help="real lab log the big logs repeat")
    parser.add_argument("--results-dir", type=Path,
                        help="where results.md/json go (default benchmarks/, quick: benchmarks/out/)")
    args = parser.parse_args(argv)
    args.sizes = sorted({parse_size(s) for s in (args.sizes or ("1M,10M" if args.quick else "10M,100M,1G")).split(",")
                         if s.strip()})
    args.shape_sizes = sorted({parse_size(s) for s in (args.shape_sizes or ("10M" if args.quick else "100M")).split(",")
                               if s.strip()})
    args.shapes = [s.strip() for s in args.shapes.split(",") if s.strip()]
    bad = set(args.shapes) - set(SHAPES)
    if bad:
        parser.error(f"unknown shape(s) {', '.join(sorted(bad))}; choose from {', '.join(SHAPES)}")
    args.runs = args.runs or (2 if args.quick else 3)
    args.startup_runs = args.startup_runs or (5 if args.quick else 15)
    args.formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    if "json" not in args.formats:
        args.formats.insert(0, "json")  # peak RSS and the report check read the JSON runs
    args.only = {s.strip() for s in args.only.split(",") if s.strip()}
    unknown = args.only - set(SECTIONS)
    if unknown:
        parser.error(f"unknown section(s) {', '.join(sorted(unknown))}; choose from {', '.join(SECTIONS)}")
    args.results_dir = args.results_dir or (BENCH_DIR / "out" if args.quick else BENCH_DIR)
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    began = time.perf_counter()
    workdir = args.workdir
    workdir.mkdir(parents=True, exist_ok=True)
    tool, python = find_tool()
    facts = machine.facts(tool, python, workdir)
    command_line = shlex.join(["python", "benchmarks/run.py", *(sys.argv[1:] if argv is None else argv)])
    settings = {"command": command_line, "sizes": ",".join(size_label(s) for s in args.sizes),
                "shape_sizes": ",".join(size_label(s) for s in args.shape_sizes),
                "shapes": ",".join(args.shapes), "literals": str(LITERALS.relative_to(ROOT)),
                "runs": args.runs, "big_runs (1G and above)": args.big_runs, "startup_runs": args.startup_runs,
                "formats": ",".join(args.formats), "sections": ",".join(s for s in SECTIONS if s in args.only),
                "generator_version": GENERATOR_VERSION, "base_log": str(args.base_log),
                "peak RSS": RSS_METHOD}
    say(f"sccache-forensics benchmarks: {facts['tool']} on {facts['cpu']} ({facts['cores_usable']} cores usable)")
    say(f"  tool: {' '.join(tool)}; python: {python}; workdir: {workdir}")
    results: dict = {"machine": facts, "settings": settings, "generate": [], "logs": {}, "shapes": {}, "startup": None,
                     "batch": None}
    rows: list[dict] = []
    commands: list[str] = []
    failed = False
    if "logs" in args.only:
        try:
            rows += bench_logs(args, tool, workdir, results)
        except CommandFailed as error:
            failed = True
            rows.append(failure_row("logs", error))
        failed = failed or bool(results.pop("failed", False))
        commands = results["generate"] + commands
        for info in results["logs"].values():
            commands += [s["command"] for s in info["series"].values()]
    if "shapes" in args.only:
        try:
            rows += bench_shapes(args, tool, workdir, results)
        except CommandFailed as error:
            failed = True
            rows.append(failure_row("shapes", error))
        failed = failed or bool(results.pop("failed", False))
        for info in (results.get("shapes") or {}).values():
            commands += [s["command"] for s in info.values()]
    if "startup" in args.only:
        try:
            rows += bench_startup(args, tool, python, results)
            commands += [s["command"] for s in results["startup"].values()]
        except CommandFailed as error:
            failed = True
            rows.append(failure_row("startup", error))
    if "batch" in args.only:
        rows += bench_batch(args, workdir, results)
    facts["load_average_end"] = machine.load_average()
    facts["duration_s"] = round(time.perf_counter() - began, 1)
    results["rows"] = rows
    results["commands"] = commands
    text = markdown(rows, facts, settings, commands)
    args.results_dir.mkdir(parents=True, exist_ok=True)
    (args.results_dir / "results.md").write_text(text, encoding="utf-8")
    (args.results_dir / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n",
                                                   encoding="utf-8")
    if not args.quick and not args.no_docs:
        heading = (f"`{settings['command']}` on {facts['cpu']} ({facts['cores_usable']} cores usable, load average "
                   f"{facts.get('load_average_start', '?')} at start), {facts['date_utc']}; medians of interleaved "
                   f"runs, ratios from the same run. {goal_summary(rows)}")
        for path in publish.publish(table(rows), publish.summary_table(rows, fmt_ratio), heading):
            say(f"updated {path}")
    say("\n" + table(rows) + "\n\n" + goal_summary(rows))
    say(f"\nwrote {args.results_dir / 'results.md'} and results.json in {facts['duration_s']} s")
    return 2 if failed else 0


def failure_row(section: str, error: CommandFailed) -> dict:
    first, _, detail = str(error).partition("\n")
    say(f"\n[{section}] a command failed twice: {first}\n{detail}")
    last = detail.strip().splitlines()[-1] if detail.strip() else ""
    return row(section.split()[0], f"{section}: a command failed", "—", first.rsplit(": ", 1)[-1], result="error",
               note=f"{first.split(' > ')[0]}: {last}")


if __name__ == "__main__":
    sys.exit(main())
