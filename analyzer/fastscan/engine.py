"""One hyperscan database per set of live expressions; scanning a block returns hit ends.

Expressions are compiled in byte mode (`\\s`, `\\d`, `\\w` are ASCII classes, where Python's
are Unicode: a line whose only separator is a non-ASCII space could be missed) and in
prefilter mode (lookarounds and the like widened, so hyperscan reports a superset of
the regex's lines). The UTF-8/Unicode modes were measured at 10x the compile time
(1.2 s against 0.13 s for the built-in library) for no practical gain in a log.

A database takes 0.05-0.3 s to compile, so one is built only for a big bundle, and a
smaller one (without spent owners) only once enough of their hits were skipped to pay
for it (`RECOMPILE_AFTER`). Compiled databases are stored in the user's cache folder
(`library_cache`), so after the first run either costs microseconds to load.
"""

from __future__ import annotations

import hashlib
import platform
import re

import hyperscan

from analyzer import library_cache
from analyzer.fastscan.expressions import Expression

BASE_FLAGS = hyperscan.HS_FLAG_MULTILINE | hyperscan.HS_FLAG_PREFILTER
# ~0.5 µs per skipped hit in Python against a compile the first time (~0.1 s) and a load
# from the cache folder after that.
RECOMPILE_AFTER = 20_000


def _flags(expression: Expression) -> int:
    flags = BASE_FLAGS
    if expression.caseless:
        flags |= hyperscan.HS_FLAG_CASELESS
    if expression.dotall:
        flags |= hyperscan.HS_FLAG_DOTALL
    return flags


def _source(expression: Expression) -> bytes:
    return re.escape(expression.pattern) if expression.literal else expression.pattern


def compiled(expressions: list[Expression]) -> hyperscan.Database | None:
    """The database of all `expressions`, or None if hyperscan refuses one of them."""
    try:
        return _compile(expressions, list(range(len(expressions))))
    except hyperscan.error:
        return None


def _compile(expressions: list[Expression], ids: list[int]) -> hyperscan.Database:
    """Compiled once per set of expressions and kept in the user's cache folder (compiling
    costs ~0.1 s each time; loading a stored database, microseconds)."""
    sources, flags = [_source(e) for e in expressions], [_flags(e) for e in expressions]
    name = _stored_name(sources, flags, ids)
    database = _load(name)
    if database is not None:
        return database
    database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    database.compile(expressions=sources, ids=ids, elements=len(expressions), flags=flags)
    try:
        library_cache.write_blob(name, hyperscan.dumpb(database))
    except hyperscan.error:
        pass
    return database


def _stored_name(sources: list[bytes], flags: list[int], ids: list[int]) -> str:
    digest = hashlib.sha256(f"{getattr(hyperscan, '__version__', '')}\0{platform.machine()}\0".encode())
    for source, flag, index in zip(sources, flags, ids, strict=True):
        digest.update(f"{flag}\0{index}\0{len(source)}\0".encode() + source)
    return f"hyperscan-{digest.hexdigest()[:32]}.db"


def _load(name: str) -> hyperscan.Database | None:
    data = library_cache.read_blob(name)
    if not data:
        return None
    try:
        database = hyperscan.loadb(data, hyperscan.HS_MODE_BLOCK)
        database.scratch = hyperscan.Scratch(database)
    except Exception:  # another hyperscan build or a damaged file: compile afresh
        return None
    return database


class Matcher:
    """The expressions of one kind. `scan(block, live)` returns the hits of the expressions
    whose index is in `live`; the database scanned may hold more (see `RECOMPILE_AFTER`)."""

    def __init__(self, expressions: list[Expression], database: hyperscan.Database) -> None:
        """`database`: all of `expressions`, compiled by `compiled` (which also said they compile)."""
        self.expressions = expressions
        self.owners = [e.owner for e in expressions]
        self._compiled = frozenset(range(len(expressions)))
        self._databases: dict[frozenset[int], hyperscan.Database | None] = {self._compiled: database}
        self._skipped = 0

    def scan(self, block, live: frozenset[int]) -> list[tuple[int, int]]:
        """(expression index, end offset) of every live hit, in the order hyperscan reports them."""
        if self._skipped > RECOMPILE_AFTER and live != self._compiled:
            self._compiled, self._skipped = live, 0
        database = self._database(self._compiled)
        if database is None:
            return []
        hits: list[tuple[int, int]] = []
        append = hits.append
        database.scan(block, match_event_handler=lambda index, start, end, flags, context: append((index, end)))
        if len(live) < len(self._compiled):
            kept = [hit for hit in hits if hit[0] in live]
            self._skipped += len(hits) - len(kept)
            return kept
        return hits

    def _database(self, live: frozenset[int]) -> hyperscan.Database | None:
        if live not in self._databases:
            ids = sorted(live)
            self._databases[live] = _compile([self.expressions[i] for i in ids], ids) if ids else None
        return self._databases[live]
