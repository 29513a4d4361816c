"""`make taxonomy`: regenerate `analyzer/data/taxonomy.toml` and the tables of `docs/taxonomy.md`
from the built-in definitions. Apart from `analyzer/taxonomy.py`, which the pattern loader reads:
writing needs the loaded library, reading must not."""

from __future__ import annotations

from pathlib import Path

from analyzer.patterns import load_library
from analyzer.taxonomy import DATA_FILE, DOCS_FILE, load, render_data, render_docs


def write_all() -> list[Path]:
    """Regenerate the data file and the docs tables from the built-in definitions; the changed paths."""
    library = load_library()
    if library.errors:
        raise SystemExit("\n".join(str(e) for e in library.errors))
    definitions = list(library.definitions.values())
    changed = []
    data = render_data(definitions, DATA_FILE.read_text(encoding="utf-8"))
    docs = render_docs(definitions, DOCS_FILE.read_text(encoding="utf-8"), load().groups)
    for path, text in ((DATA_FILE, data), (DOCS_FILE, docs)):
        if path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            changed.append(path)
    return changed


if __name__ == "__main__":
    for changed_path in write_all():
        print(f"rewrote {changed_path}")
