"""The values a pattern library is made of: one definition per finding ID, its indications
(line signatures), their match blocks, docs, and matches.

All frozen, so a loaded library can be shared between threads and bundles.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import regex

from analyzer.records import Record

Captures = tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class PatternError:
    """One problem in one pattern file, named by file and TOML key (`indication[1].match[0].regex`)."""

    file: str
    key: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.key}: {self.message}"

    def to_json(self) -> dict[str, str]:
        return {"file": self.file, "key": self.key, "message": self.message}


# What a signature is matched against: the head of a record, and a bound on one search's time.
MAX_MATCH_CHARS = 65_536
SEARCH_SECONDS = 0.25


@dataclass(frozen=True, slots=True)
class MatchBlock:
    """One `[[indication.match]]` table. `prefilter` is the literal a record must contain to be
    tried: the block's own `literal`, else one derived from the regex, else None (always tried)."""

    regex: regex.Pattern
    literal: str | None
    prefilter: str | None

    def search(self, text: str) -> Captures | None:
        """Matched on the first `MAX_MATCH_CHARS` of a record, for at most `SEARCH_SECONDS`: a
        signature line is short, and a hostile megabyte line must not hold the analysis."""
        try:
            found = self.regex.search(text, 0, MAX_MATCH_CHARS, timeout=SEARCH_SECONDS)
        except TimeoutError:
            return None
        if found is None:
            return None
        return tuple((name, value) for name, value in found.groupdict().items() if value is not None)


@dataclass(frozen=True, slots=True)
class Fix:
    text: str
    sh: str | None = None
    powershell: str | None = None


@dataclass(frozen=True, slots=True)
class PatternDoc:
    """The ruff-style documentation every finding ID carries (and an indication may refine)."""

    what_it_detects: str
    why_builds_fail: str
    fix: Fix
    references: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Causality:
    """How a finding ID sits in a chain of causes (the `[causality]` table).

    `root_cause`: "yes"; "fallback" (what the user saw: the verdict only when nothing known
    explains it); "never" (a condition, not a failure). `explains`: the IDs it accounts for
    when it is the verdict. `depth`: the tie-break between equally strong causes (deeper first).
    """

    depth: int = 0
    root_cause: str = "yes"
    explains: frozenset[str] = frozenset()
    costly_when_build_succeeds: bool = False
    replayed_failure: bool = False
    contributing_when_failed: bool = False


@dataclass(frozen=True, slots=True)
class Pattern:
    """One indication of a finding ID: a line signature with the values it reports.

    Title, role, severity, confidence, event, artifact kinds and docs are the indication's own
    where its file sets them, else its ID's; `name` is `<id>` or `<id>.<indication name>`.
    """

    id: str
    name: str
    title: str
    status: str
    layer: str
    default_role: str
    severity: str
    applies_to: frozenset[str]
    blocks: tuple[MatchBlock, ...]
    doc: PatternDoc
    examples_match: tuple[str, ...]
    examples_no_match: tuple[str, ...] = ()
    samples: tuple[str, ...] = ()
    event: str | None = None
    confidence: str | None = None
    new_id: bool = False
    path: Path | None = None

    def search(self, text: str) -> Captures | None:
        """Captures of the first block that matches `text`, or None (no prefilter)."""
        for block in self.blocks:
            captures = block.search(text)
            if captures is not None:
                return captures
        return None


@dataclass(frozen=True, slots=True)
class Definition:
    """Everything known about one finding ID: one file `patterns/<id>.toml`.

    `indications` is empty for IDs that only correlation rules detect; `rules` names them.
    `needs` are the artifact kinds whose absence the report lists as keeping this ID from
    being seen.
    """

    id: str
    title: str
    group: str
    layer: str
    default_role: str
    severity: str
    status: str
    doc: PatternDoc
    causality: Causality
    meaning: str
    typical_evidence: str
    indications: tuple[Pattern, ...] = ()
    rules: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()
    applies_to: frozenset[str] = frozenset()
    samples: tuple[str, ...] = ()
    event: str | None = None
    new_id: bool = False
    path: Path | None = None


@dataclass(frozen=True, slots=True)
class Match:
    """An indication that fired on a record, with the named groups it captured.

    `signature` names the indication that fired (`proxy-in-path.tunnel`); its overrides
    (title, role, severity, confidence) travel with it into the finding.
    """

    pattern_id: str
    record: Record
    captures: Captures = ()
    signature: str = ""

    def get(self, name: str, default: str | None = None) -> str | None:
        for key, value in self.captures:
            if key == name:
                return value
        return default
