"""The whole batch: inputs -> workers -> OUTDIR (tables, per-bundle reports, fleet.html).

    OUTDIR/fleet.csv, fleet.parquet, fleet.jsonl   one row per bundle (table.py)
    OUTDIR/fleet.html                              the fleet report (fleet_html.py)
    OUTDIR/fleet.prom                              the fleet's counts as OpenMetrics text (metrics.py)
    OUTDIR/unexplained.jsonl                       every unexplained-line template, most widespread first
    OUTDIR/bundles/<id>.json, <id>.html            each analyzed bundle's JSON and HTML report
    OUTDIR/index.json                              what this run did, for the next one (state.py)
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from analyzer.analysis import Analysis, analyze, load_knowledge
from analyzer.batch import engines, inputs, state, templates
from analyzer.batch.progress import Progress
from analyzer.batch.worker import REPORTS_DIR, Settings, failed_result, html_name, write_reports
from analyzer.outfile import write_atomic

SAVE_EVERY = 30.0  # seconds between index saves during a long run
UNEXPLAINED_MACHINES = 20  # example machines per template in unexplained.jsonl (the page shows fewer)


@dataclass
class BatchOptions:
    inputs: list[str]
    outdir: Path
    engine: str = "local"
    scheduler: str | None = None
    jobs: int | None = None
    force: bool = False
    timeout: float | None = 120.0
    pattern_dirs: tuple[str, ...] = ()
    redact: bool = True
    progress: bool | None = None  # None: on a terminal only
    analyze: Callable[..., Analysis] = analyze


@dataclass
class BatchResult:
    outdir: Path
    bundles: int = 0
    analyzed: int = 0  # analyzed in this run (including those that failed)
    skipped: int = 0  # unchanged since the last run into the same OUTDIR
    errors: int = 0  # rows with `error` set
    templates: int = 0
    ignored: list[str] = field(default_factory=list)
    seconds: float = 0.0
    rows: list[dict[str, Any]] = field(default_factory=list)


def run_batch(options: BatchOptions) -> BatchResult:
    """Analyze every bundle of the inputs and write OUTDIR. Raises inputs.InputError,
    analysis.PatternLibraryError or engines.EngineError when the batch cannot run at all."""
    started = time.monotonic()
    outdir = Path(options.outdir).resolve()
    pattern_dirs = tuple(str(Path(d).resolve()) for d in options.pattern_dirs)
    load_knowledge(pattern_dirs)  # invalid pattern files stop the batch before any worker starts
    expanded = inputs.expand(options.inputs, exclude=outdir)
    if not expanded.bundles:
        raise inputs.InputError("no bundles found in the inputs (folders of bundles, archives, or a manifest)")
    (outdir / REPORTS_DIR).mkdir(parents=True, exist_ok=True)

    mark = state.fingerprint(pattern_dirs, options.redact)
    previous = {} if options.force else state.load(outdir, mark)
    tasks = [(b.id, b.path, b.report_name, state.reusable(previous.get(b.id), outdir)) for b in expanded.bundles]
    settings = Settings(str(outdir), pattern_dirs, options.redact, options.timeout or None, options.analyze,
                        report_back=options.engine == "dask")
    result = BatchResult(outdir, bundles=len(tasks), ignored=expanded.ignored)
    entries: dict[str, dict[str, Any]] = {}
    progress = Progress(len(tasks), enabled=options.progress)
    saved = [time.monotonic()]

    def on_result(found: dict[str, Any]) -> None:
        bundle_id = found["id"]
        if found["status"] == "skipped":
            entries[bundle_id] = previous[bundle_id]
            result.skipped += 1
        else:
            if found.get("files"):
                try:
                    write_reports(outdir, found["files"])
                except OSError as error:
                    found = failed_result((bundle_id, found["row"]["path"], "", None),
                                          f"cannot write the report: {error}", found["hash"])
            entries[bundle_id] = {"hash": found["hash"], "final": found["final"], "row": found["row"],
                                  "unexplained": found["unexplained"]}
            result.analyzed += 1
        progress.update(error=bool(entries[bundle_id]["row"].get("error")))
        if time.monotonic() - saved[0] > SAVE_EVERY:
            saved[0] = time.monotonic()
            state.save(outdir, mark, _merged(expanded.bundles, entries, previous))

    runner = engines.engine(options.engine, settings, options.jobs, options.scheduler)
    try:
        runner.run(tasks, on_result)
    finally:
        progress.close()
        state.save(outdir, mark, _merged(expanded.bundles, entries, previous))

    rows = []
    for ref in expanded.bundles:
        if ref.id not in entries:  # never happens unless an engine loses a task: say so in its row
            entries[ref.id] = failed_result((ref.id, ref.path, ref.report_name, None), "no result from the engine")
        row = dict(entries[ref.id]["row"])
        row["bundle"], row["path"] = ref.id, ref.path  # a reused row keeps up with a moved input
        rows.append(row)
    _remove_stale_reports(outdir, {r["report"] for r in rows if r.get("report")})
    found_templates = templates.cluster(
        (ref.id, level, masked, text)
        for ref in expanded.bundles if not entries[ref.id]["row"].get("error")
        for level, masked, text in entries[ref.id]["unexplained"])
    _write_outputs(outdir, rows, found_templates)
    result.rows = rows
    result.errors = sum(1 for r in rows if r.get("error"))
    result.templates = len(found_templates)
    result.seconds = time.monotonic() - started
    return result


def _merged(bundles: list[inputs.BundleRef], entries: dict, previous: dict) -> dict[str, dict[str, Any]]:
    """Finished results, and for bundles not reached yet what the last run knew (kept across an interrupt)."""
    merged = {}
    for ref in bundles:
        entry = entries.get(ref.id) or previous.get(ref.id)
        if entry is not None:
            merged[ref.id] = entry
    return merged


def _remove_stale_reports(outdir: Path, current: set[str]) -> None:
    """OUTDIR/bundles holds the reports of this fleet only: drop those of bundles gone or now failing."""
    current = current | {html_name(name) for name in current}
    for path in [*(outdir / REPORTS_DIR).glob("*.json"), *(outdir / REPORTS_DIR).glob("*.html")]:
        if f"{REPORTS_DIR}/{path.name}" not in current:
            path.unlink(missing_ok=True)


def _write_outputs(outdir: Path, rows: list[dict[str, Any]], found: list[templates.Template]) -> None:
    from analyzer.batch import fleet_html, metrics, summary, table

    table.write(rows, outdir)
    lines = b"".join(orjson.dumps(t.to_json(machines=UNEXPLAINED_MACHINES)) + b"\n" for t in found)
    write_atomic(outdir / "unexplained.jsonl", lines)
    page = fleet_html.render(summary.summarise(rows), found, rows)
    write_atomic(outdir / "fleet.html", page.encode("utf-8"))
    write_atomic(outdir / "fleet.prom", metrics.render(rows).encode("utf-8"))
