"""Masks for template mining, read from `patterns/_masks.toml`.

An ordered list of `{name, regex, replacement}`; applying them in order turns
`Cache read error: ... in 12.004 s` into `Cache read error: ... in <DURATION>`, so lines
that differ only in paths, numbers or ids group under one template.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

import regex

from analyzer.patterns.loader import display_name
from analyzer.patterns.model import PatternError

MASKS_FILE = "_masks.toml"


@dataclass(frozen=True, slots=True)
class Mask:
    name: str
    regex: regex.Pattern
    replacement: str


def load_masks(path: Path) -> tuple[list[Mask], list[PatternError]]:
    """All valid masks of the file, and a PatternError for each bad entry."""
    file = display_name(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        return [], [PatternError(file, "toml", f"cannot read: {error}")]
    masks, errors = [], []
    for index, entry in enumerate(data.get("mask", [])):
        key = f"mask[{index}]"
        if not isinstance(entry, dict) or not all(isinstance(entry.get(k), str) for k in ("name", "regex", "replacement")):
            errors.append(PatternError(file, key, "needs string keys name, regex and replacement"))
            continue
        try:
            masks.append(Mask(entry["name"], regex.compile(entry["regex"]), entry["replacement"]))
        except regex.error as error:
            errors.append(PatternError(file, f"{key}.regex", f"does not compile: {error}"))
    return masks, errors


def apply_masks(masks: list[Mask], text: str) -> str:
    """The line's template: every mask applied in order."""
    for mask in masks:
        text = mask.regex.sub(mask.replacement, text)
    return text
