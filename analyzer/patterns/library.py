"""The compiled pattern library: match records against every indication, prefilter first.

`Library.match(record)` runs one multi-literal pass over `record.text`, then only the
regexes of the blocks whose literal occurs (plus those without one), and only for
patterns whose `applies_to` holds the record's kind.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

from analyzer.patterns.model import Definition, Match, Pattern, PatternError
from analyzer.patterns.prefilter import Finder, best_finder
from analyzer.records import Record

BlockRef = tuple[int, int]  # (pattern index, block index)


class Library:
    """Validated definitions (one per finding ID), their indications flattened into `patterns`
    for matching, plus the problems found while loading them."""

    def __init__(self, definitions: Iterable[Definition], errors: Iterable[PatternError] = (),
                 finder: Finder | None = None) -> None:
        self.definitions: dict[str, Definition] = {d.id: d for d in sorted(definitions, key=lambda d: d.id)}
        self.patterns: tuple[Pattern, ...] = tuple(p for d in self.definitions.values() for p in d.indications)
        self._by_name = {p.name: p for p in self.patterns}
        self._position = {p.name: i for i, p in enumerate(self.patterns)}
        self.errors: tuple[PatternError, ...] = tuple(errors)
        self._literals = sorted({b.prefilter for p in self.patterns for b in p.blocks if b.prefilter})
        literal_index = {literal: i for i, literal in enumerate(self._literals)}
        self._blocks_by_literal: dict[int, list[BlockRef]] = defaultdict(list)
        self._always: list[BlockRef] = []
        for pi, pattern in enumerate(self.patterns):
            for bi, block in enumerate(pattern.blocks):
                if block.prefilter:
                    self._blocks_by_literal[literal_index[block.prefilter]].append((pi, bi))
                else:
                    self._always.append((pi, bi))
        self._find = finder or best_finder(self._literals)
        self._kinds: dict[str, frozenset[int]] = {}
        for pi, pattern in enumerate(self.patterns):
            for kind in pattern.applies_to:
                self._kinds[kind] = self._kinds.get(kind, frozenset()) | {pi}

    def __len__(self) -> int:
        return len(self.definitions)

    def ids(self) -> list[str]:
        """Every defined finding ID, sorted (rule-only IDs included)."""
        return list(self.definitions)

    def definition(self, finding_id: str) -> Definition | None:
        return self.definitions.get(finding_id)

    def by_id(self, pattern_id: str) -> list[Pattern]:
        """The indications of one ID, in file order."""
        found = self.definitions.get(pattern_id)
        return list(found.indications) if found is not None else []

    def position(self, name: str) -> int:
        """Where the indication `name` stands in the library (file order), for stable tie-breaks."""
        return self._position.get(name, len(self._position))

    def signature(self, name: str) -> Pattern | None:
        """The indication named `name` (`proxy-in-path.tunnel`, or the ID for an unnamed one)."""
        return self._by_name.get(name)

    def literals(self) -> list[str]:
        """The prefilter literals, sorted (e.g. for a `grep -F -f` comparison)."""
        return list(self._literals)

    def match(self, record: Record, prefilter: bool = True) -> list[Match]:
        """Every pattern that fires on `record`, in library order, with its captures."""
        allowed = self._kinds.get(record.kind)
        if not allowed:
            return []
        text = record.text
        if prefilter:
            refs = list(self._always)
            for literal in self._find(text):
                refs.extend(self._blocks_by_literal[literal])
        else:
            refs = [(pi, bi) for pi, p in enumerate(self.patterns) for bi in range(len(p.blocks))]
        by_pattern: dict[int, list[int]] = defaultdict(list)
        for pi, bi in refs:
            if pi in allowed:
                by_pattern[pi].append(bi)
        matches = []
        for pi in sorted(by_pattern):
            pattern = self.patterns[pi]
            for bi in sorted(by_pattern[pi]):
                captures = pattern.blocks[bi].search(text)
                if captures is not None:
                    matches.append(Match(pattern.id, record, captures, pattern.name))
                    break
        return matches

    def scan(self, records: Iterable[Record]) -> Iterator[Match]:
        """Matches for many records, streamed in record order."""
        for record in records:
            yield from self.match(record)
