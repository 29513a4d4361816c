"""The pattern library: one TOML signature per file under `patterns/`, validated and compiled.

    library = load_library(extra_dirs=[Path("my-patterns")])
    for match in library.scan(records):
        print(match.pattern_id, match.captures)

`library.errors` lists every problem found while loading (bad files are left out), so a
command can report them all at once. The file schema is in docs/architecture.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import analyzer
from analyzer.patterns.library import Library
from analyzer.patterns.loader import display_name, load_file, pattern_files
from analyzer.patterns.model import Captures, Fix, Match, MatchBlock, Pattern, PatternDoc, PatternError

__all__ = [
    "Captures", "Fix", "Library", "Match", "MatchBlock", "Pattern", "PatternDoc", "PatternError",
    "builtin_dir", "check_samples", "load_directory", "load_library", "samples_dir",
]


def builtin_dir() -> Path:
    """Where the shipped signatures live. The one place to change for a wheel install."""
    return Path(analyzer.__file__).resolve().parent.parent / "patterns"


def samples_dir(patterns_dir: Path) -> Path:
    """Sample bundles named by `samples = [...]` live in `samples/` beside the patterns folder."""
    return patterns_dir.resolve().parent / "samples"


def load_directory(directory: Path, user: bool = True) -> tuple[list[Pattern], list[PatternError]]:
    """All signatures of one folder, and all problems found in it."""
    if not directory.is_dir():
        return [], [PatternError(display_name(directory), "patterns", "not a directory")]
    patterns, errors = [], []
    for path in pattern_files(directory):
        pattern, problems = load_file(path, user=user)
        errors.extend(problems)
        if pattern is not None:
            patterns.append(pattern)
    return patterns, errors


def load_library(extra_dirs: Iterable[Path | str] = (), builtin: bool = True) -> Library:
    """The built-in signatures plus user folders; a user file replaces a built-in one of the same name."""
    by_name: dict[str, Pattern] = {}
    errors: list[PatternError] = []
    folders = ([(builtin_dir(), False)] if builtin else []) + [(Path(d), True) for d in extra_dirs]
    for folder, user in folders:
        patterns, problems = load_directory(folder, user=user)
        errors.extend(problems)
        for pattern in patterns:
            by_name[pattern.name] = pattern
    return Library(by_name.values(), errors)


def check_samples(library: Library, samples: Path) -> list[PatternError]:
    """Every sample a signature names must exist as a folder `samples/<name>/`."""
    errors = []
    for pattern in library.patterns:
        for index, name in enumerate(pattern.samples):
            if not (samples / name).is_dir():
                file = display_name(pattern.path) if pattern.path else pattern.name
                errors.append(PatternError(file, f"samples[{index}]", f"sample folder {display_name(samples / name)} does not exist"))
    return errors
