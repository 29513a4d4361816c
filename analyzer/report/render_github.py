"""`--format github`: the report where a GitHub Actions job shows it.

Two outputs. Workflow commands on standard output, which the runner turns into annotations:
one `::error` for the verdict (a root cause, or a failed build whose cause the bundle lacks),
one `::error` for each further root cause, a `::warning` for each contributing finding —

    ::error title=cache-backend%3A storage-check-slow::The server's start-up storage check …

and the Markdown report appended to the job's step summary (the file `$GITHUB_STEP_SUMMARY`
names), or printed when there is none.

GitHub shows 10 error and 10 warning annotations per step and drops the rest without a word,
so at most `MAX_ERRORS` errors and `MAX_WARNINGS` warnings are printed and one `::notice` says
how many were left out. A step summary over 1 MiB is refused whole, so the Markdown goes in only
when it fits beside what the file already holds (else a short form, else nothing and a warning).

Nothing from a bundle can issue a command: annotation text is escaped by the workflow-command
rules (`%`, CR and LF in the message; also `:` and `,` in properties), so every command is one
line that starts with our `::`; a printed Markdown summary is wrapped in `::stop-commands::` with
a token derived from its own text, which that text therefore cannot hold. `file=` names only a
file inside the workspace (`$GITHUB_WORKSPACE`), as a path relative to it.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath

from analyzer.report import render_md
from analyzer.report.status import verdict_status

MAX_ERRORS = 10  # GitHub shows 10 error annotations per step
MAX_WARNINGS = 10  # and 10 warnings
SUMMARY_LIMIT = 1024 * 1024  # bytes GitHub accepts in one step's summary file
MESSAGE_CHARS = 2000  # an annotation is a line of the log, not the report
TITLE_CHARS = 200


@dataclass(frozen=True)
class Context:
    """Where the job runs: its workspace and step-summary file (None outside GitHub Actions),
    and the bundle paths as given (to place evidence files in the workspace)."""

    workspace: str | None = None
    summary_file: str | None = None
    inputs: tuple[str, ...] = ()

    @classmethod
    def from_environment(cls, inputs: Iterable[str] = (), environ=None) -> Context:
        environ = os.environ if environ is None else environ
        return cls(environ.get("GITHUB_WORKSPACE") or None, environ.get("GITHUB_STEP_SUMMARY") or None,
                   tuple(inputs))


def escape_data(text: str) -> str:
    """A command's message: `%`, CR and LF percent-encoded (the runner decodes them back)."""
    return str(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property value (`title=`, `file=`): also `:` and `,`, which would end it."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, **properties) -> str:
    props = ",".join(f"{key}={escape_property(value)}" for key, value in properties.items() if value is not None)
    return f"::{name}{' ' + props if props else ''}::{escape_data(_clip(message, MESSAGE_CHARS))}"


def workflow_commands(report: dict, context: Context = Context()) -> list[str]:
    """The workflow commands for one report, errors first."""
    status = verdict_status(report)
    verdict = report["verdict"]
    causes = {c["id"]: c for c in report.get("root_causes", [])}
    errors: list[str] = []
    if verdict.get("root_cause"):
        top = causes.get(verdict["root_cause"], {})
        errors.append(_finding_command("error", {**top, "id": verdict["root_cause"], "layer": verdict.get("layer")},
                                       verdict.get("summary") or top.get("summary", ""), context))
    elif status in ("build-failed", "cache-ineffective"):
        what = "The build failed" if status == "build-failed" else "The cache did not do its job"
        errors.append(command("error", f"{what}; the bundle does not hold the cause. {verdict.get('summary', '')}",
                              title=f"sccache-forensics: {status}"))
    for cause in report.get("root_causes", []):
        if cause["id"] != verdict.get("root_cause"):
            errors.append(_finding_command("error", cause, cause.get("summary", ""), context))
    warnings = [_finding_command("warning", f, f.get("summary") or f.get("title", ""), context)
                for f in report.get("findings", []) if f.get("role") == "contributing"]
    lines = errors[:MAX_ERRORS] + warnings[:MAX_WARNINGS]
    left = max(0, len(errors) - MAX_ERRORS), max(0, len(warnings) - MAX_WARNINGS)
    if any(left):
        lines.append(command("notice", f"{left[0]} more root cause(s) and {left[1]} more contributing finding(s)"
                             " were left out of the annotations (GitHub shows 10 of each per step);"
                             " the step summary and the JSON report have them all.",
                             title="sccache-forensics: annotations left out"))
    if not errors:
        lines.append(command("notice", verdict.get("summary") or status, title=f"sccache-forensics: {status}"))
    return lines


def _finding_command(kind: str, finding: dict, message: str, context: Context) -> str:
    layer = finding.get("layer") or "unknown"
    title = _clip(f"sccache-forensics: {layer}: {finding['id']} {finding.get('title') or ''}".strip(), TITLE_CHARS)
    place = _place(finding.get("evidence") or [], context)
    return command(kind, message, title=title, **place)


def _place(evidence: list[dict], context: Context) -> dict[str, str]:
    """`file` and `line` of the first evidence line whose file lies inside the workspace, else nothing."""
    for item in evidence:
        relative = workspace_path(item.get("source") or "", context)
        if relative is not None:
            place = {"file": relative}
            if isinstance(item.get("line"), int) and item["line"] > 0:
                place["line"] = str(item["line"])
            return place
    return {}


def workspace_path(source: str, context: Context) -> str | None:
    """The evidence file as a path relative to the workspace, or None when it is not inside it.

    A source is a member path in the bundle; it is a workspace file when the bundle is a folder
    in the workspace, or when it is a collector's copy (`files/<absolute path>`) of one that
    exists there."""
    parts = PurePosixPath(source.replace("\\", "/")).parts
    if not context.workspace or not parts or "!/" in source or ".." in parts or source.startswith(("/", "\\")):
        return None
    root = os.path.realpath(context.workspace)
    candidates = [os.path.join(given, source) for given in context.inputs if given != "-" and os.path.isdir(given)]
    original = _copied_from(source)
    if original is not None:
        candidates.append(original)
    for candidate in candidates:
        full = os.path.realpath(candidate)
        try:
            inside = os.path.commonpath([root, full]) == root and full != root
        except ValueError:  # another drive
            inside = False
        if inside and os.path.isfile(full):
            return PurePosixPath(*Path(os.path.relpath(full, root)).parts).as_posix()
    return None


def _copied_from(source: str) -> str | None:
    """`files/home/runner/work/app/Cargo.toml` -> `/home/runner/work/app/Cargo.toml` (on Windows
    `files/C/a/b` -> `C:\\a\\b`), the path the collector copied the file from."""
    parts = PurePosixPath(source).parts
    if len(parts) < 2 or parts[0] != "files" or ".." in parts:
        return None
    if os.name == "nt" and len(parts[1]) == 1:
        return str(PureWindowsPath(f"{parts[1]}:\\", *parts[2:]))
    return "/" + "/".join(parts[1:])


def summary(report: dict) -> str:
    return render_md.render(report)


def short_summary(report: dict) -> str:
    """The head of the Markdown report: for a step-summary file almost full already."""
    verdict = report["verdict"]
    head = f"## sccache-forensics: {render_md.code(verdict_status(report))}"
    if verdict.get("root_cause"):
        head += f" {render_md.code(verdict['root_cause'])} (layer {render_md.code(verdict.get('layer'))})"
    return f"{head}\n\n{render_md.prose(verdict.get('summary', ''))}\n\n*The full report did not fit in the step summary.*\n"


def append_summary(report: dict, path: str) -> str | None:
    """Append the Markdown report to the step-summary file within GitHub's limit; None when it
    went in, else why not (for a warning)."""
    try:
        used = os.path.getsize(path)
    except OSError:
        used = 0
    for text in (summary(report), short_summary(report)):
        data = ("\n" + text).encode("utf-8")
        if used + len(data) <= SUMMARY_LIMIT:
            try:
                with open(path, "ab") as handle:
                    handle.write(data)
            except OSError as error:
                return f"cannot append to the step summary: {error.strerror or error}"
            return None
    return f"the step summary holds {used} bytes already; the report would pass GitHub's 1 MiB limit"


def render(report: dict, context: Context = Context()) -> str:
    """What goes to standard output. Appends to the step summary as a side effect when there is one."""
    lines = workflow_commands(report, context)
    if context.summary_file:
        problem = append_summary(report, context.summary_file)
        if problem:
            lines.append(command("warning", problem, title="sccache-forensics: step summary"))
        return "\n".join(lines) + "\n"
    return "\n".join(lines) + "\n" + quoted(summary(report))


def quoted(text: str) -> str:
    """Text printed in a job's log with workflow commands off: between `::stop-commands::TOKEN`
    and `::TOKEN::`, the token a hash of the text (so the text cannot end the quote itself)."""
    token = "sccache-forensics-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]
    return f"::stop-commands::{token}\n{text.rstrip(chr(10))}\n::{token}::\n"


def _clip(text, limit: int) -> str:
    text = "" if text is None else str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"
