"""Read and validate definition files (one per finding ID); collect every problem instead of
stopping at the first.

A file with any problem is left out of the library and reported as `PatternError(file,
key, message)` values, e.g. `patterns/proxy-in-path.toml: indication[2].match[1].regex: no
examples.match line exercises this regex`. Files whose name starts with `_` (shared
masks) are not definitions. The format is described in docs/contributing.md.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

import regex

from analyzer import taxonomy
from analyzer.patterns.literals import derive_literal
from analyzer.patterns.model import Causality, Definition, Fix, MatchBlock, Pattern, PatternDoc, PatternError

STATUSES = ("experimental", "test", "stable")
ROOT_CAUSE = ("yes", "fallback", "never")
CONFIDENCES = ("strong", "moderate", "weak")
TOP_KEYS = {"id", "title", "group", "layer", "default_role", "severity", "status", "event", "applies_to", "needs",
            "rules", "samples", "meaning", "typical_evidence", "new_id", "causality", "doc", "indication"}
REQUIRED_STRINGS = ("id", "title", "group", "layer", "default_role", "severity", "status", "meaning",
                    "typical_evidence")
CAUSALITY_KEYS = {"depth", "root_cause", "explains", "costly_when_build_succeeds", "replayed_failure",
                  "contributing_when_failed"}
CAUSALITY_FLAGS = ("costly_when_build_succeeds", "replayed_failure", "contributing_when_failed")
INDICATION_KEYS = {"name", "title", "role", "severity", "confidence", "event", "applies_to", "status", "samples",
                   "what_it_detects", "why_builds_fail", "references", "fix", "match", "examples"}
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
    """The definition files of a folder (`<id>.toml`), by ID."""
    return sorted(p for p in directory.glob("*.toml") if not p.name.startswith("_"))


def load_file(path: Path, user: bool = False) -> tuple[Definition | None, list[PatternError]]:
    """Parse and validate one definition file; the definition is None when anything is wrong."""
    checker = _Checker(display_name(path), user)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        checker.error("toml", f"cannot read: {error}")
        return None, checker.errors
    definition = checker.check(data, path)
    return (definition if not checker.errors else None), checker.errors


class _Checker:
    """Many tiny checks over one file's data, each adding a PatternError and going on."""

    def __init__(self, file: str, user: bool) -> None:
        self.file = file
        self.user = user
        self.errors: list[PatternError] = []
        self.tax = taxonomy.load()

    def error(self, key: str, message: str) -> None:
        self.errors.append(PatternError(self.file, key, message))

    def check(self, data: dict[str, Any], path: Path) -> Definition | None:
        if "match" in data or "examples" in data:
            self.error("match", "a file of the earlier one-signature format: put its [[match]] tables and "
                                "[examples] under an [[indication]] in patterns/<id>.toml (docs/contributing.md)")
            data = {key: value for key, value in data.items() if key not in ("match", "examples")}
        self._unknown_keys(data, TOP_KEYS, "")
        values = {key: self._string(data, key, required=True) for key in REQUIRED_STRINGS}
        self._choice("status", values["status"], STATUSES)
        self._choice("layer", values["layer"], self.tax.layers)
        self._choice("default_role", values["default_role"], self.tax.roles)
        self._choice("severity", values["severity"], self.tax.severities)
        self._choice("group", values["group"], tuple(self.tax.groups))
        new_id = data.get("new_id", False)
        if not isinstance(new_id, bool):
            self.error("new_id", "must be true or false")
            new_id = False
        self._check_id(values["id"], new_id, path)
        applies_to = self._kinds(data, "applies_to", "")
        needs = self._kinds(data, "needs", "")
        rules = self._string_list(data, "rules")
        samples = self._string_list(data, "samples")
        event = self._event(data, "")
        causality = self._causality(data.get("causality"))
        doc = self._doc(data.get("doc"), "doc.")
        raw = data.get("indication", [])
        if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
            self.error("indication", "must be [[indication]] tables")
            raw = []
        if not raw and not rules:
            self.error("rules", "an ID with no [[indication]] must name the rules that detect it (rules = [...])")
        stable = values["status"] == "stable" or any(i.get("status") == "stable" for i in raw)
        if stable and not samples and not any(i.get("samples") for i in raw):
            self.error("samples", "a stable definition must name at least one sample bundle (samples = [\"...\"])")
        base = dict(values, applies_to=applies_to, samples=samples, event=event)
        shared_doc = doc or PatternDoc("", "", Fix(""))  # still check the indications of a broken file
        indications = [self._indication(table, index, base, shared_doc, path) for index, table in enumerate(raw)]
        if self.errors or doc is None or causality is None:
            return None
        names = [p.name for p in indications if p is not None]
        for name in sorted({n for n in names if names.count(n) > 1}):
            self.error("indication", f"two indications are named {name!r}; give each a distinct name")
        if self.errors:
            return None
        text = {key: value or "" for key, value in values.items()}  # all present: no error was found
        return Definition(
            id=text["id"], title=text["title"], group=text["group"], layer=text["layer"],
            default_role=text["default_role"], severity=text["severity"], status=text["status"],
            doc=doc, causality=causality, meaning=text["meaning"], typical_evidence=text["typical_evidence"],
            indications=tuple(p for p in indications if p is not None), rules=tuple(rules), needs=tuple(needs),
            applies_to=frozenset(applies_to), samples=tuple(samples), event=event, new_id=new_id, path=path,
        )

    def _indication(self, table: dict[str, Any], index: int, base: dict[str, Any], doc: PatternDoc,
                    path: Path) -> Pattern | None:
        prefix = f"indication[{index}]."
        before = len(self.errors)
        self._unknown_keys(table, INDICATION_KEYS, prefix)
        name = self._string(table, "name", prefix=prefix)
        if name is not None and not ID_RE.match(name):
            self.error(f"{prefix}name", f"{name!r} is not a kebab-case name")
        own = {key: self._string(table, key, prefix=prefix)
               for key in ("title", "role", "severity", "confidence", "status")}
        self._choice(f"{prefix}role", own["role"], self.tax.roles)
        self._choice(f"{prefix}severity", own["severity"], self.tax.severities)
        self._choice(f"{prefix}confidence", own["confidence"], CONFIDENCES)
        self._choice(f"{prefix}status", own["status"], STATUSES)
        applies_to = self._kinds(table, "applies_to", prefix) or base["applies_to"]
        if not applies_to:
            self.error(f"{prefix}applies_to", "no artifact kinds: set applies_to here or for the ID")
        samples = self._string_list(table, "samples", prefix=prefix)
        event = self._event(table, prefix) or base["event"]
        what = self._string(table, "what_it_detects", prefix=prefix)
        why = self._string(table, "why_builds_fail", prefix=prefix)
        references = self._string_list(table, "references", prefix=prefix)
        fix = self._fix(table["fix"], f"{prefix}fix") if "fix" in table else doc.fix
        blocks = self._blocks(table.get("match"), prefix)
        matches, no_matches = self._examples(table.get("examples"), prefix)
        if len(self.errors) > before or blocks is None or fix is None:
            return None
        blocks = self._both_ways(blocks, matches, no_matches, prefix)
        if len(self.errors) > before:
            return None
        own_doc = PatternDoc(what or doc.what_it_detects, why or doc.why_builds_fail, fix,
                             tuple(references) or doc.references)
        return Pattern(
            id=base["id"], name=f"{base['id']}.{name}" if name else base["id"],
            title=own["title"] or base["title"], status=own["status"] or base["status"], layer=base["layer"],
            default_role=own["role"] or base["default_role"], severity=own["severity"] or base["severity"],
            applies_to=frozenset(applies_to), blocks=tuple(blocks), doc=own_doc,
            examples_match=tuple(matches), examples_no_match=tuple(no_matches),
            samples=tuple(samples) or tuple(base["samples"]), event=event, confidence=own["confidence"],
            path=path,
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
        elif not new_id and not known and self.user:
            self.error("id", f"{pattern_id!r} is not a taxonomy id (see docs/taxonomy.md; a user pattern may add new_id = true)")
        if path.stem != pattern_id:
            self.error("id", f"file name must be {pattern_id}.toml")

    def _kinds(self, table: dict[str, Any], key: str, prefix: str) -> list[str]:
        kinds = self._string_list(table, key, prefix=prefix)
        for index, kind in enumerate(kinds):
            if kind not in self.tax.kinds:
                self.error(f"{prefix}{key}[{index}]", f"unknown artifact kind {kind!r} (one of: {', '.join(self.tax.kinds)})")
        return kinds

    def _event(self, table: dict[str, Any], prefix: str) -> str | None:
        event = self._string(table, "event", prefix=prefix)
        if event is not None and not ID_RE.match(event):
            self.error(f"{prefix}event", f"{event!r} is not a kebab-case label")
        return event

    def _causality(self, value: Any) -> Causality | None:
        table = self._table(value, "causality")
        if table is None:
            return None
        self._unknown_keys(table, CAUSALITY_KEYS, "causality.")
        depth = table.get("depth", 0)
        if not isinstance(depth, int) or isinstance(depth, bool) or not 0 <= depth <= 99:
            self.error("causality.depth", "must be a whole number from 0 to 99")
            depth = 0
        root_cause = self._string(table, "root_cause", prefix="causality.") or "yes"
        self._choice("causality.root_cause", root_cause, ROOT_CAUSE)
        explains = self._string_list(table, "explains", prefix="causality.")
        for index, other in enumerate(explains):
            if not ID_RE.match(other):
                self.error(f"causality.explains[{index}]", f"{other!r} is not a kebab-case id")
        flags = {}
        for key in CAUSALITY_FLAGS:
            flag = table.get(key, False)
            if not isinstance(flag, bool):
                self.error(f"causality.{key}", "must be true or false")
                flag = False
            flags[key] = flag
        return Causality(depth=depth, root_cause=root_cause, explains=frozenset(explains), **flags)

    def _blocks(self, value: Any, prefix: str) -> list[MatchBlock] | None:
        key = f"{prefix}match"
        if value is None:
            self.error(key, "missing required [[indication.match]] table")
            return None
        if not isinstance(value, list) or not value or not all(isinstance(item, dict) for item in value):
            self.error(key, "must be one or more [[indication.match]] tables")
            return None
        blocks: list[MatchBlock] = []
        for index, table in enumerate(value):
            where = f"{key}[{index}]."
            self._unknown_keys(table, MATCH_KEYS, where)
            source = self._string(table, "regex", required=True, prefix=where)
            literal = self._string(table, "literal", prefix=where)
            if source is None:
                continue
            try:
                compiled = regex.compile(source)
            except (regex.error, ValueError) as error:
                self.error(f"{where}regex", f"does not compile: {error}")
                continue
            if compiled.search("") is not None:
                self.error(f"{where}regex", "matches the empty string, so it would fire on every record")
                continue
            blocks.append(MatchBlock(compiled, literal, literal or derive_literal(source)))
        return blocks if len(blocks) == len(value) else None

    def _doc(self, value: Any, prefix: str) -> PatternDoc | None:
        table = self._table(value, prefix.rstrip("."))
        if table is None:
            return None
        self._unknown_keys(table, DOC_KEYS, prefix)
        what = self._string(table, "what_it_detects", required=True, prefix=prefix)
        why = self._string(table, "why_builds_fail", required=True, prefix=prefix)
        references = self._string_list(table, "references", prefix=prefix)
        fix = self._fix(table.get("fix"), f"{prefix}fix")
        if what is None or why is None or fix is None:
            return None
        return PatternDoc(what, why, fix, tuple(references))

    def _fix(self, value: Any, key: str) -> Fix | None:
        if isinstance(value, str) and value.strip():
            return Fix(value)
        table = self._table(value, key)
        if table is None:
            return None
        self._unknown_keys(table, FIX_KEYS, f"{key}.")
        text = self._string(table, "text", required=True, prefix=f"{key}.")
        sh = self._string(table, "sh", prefix=f"{key}.")
        powershell = self._string(table, "powershell", prefix=f"{key}.")
        return Fix(text, sh, powershell) if text else None

    def _examples(self, value: Any, prefix: str) -> tuple[list[str], list[str]]:
        table = self._table(value, f"{prefix}examples")
        if table is None:
            return [], []
        self._unknown_keys(table, EXAMPLE_KEYS, f"{prefix}examples.")
        matches = self._string_list(table, "match", required=True, prefix=f"{prefix}examples.")
        no_matches = self._string_list(table, "no_match", prefix=f"{prefix}examples.")
        return matches, no_matches

    def _both_ways(self, blocks: list[MatchBlock], matches: list[str], no_matches: list[str],
                   prefix: str) -> list[MatchBlock]:
        """lnav-style: every example matches, every regex is exercised, literals hold, no_match stays silent."""
        hits: list[list[str]] = [[] for _ in blocks]
        for index, line in enumerate(matches):
            matched = [b for b, block in enumerate(blocks) if block.regex.search(line)]
            if not matched:
                self.error(f"{prefix}examples.match[{index}]", f"no [[indication.match]] regex matches {line!r}")
            for b in matched:
                hits[b].append(line)
        for index, line in enumerate(no_matches):
            for b, block in enumerate(blocks):
                if block.regex.search(line):
                    self.error(f"{prefix}examples.no_match[{index}]", f"match[{b}].regex matches {line!r}")
        checked: list[MatchBlock] = []
        for b, block in enumerate(blocks):
            if not hits[b]:
                self.error(f"{prefix}match[{b}].regex", "no examples.match line exercises this regex")
            if block.literal:
                for line in hits[b]:
                    if block.literal not in line:
                        self.error(f"{prefix}match[{b}].literal", f"{block.literal!r} is not in matching example {line!r}")
            prefilter = block.prefilter
            if prefilter and not block.literal and any(prefilter not in line for line in hits[b]):
                prefilter = None  # a derived literal that does not hold is dropped, never trusted
            checked.append(MatchBlock(block.regex, block.literal, prefilter))
        return checked
