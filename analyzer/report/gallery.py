"""The report gallery: every sample's HTML and Markdown report under `reports/`, plus an index.

`python -m analyzer.report.gallery` (or `make reports`) rewrites it; a test fails when the files
on disk differ from what this would write, so the gallery never goes stale silently.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
COMMAND = "python -m analyzer.report.gallery"


def sample_bundles(root: Path = ROOT) -> list[tuple[str, Path]]:
    """(sample name, bundle folder) for every `samples/*/bundle`, sorted by name."""
    return [(path.parent.name, path) for path in sorted((root / "samples").glob("*/bundle")) if path.is_dir()]


def build(root: Path = ROOT) -> dict[str, str]:
    """Every gallery file as {relative path: text}; nothing is written."""
    from analyzer.analysis import analyze, load_knowledge
    from analyzer.report import render_html, render_md

    knowledge = load_knowledge()
    files: dict[str, str] = {}
    rows = []
    for name, bundle in sample_bundles(root):
        report = analyze([str(bundle)], knowledge).report
        files[f"{name}.html"] = render_html.render(report)
        files[f"{name}.md"] = render_md.render(report)
        rows.append((name, report))
    files["README.md"] = index(rows)
    return files


def index(rows: list[tuple[str, dict]]) -> str:
    lines = ["# Report gallery", "",
             f"One HTML and one Markdown report per sample bundle under `samples/`. Regenerate with `{COMMAND}`"
             " (or `make reports`); a test fails when these files are stale.", "",
             "| sample | status | cache | layer | root cause | confidence | reports |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for name, report in rows:
        verdict = report["verdict"]
        cause = f"`{verdict['root_cause']}`" if verdict["root_cause"] else "none"
        confidence = verdict.get("confidence_level") or "–"
        state = (report.get("cache") or {}).get("state", "–")
        lines.append(f"| {name} | {verdict.get('status')} | {state} | {verdict['layer']} | {cause} | {confidence} |"
                     f" [HTML]({name}.html) · [Markdown]({name}.md) |")
    return "\n".join(lines) + "\n"


def stale(root: Path = ROOT) -> list[str]:
    """Gallery files that are missing, different, or left over from a removed sample."""
    expected = build(root)
    folder = root / "reports"
    problems = [name for name, text in sorted(expected.items())
                if not (folder / name).is_file() or (folder / name).read_text(encoding="utf-8") != text]
    if folder.is_dir():
        extra = [p.name for p in folder.iterdir() if p.suffix in (".html", ".md") and p.name not in expected]
        problems += sorted(f"{name} (no such sample)" for name in extra)
    return problems


def write(root: Path = ROOT) -> list[str]:
    folder = root / "reports"
    folder.mkdir(exist_ok=True)
    files = build(root)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8", newline="\n")
    for path in folder.iterdir():
        if path.suffix in (".html", ".md") and path.name not in files:
            path.unlink()
    return sorted(files)


def main() -> int:
    written = write()
    print(f"wrote {len(written)} files to reports/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
