"""Read and validate pattern files; collect every problem instead of stopping at the first.

A file with any problem is left out of the library and reported as `PatternError(file,
key, message)` values, e.g. `patterns/proxy-in-path.toml: match[1].regex: no
examples.match line exercises this regex`. Files whose name starts with `_` (shared
masks) are not signatures.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

import regex

from analyzer import taxonomy
from analyzer.patterns.literals import derive_literal
from analyzer.patterns.model import Fix, MatchBlock, Pattern, PatternDoc, PatternError

STATUSES = ("experimental", "test", "stable")
TOP_KEYS = {"id", "title", "status", "layer", "default_role", "severity", "applies_to", "samples",
            "event", "new_id", "match", "doc", "examples"}
REQUIRED_STRINGS = ("id", "title", "status", "layer", "default_role", "severity")
MATCH_KEYS = {"regex", "literal"}
DOC_KEYS = {"what_it_detects", "why_builds_fail", "fix", "references"}
FIX_KEYS = {"text", "sh", "powershell"}
EXAMPLE_KEYS = {"match", "no_match"}
ID_RE = regex.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")


def display_name(path: Path) -> str:
    """The path as a user would type it: relative to the working directory when inside it."""
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


def pattern_files(directory: Path) -> list[Path]:
    """Signature files of a folder, each id's base file before its variants."""
    files = [p for p in directory.glob("*.toml") if not p.name.startswith("_")]
    return sorted(files, key=lambda p: p.stem.partition(".")[::2])


def load_file(path: Path, user: bool = False) -> tuple[Pattern | None, list[PatternError]]:
    """Parse and validate one signature file; the pattern is None when anything is wrong."""
    checker = _Checker(display_name(path), user)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        checker.error("toml", f"cannot read: {error}")
        return None, checker.errors
    pattern = checker.check(data, path)
    return (pattern if not checker.errors else None), checker.errors


class _Checker:
    """Many tiny checks over one file's data, each adding a PatternError and going on."""

    def __init__(self, file: str, user: bool) -> None:
        self.file = file
        self.user = user
        self.errors: list[PatternError] = []
        self.tax = taxonomy.load()

    def error(self, key: str, message: str) -> None:
        self.errors.append(PatternError(self.file, key, message))

    def check(self, data: dict[str, Any], path: Path) -> Pattern | None:
        self._unknown_keys(data, TOP_KEYS, "")
        values = {key: self._string(data, key, required=True) for key in REQUIRED_STRINGS}
        self._choice("status", values["status"], STATUSES)
        self._choice("layer", values["layer"], self.tax.layers)
        self._choice("default_role", values["default_role"], self.tax.roles)
        self._choice("severity", values["severity"], self.tax.severities)
        new_id = data.get("new_id", False)
        if not isinstance(new_id, bool):
            self.error("new_id", "must be true or false")
            new_id = False
        self._check_id(values["id"], new_id, path)
        applies_to = self._string_list(data, "applies_to", required=True)
        for index, kind in enumerate(applies_to):
            if kind not in self.tax.kinds:
                self.error(f"applies_to[{index}]", f"unknown artifact kind {kind!r} (one of: {', '.join(self.tax.kinds)})")
        samples = self._string_list(data, "samples")
        if values["status"] == "stable" and not samples:
            self.error("samples", "a stable signature must name at least one sample bundle (samples = [\"...\"])")
        event = self._string(data, "event")
        if event is not None and not ID_RE.match(event):
            self.error("event", f"{event!r} is not a kebab-case label")
        blocks = self._blocks(data.get("match"))
        doc = self._doc(data.get("doc"))
        matches, no_matches = self._examples(data.get("examples"))
        if self.errors or blocks is None or doc is None:
            return None
        blocks = self._both_ways(blocks, matches, no_matches)
        if self.errors:
            return None
        return Pattern(
            id=values["id"], title=values["title"], status=values["status"], layer=values["layer"],
            default_role=values["default_role"], severity=values["severity"],
            applies_to=frozenset(applies_to), blocks=tuple(blocks), doc=doc,
            examples_match=tuple(matches), examples_no_match=tuple(no_matches),
            samples=tuple(samples), event=event, new_id=new_id, path=path,
        )

    # -- small typed readers -------------------------------------------------------------

    def _unknown_keys(self, table: dict[str, Any], allowed: set[str], prefix: str) -> None:
        for key in table:
            if key not in allowed:
                self.error(f"{prefix}{key}", f"unknown key (allowed: {', '.join(sorted(allowed))})")

    def _string(self, table: dict[str, Any], key: str, required: bool = False, prefix: str = "") -> str | None:
        value = table.get(key)
        if value is None:
            if required:
                self.error(f"{prefix}{key}", "missing required key")
            return None
        if not isinstance(value, str) or not value.strip():
            self.error(f"{prefix}{key}", "must be a non-empty string")
            return None
        return value

    def _string_list(self, table: dict[str, Any], key: str, required: bool = False, prefix: str = "") -> list[str]:
        value = table.get(key)
        if value is None:
            if required:
                self.error(f"{prefix}{key}", "missing required key")
            return []
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            self.error(f"{prefix}{key}", "must be a list of strings")
            return []
        if required and not value:
            self.error(f"{prefix}{key}", "must not be empty")
        return value

    def _choice(self, key: str, value: str | None, allowed: tuple[str, ...]) -> None:
        if value is not None and value not in allowed:
            self.error(key, f"{value!r} is not one of: {', '.join(allowed)}")

    def _table(self, value: Any, key: str) -> dict[str, Any] | None:
        if value is None:
            self.error(key, "missing required table")
            return None
        if not isinstance(value, dict):
            self.error(key, "must be a table")
            return None
        return value

    # -- sections ------------------------------------------------------------------------

    def _check_id(self, pattern_id: str | None, new_id: bool, path: Path) -> None:
        if pattern_id is None:
            return
        if not ID_RE.match(pattern_id):
            self.error("id", f"{pattern_id!r} is not a kebab-case id")
        known = pattern_id in self.tax
        if new_id and not self.user:
            self.error("new_id", "only user pattern directories may define new ids")
        elif new_id and known:
            self.error("new_id", f"{pattern_id!r} is already a taxonomy id; drop new_id")
        elif not new_id and not known:
            self.error("id", f"{pattern_id!r} is not a taxonomy id (see docs/taxonomy.md; a user pattern may add new_id = true)")
        stem = path.stem
        if stem != pattern_id and not stem.startswith(pattern_id + "."):
            self.error("id", f"file name must be {pattern_id}.toml or {pattern_id}.<variant>.toml")

    def _blocks(self, value: Any) -> list[MatchBlock] | None:
        if value is None:
            self.error("match", "missing required [[match]] table")
            return None
        if not isinstance(value, list) or not value or not all(isinstance(item, dict) for item in value):
            self.error("match", "must be one or more [[match]] tables")
            return None
        blocks: list[MatchBlock] = []
        for index, table in enumerate(value):
            prefix = f"match[{index}]."
            self._unknown_keys(table, MATCH_KEYS, prefix)
            source = self._string(table, "regex", required=True, prefix=prefix)
            literal = self._string(table, "literal", prefix=prefix)
            if source is None:
                continue
            try:
                compiled = regex.compile(source)
            except (regex.error, ValueError) as error:
                self.error(f"{prefix}regex", f"does not compile: {error}")
                continue
            if compiled.search("") is not None:
                self.error(f"{prefix}regex", "matches the empty string, so it would fire on every record")
                continue
            blocks.append(MatchBlock(compiled, literal, literal or derive_literal(source)))
        return blocks if len(blocks) == len(value) else None

    def _doc(self, value: Any) -> PatternDoc | None:
        table = self._table(value, "doc")
        if table is None:
            return None
        self._unknown_keys(table, DOC_KEYS, "doc.")
        what = self._string(table, "what_it_detects", required=True, prefix="doc.")
        why = self._string(table, "why_builds_fail", required=True, prefix="doc.")
        references = self._string_list(table, "references", prefix="doc.")
        fix = self._fix(table.get("fix"))
        if what is None or why is None or fix is None:
            return None
        return PatternDoc(what, why, fix, tuple(references))

    def _fix(self, value: Any) -> Fix | None:
        if isinstance(value, str) and value.strip():
            return Fix(value)
        table = self._table(value, "doc.fix")
        if table is None:
            return None
        self._unknown_keys(table, FIX_KEYS, "doc.fix.")
        text = self._string(table, "text", required=True, prefix="doc.fix.")
        sh = self._string(table, "sh", prefix="doc.fix.")
        powershell = self._string(table, "powershell", prefix="doc.fix.")
        return Fix(text, sh, powershell) if text else None

    def _examples(self, value: Any) -> tuple[list[str], list[str]]:
        table = self._table(value, "examples")
        if table is None:
            return [], []
        self._unknown_keys(table, EXAMPLE_KEYS, "examples.")
        matches = self._string_list(table, "match", required=True, prefix="examples.")
        no_matches = self._string_list(table, "no_match", prefix="examples.")
        return matches, no_matches

    def _both_ways(self, blocks: list[MatchBlock], matches: list[str], no_matches: list[str]) -> list[MatchBlock]:
        """lnav-style: every example matches, every regex is exercised, literals hold, no_match stays silent."""
        hits: list[list[str]] = [[] for _ in blocks]
        for index, line in enumerate(matches):
            matched = [b for b, block in enumerate(blocks) if block.regex.search(line)]
            if not matched:
                self.error(f"examples.match[{index}]", f"no [[match]] regex matches {line!r}")
            for b in matched:
                hits[b].append(line)
        for index, line in enumerate(no_matches):
            for b, block in enumerate(blocks):
                if block.regex.search(line):
                    self.error(f"examples.no_match[{index}]", f"match[{b}].regex matches {line!r}")
        checked: list[MatchBlock] = []
        for b, block in enumerate(blocks):
            if not hits[b]:
                self.error(f"match[{b}].regex", "no examples.match line exercises this regex")
            if block.literal:
                for line in hits[b]:
                    if block.literal not in line:
                        self.error(f"match[{b}].literal", f"{block.literal!r} is not in matching example {line!r}")
            prefilter = block.prefilter
            if prefilter and not block.literal and any(prefilter not in line for line in hits[b]):
                prefilter = None  # a derived literal that does not hold is dropped, never trusted
            checked.append(MatchBlock(block.regex, block.literal, prefilter))
        return checked
