"""`sccache-forensics patterns list|show ID|test [DIR]|literals`: browse and check the signature library."""

from __future__ import annotations

import sys
from pathlib import Path

import click
import orjson

from analyzer.commands.options import output_options, write_output
from analyzer.patterns import (
    Definition,
    Library,
    Pattern,
    builtin_dir,
    check_samples,
    load_directory,
    load_library,
    samples_dir,
)
from analyzer.patterns.export import scan_literals
from analyzer.patterns.masks import MASKS_FILE, load_masks

patterns_dir_option = click.option(
    "--patterns", "extra_dirs", multiple=True, type=click.Path(file_okay=False, path_type=Path),
    metavar="DIR", help="Also load the signatures in DIR (repeatable).")


@click.group("patterns")
def command() -> None:
    """Browse and check the knowledge of every finding ID (patterns/<id>.toml).

    \b
    Examples:
      sccache-forensics patterns list
      sccache-forensics patterns show server-startup-timeout
      sccache-forensics patterns test ./my-patterns --format json
      sccache-forensics patterns literals > literals.txt
    """


@command.command("list")
@patterns_dir_option
@output_options(("text", "json"))
def list_command(extra_dirs: tuple[Path, ...], fmt: str, output: str) -> None:
    """List every finding ID: id, status, layer, default role, how it is detected, title.

    IDs that only correlation rules detect are listed too (detected by `rules`).

    \b
    Examples:
      sccache-forensics patterns list
      sccache-forensics patterns list --format json
    """
    library = load_library(extra_dirs)
    rows = [_summary(d) for d in library.definitions.values()]
    if fmt == "json":
        write_output(orjson.dumps({"patterns": rows}, option=orjson.OPT_INDENT_2) + b"\n", output)
    else:
        width = max((len(r["id"]) for r in rows), default=2)
        lines = [f"{r['id']:<{width}}  {r['status']:<12} {r['layer']:<13} {r['default_role']:<12} "
                 f"{_detected_by(r):<14} {r['title']}" for r in rows]
        write_output("\n".join(lines) + "\n", output)
    _warn_errors(library)


@command.command("show")
@click.argument("pattern_id", metavar="ID")
@patterns_dir_option
@output_options(("text", "json"))
def show_command(pattern_id: str, extra_dirs: tuple[Path, ...], fmt: str, output: str) -> None:
    """Print everything known about finding ID: docs, fix, causes, indications.

    \b
    Examples:
      sccache-forensics patterns show proxy-in-path
      sccache-forensics patterns show storage-check-slow --format json
    """
    library = load_library(extra_dirs)
    definition = library.definition(pattern_id)
    if definition is None:
        click.echo(f"sccache-forensics: unknown pattern id {pattern_id!r} (see `sccache-forensics patterns list`)", err=True)
        sys.exit(2)
    symptom_of = sorted(d.id for d in library.definitions.values() if pattern_id in d.causality.explains)
    if fmt == "json":
        body = {**_definition_details(definition, symptom_of),
                "signatures": [_details(p) for p in definition.indications]}
        write_output(orjson.dumps(body, option=orjson.OPT_INDENT_2) + b"\n", output)
        return
    write_output(_show_definition(definition, symptom_of) + "\n", output)


@command.command("test")
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@output_options(("text", "json"))
def test_command(directory: Path | None, fmt: str, output: str) -> None:
    """Validate the built-in library (or DIR) and run every example; list all problems.

    Exit status 2 when there is any problem (as for any command given invalid pattern files;
    1 is only ever `analyze --fail-on`'s), 0 otherwise.

    \b
    Examples:
      sccache-forensics patterns test
      sccache-forensics patterns test ./my-patterns --format json
    """
    folder = directory or builtin_dir()
    definitions, errors = load_directory(folder, user=directory is not None)
    library = Library(definitions)
    patterns = library.patterns
    errors += check_samples(library, samples_dir(folder))
    if (folder / MASKS_FILE).is_file():
        errors += load_masks(folder / MASKS_FILE)[1]
    examples = sum(len(p.examples_match) + len(p.examples_no_match) for p in patterns)
    if fmt == "json":
        body = {"directory": str(folder), "patterns": len(patterns), "examples": examples,
                "problems": [e.to_json() for e in errors]}
        write_output(orjson.dumps(body, option=orjson.OPT_INDENT_2) + b"\n", output)
    else:
        lines = [str(e) for e in errors]
        lines.append(f"{len(definitions)} definitions, {len(patterns)} signatures, {examples} examples, "
                     f"{len(errors)} problems")
        write_output("\n".join(lines) + "\n", output)
    sys.exit(2 if errors else 0)


@command.command("literals")
@patterns_dir_option
@click.option("--kind", default=None, metavar="KIND",
              help="Only the signatures that apply to this artifact kind (e.g. sccache-log).")
@click.option("-o", "--output", "output", default="-", show_default=True, metavar="FILE|-",
              help="Write the literals to FILE instead of standard output.")
def literals_command(extra_dirs: tuple[Path, ...], kind: str | None, output: str) -> None:
    """Print the plain strings the scanner's prefilter looks for, one per line.

    A line that contains none of them cannot match any signature. The list suits
    `grep -F -f`, e.g. to compare a plain text search with `analyze` on a large log.

    \b
    Examples:
      sccache-forensics patterns literals
      sccache-forensics patterns literals --kind sccache-log -o literals.txt
      grep -c -F -f literals.txt sccache.log
    """
    library = load_library(extra_dirs)
    literals = scan_literals(library, kind)
    for literal in literals:
        if "\n" in literal or "\r" in literal:
            click.echo(f"sccache-forensics: warning: literal {literal!r} spans lines; grep -f reads it as several",
                       err=True)
    write_output("".join(f"{literal}\n" for literal in literals), output)
    _warn_errors(library)


def _summary(definition: Definition) -> dict:
    return {"id": definition.id, "status": definition.status, "layer": definition.layer,
            "default_role": definition.default_role, "severity": definition.severity, "title": definition.title,
            "group": definition.group, "signatures": [p.name for p in definition.indications],
            "rules": list(definition.rules)}


def _detected_by(row: dict) -> str:
    count = len(row["signatures"])
    return f"{count} signature{'s' if count != 1 else ''}" if count else "rules only"


def _fix_json(fix) -> dict:
    return {"text": fix.text.strip(), "sh": fix.sh, "powershell": fix.powershell}


def _definition_details(definition: Definition, symptom_of: list[str]) -> dict:
    doc, causes = definition.doc, definition.causality
    return {
        **_summary(definition),
        "meaning": definition.meaning, "typical_evidence": definition.typical_evidence,
        "event": definition.event, "needs": list(definition.needs), "samples": list(definition.samples),
        "what_it_detects": doc.what_it_detects.strip(), "why_builds_fail": doc.why_builds_fail.strip(),
        "fix": _fix_json(doc.fix), "references": list(doc.references),
        "causality": {"root_cause": causes.root_cause, "depth": causes.depth, "explains": sorted(causes.explains),
                      "symptom_of": symptom_of},
    }


def _details(pattern: Pattern) -> dict:
    doc = pattern.doc
    return {
        "signature": pattern.name, "title": pattern.title, "status": pattern.status,
        "default_role": pattern.default_role, "severity": pattern.severity, "confidence": pattern.confidence,
        "applies_to": sorted(pattern.applies_to), "event": pattern.event, "samples": list(pattern.samples),
        "match": [{"regex": b.regex.pattern, "literal": b.literal} for b in pattern.blocks],
        "what_it_detects": doc.what_it_detects.strip(), "fix": _fix_json(doc.fix),
        "examples": {"match": list(pattern.examples_match), "no_match": list(pattern.examples_no_match)},
    }


def _fix_text(fix) -> list[str]:
    out = [fix.text.strip()]
    for label, block in (("sh", fix.sh), ("PowerShell", fix.powershell)):
        if block:
            out += ["", f"{label}:", "```" + label.lower(), block.strip(), "```"]
    return out


def _show_definition(definition: Definition, symptom_of: list[str]) -> str:
    doc, causes = definition.doc, definition.causality
    out = [f"{definition.id} ({definition.status}, layer {definition.layer}, default role {definition.default_role})",
           definition.title, "", "## What it detects", doc.what_it_detects.strip(), "",
           "## Why builds fail", doc.why_builds_fail.strip(), "", "## Fix", *_fix_text(doc.fix), "",
           "## Causes", f"  can be the root cause: {causes.root_cause}"]
    if causes.explains:
        out.append(f"  explains: {', '.join(sorted(causes.explains))}")
    if symptom_of:
        out.append(f"  symptom of: {', '.join(symptom_of)}")
    if definition.rules:
        out += ["", "## Detected by rules", "  " + ", ".join(definition.rules)]
    for pattern in definition.indications:
        out += ["", f"## Indication {pattern.name} ({pattern.status}, role {pattern.default_role}, "
                    f"severity {pattern.severity})", pattern.title]
        if pattern.doc.what_it_detects != doc.what_it_detects:
            out += ["", pattern.doc.what_it_detects.strip()]
        if pattern.doc.fix != doc.fix:
            out += ["", "Fix:", *_fix_text(pattern.doc.fix)]
        out += [""] + [f"  match:    {line}" for line in pattern.examples_match]
        out += [f"  no match: {line}" for line in pattern.examples_no_match]
    if doc.references:
        out += ["", "## References"] + [f"  {ref}" for ref in doc.references]
    return "\n".join(out)


def _warn_errors(library: Library) -> None:
    for error in library.errors:
        click.echo(f"sccache-forensics: warning: {error}", err=True)
