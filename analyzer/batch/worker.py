"""One bundle in isolation: hash it, analyze it, write its JSON report, return a small row.

Runs in a worker process (local pool or Dask). The pattern library is loaded once per process
and reused. Whatever goes wrong with the bundle — unreadable, not the archive its name says,
a crash in the analysis, past its time limit — ends up in the row's `error`; nothing raises
out of `process`. What travels back is a row of plain values plus the bundle's masked
unexplained lines, never the report itself.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analyzer.analysis import Analysis, analyze, load_knowledge, unreadable_reason
from analyzer.batch import remote
from analyzer.batch.cache_columns import cache_columns
from analyzer.batch.hashing import content_hash
from analyzer.batch.inputs import promised_kind
from analyzer.batch.templates import MAX_LINE, mask_line
from analyzer.batch.timeouts import BundleTimeout, describe, time_limit
from analyzer.bundle import HEAD, sniff_archive
from analyzer.outfile import write_atomic
from analyzer.redact import redact_text
from analyzer.report.status import verdict_status
from analyzer.timefmt import parse_iso

REPORTS_DIR = "bundles"
# The machine's name in an environment dump: Windows, POSIX shells, then CI agents' own names.
HOST_VARIABLES = ("COMPUTERNAME", "HOSTNAME", "NODE_NAME", "AGENT_MACHINENAME", "RUNNER_NAME")
# The collectors' default bundle name: sccache-bundle-<host>-<UTC stamp>.zip
COLLECTOR_NAME = re.compile(r"^sccache-bundle-(?P<host>.+?)-\d{8}T\d{6}Z\.(?:zip|tar\.gz|tgz)$")
MAX_ERROR = 300


@dataclass(frozen=True)
class Settings:
    """What every bundle of one batch is analyzed with; sent once to each worker."""

    outdir: str
    pattern_dirs: tuple[str, ...] = ()
    redact: bool = True
    timeout: float | None = 120.0
    # The one-bundle pipeline; an importable function so it travels to worker processes.
    analyze: Callable[..., Analysis] = analyze
    # Return each bundle's report files with its row instead of writing them into OUTDIR (Dask
    # workers on other machines: no shared file system).
    report_back: bool = False


# (bundle id, path, report file name, content hash recorded by an earlier run or None)
Task = tuple[str, str, str, str | None]

_knowledge_cache: dict[tuple[str, ...], Any] = {}


def knowledge(pattern_dirs: tuple[str, ...]):
    """The pattern library of this process, loaded on first use."""
    found = _knowledge_cache.get(pattern_dirs)
    if found is None:
        found = _knowledge_cache[pattern_dirs] = load_knowledge(pattern_dirs)
    return found


def process(task: Task, settings: Settings) -> dict[str, Any]:
    """The result for one bundle: {"id", "status": "done"|"skipped", "hash", "final", "row", "unexplained"}."""
    bundle_id, path, report_name, known = task
    started = time.perf_counter()
    try:
        source = remote.RemoteBundle(path) if remote.is_url(path) else path
        digest = source.fingerprint() if isinstance(source, remote.RemoteBundle) else content_hash(path)
    except (OSError, remote.RemoteError) as error:
        reason = str(error) if isinstance(error, remote.RemoteError) else error.strerror or error
        return failed_result(task, f"cannot read the bundle: {reason}", final=True, started=started)
    if known is not None and digest == known:
        return {"id": bundle_id, "status": "skipped", "hash": digest}
    wrong = _wrong_container(path, source)
    if wrong:
        return failed_result(task, wrong, digest, final=True, started=started)
    try:
        with time_limit(settings.timeout):
            result = settings.analyze([source], knowledge(settings.pattern_dirs), redact=settings.redact)
            if not result.bundle.readable:  # where `analyze` exits 2, in its words
                return failed_result(task, f"nothing readable in the input ({unreadable_reason(result.bundle)})",
                                     digest, final=True, started=started)
            row = row_for(result, bundle_id, path, digest, f"{REPORTS_DIR}/{report_name}", settings.redact)
            unexplained = [(u.level, mask_line(u.text, settings.pattern_dirs), u.text[:MAX_LINE])
                           for u in result.unexplained]
    except BundleTimeout:
        return failed_result(task, describe(settings.timeout or 0), digest, started=started)
    except Exception as error:  # a bug or a hostile bundle: this bundle's row, never the batch
        text = f"{error}".strip()
        text = f": {text.splitlines()[0]}" if text else ""
        return failed_result(task, f"analysis failed: {type(error).__name__}{text}", digest, started=started)
    files = report_files(report_name, result.report)
    done = {"id": bundle_id, "status": "done", "hash": digest, "final": True, "row": row,
            "unexplained": unexplained}
    if settings.report_back:  # no shared file system: the reports travel back with the row
        done["files"] = files
    else:
        try:
            write_reports(Path(settings.outdir), files)
        except OSError as error:
            return failed_result(task, f"cannot write the report: {error}", digest, started=started)
    row["duration_ms"] = _elapsed_ms(started)
    return done


def process_many(tasks: list[Task], settings: Settings) -> list[dict[str, Any]]:
    return [process(task, settings) for task in tasks]


def row_for(result: Analysis, bundle_id: str, path: str, digest: str | None, report: str | None,
            redact: bool = True) -> dict[str, Any]:
    """The table row of one analyzed bundle: what its report says, flattened."""
    rep = result.report
    facts, verdict = rep["facts"], rep["verdict"]
    root = next((c for c in rep["root_causes"] if c["id"] == verdict["root_cause"]), None)
    first, last = _time_span(rep)
    host = facts.get("host") or _host_from_env(result) or host_from_name(bundle_id)
    if host is not None and redact:
        host = redact_text(str(host))
    return {
        "bundle": bundle_id,
        "host": _text(host),
        "os": _text(facts.get("os")),
        "sccache_version": _text(facts.get("sccache_version")),
        "backend": _text(facts.get("backend")),
        "status": verdict_status(rep),
        "cache": (rep.get("cache") or {}).get("state"),
        "layer": verdict["layer"],
        "root_cause": verdict["root_cause"],
        "confidence": root["confidence"] if root else None,
        "findings": sorted({f["id"] for f in rep["findings"]}),
        "error": None,
        "unexplained": len(result.unexplained),
        "first_time": first,
        "last_time": last,
        "hash": digest,
        "path": path,
        "report": report,
        **cache_columns(rep),
    }


def failed_result(task: Task, error: str, digest: str | None = None, final: bool = False,
                  started: float | None = None) -> dict[str, Any]:
    """The result of a bundle that could not be analyzed. Not `final` (the default): the next run
    tries it again. `started`: when the worker took it up (None when the worker is gone)."""
    bundle_id, path, _name, _known = task
    row: dict[str, Any] = {"bundle": bundle_id, "host": None, "os": None, "sccache_version": None, "backend": None,
           "layer": None, "root_cause": None, "confidence": None, "findings": [], "error": error[:MAX_ERROR],
           "unexplained": None, "first_time": None, "last_time": None, "hash": digest, "path": path,
           "report": None, "duration_ms": None if started is None else _elapsed_ms(started)}
    return {"id": bundle_id, "status": "done", "hash": digest, "final": final, "row": row, "unexplained": []}


def _elapsed_ms(started: float) -> int:
    return int(round((time.perf_counter() - started) * 1000))


def _wrong_container(path: str, source=None) -> str | None:
    """A file named like an archive that does not start like one (the reader would take it as a log)."""
    promised = promised_kind(os.path.basename(path.rstrip("/")) if remote.is_url(path) else os.path.basename(path))
    if promised is None:
        return None
    if isinstance(source, remote.RemoteBundle):
        if not source.single:
            return None
        try:
            head = source.head(HEAD)
        except (OSError, remote.RemoteError):
            return None  # the analysis says what is wrong with it
    elif not os.path.isfile(path):
        return None
    else:
        with open(path, "rb") as stream:
            head = stream.read(HEAD)
    if not head:
        return f"empty file: not a {promised} archive"
    found = sniff_archive(head)
    if found == promised or (promised == "tar" and found is not None):
        return None
    if found is None:
        return f"not a {promised} archive: the file does not start with a {promised} header (corrupt or not an archive)"
    return f"not a {promised} archive: the file is {found} data"


def _host_from_env(result: Analysis) -> str | None:
    found: dict[str, str] = {}
    for artifact in result.bundle.artifacts:
        if artifact.kind != "env":
            continue
        for record in artifact.records:
            name = (record.get("name") or "").upper()
            value = record.get("value")
            if name in HOST_VARIABLES and value and name not in found:
                found[name] = str(value)
    return next((found[name] for name in HOST_VARIABLES if name in found), None)


def host_from_name(bundle_id: str) -> str | None:
    """The host in a bundle named as the collectors name it (`sccache-bundle-ci-win-07-20261203T040900Z.zip`)."""
    match = COLLECTOR_NAME.match(os.path.basename(bundle_id.rstrip("/")))
    return match.group("host") if match else None


def _time_span(report: dict) -> tuple[str | None, str | None]:
    """The first and last timed event of the bundle (UTC), or the capture time when nothing is timed."""
    stamps = []
    for event in report["timeline"]:
        stamp = event.get("time")
        if stamp and not event.get("time_estimated"):
            moment = parse_iso(stamp)
            if moment is not None and moment.tzinfo is not None:
                stamps.append((moment, stamp))
    if stamps:
        return min(stamps)[1], max(stamps)[1]
    captured = report["facts"].get("captured_at")
    return (str(captured), str(captured)) if captured else (None, None)


def _text(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def html_name(report_name: str) -> str:
    """The HTML report beside a JSON one: `bundles/host-1.json` -> `bundles/host-1.html`."""
    return report_name[: -len(".json")] + ".html" if report_name.endswith(".json") else report_name + ".html"


def report_files(report_name: str, report: dict) -> dict[str, bytes]:
    """A bundle's reports, by path relative to OUTDIR: the JSON contract and the HTML page."""
    from analyzer.report import render_html, render_json

    return {f"{REPORTS_DIR}/{report_name}": render_json.render(report),
            f"{REPORTS_DIR}/{html_name(report_name)}": render_html.render(report).encode("utf-8")}


def write_reports(outdir: Path, files: dict[str, bytes]) -> None:
    for relative, data in files.items():
        path = outdir / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, data)
