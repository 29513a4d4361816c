"""The pattern library: one TOML definition per finding ID under `patterns/`, validated and
compiled; each holds the ID's knowledge and its line signatures (indications).

    library = load_library(extra_dirs=[Path("my-patterns")])
    for match in library.scan(records):
        print(match.pattern_id, match.captures)

`library.errors` lists every problem found while loading (bad files are left out), so a
command can report them all at once. The file format is in docs/contributing.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import analyzer
from analyzer.patterns.library import Library
from analyzer.patterns.loader import display_name, load_file, pattern_files
from analyzer.patterns.model import (
    Captures,
    Causality,
    Definition,
    Fix,
    Match,
    MatchBlock,
    Pattern,
    PatternDoc,
    PatternError,
)

__all__ = [
    "Captures", "Causality", "Definition", "Fix", "Library", "Match", "MatchBlock", "Pattern", "PatternDoc", "PatternError",
    "builtin_dir", "check_samples", "load_directory", "load_library", "samples_dir",
]


def builtin_dir() -> Path:
    """Where the shipped definitions live: `patterns/` of the checkout, reached through the
    package's `builtin_patterns` link, which a wheel holds as a folder of copies (a checkout
    without symbolic links reads `patterns/` directly)."""
    package = Path(analyzer.__file__).resolve().parent
    shipped = package / "builtin_patterns"
    if shipped.is_dir():
        return shipped.resolve()
    return package.parent / "patterns"


def samples_dir(patterns_dir: Path) -> Path:
    """Sample bundles named by `samples = [...]` live in `samples/` beside the patterns folder."""
    return patterns_dir.resolve().parent / "samples"


def load_directory(directory: Path, user: bool = True) -> tuple[list[Definition], list[PatternError]]:
    """All definitions of one folder, and all problems found in it."""
    if not directory.is_dir():
        return [], [PatternError(display_name(directory), "patterns", "not a directory")]
    definitions: list[Definition] = []
    errors: list[PatternError] = []
    for path in pattern_files(directory):
        definition, problems = load_file(path, user=user)
        errors.extend(problems)
        if definition is not None:
            definitions.append(definition)
    return definitions, errors


def load_library(extra_dirs: Iterable[Path | str] = (), builtin: bool = True) -> Library:
    """The built-in definitions plus user folders; a user file replaces the built-in one of its ID."""
    by_id: dict[str, Definition] = {}
    errors: list[PatternError] = []
    folders = ([(builtin_dir(), False)] if builtin else []) + [(Path(d), True) for d in extra_dirs]
    for folder, user in folders:
        definitions, problems = load_directory(folder, user=user)
        errors.extend(problems)
        for definition in definitions:
            by_id[definition.id] = definition
    return Library(by_id.values(), errors)


def check_samples(library: Library, samples: Path) -> list[PatternError]:
    """Every sample a definition or indication names must exist as a folder `samples/<name>/`."""
    errors = []
    named = [(d.path, d.id, d.samples) for d in library.definitions.values()]
    named += [(p.path, p.name, p.samples) for p in library.patterns]
    for path, label, listed in named:
        for index, name in enumerate(dict.fromkeys(listed)):
            if not (samples / name).is_dir():
                file = display_name(path) if path else label
                errors.append(PatternError(file, f"samples[{index}]", f"sample folder {display_name(samples / name)} does not exist"))
    return list(dict.fromkeys(errors))
