"""Unreadable lines in a table: isolated ones are Problems, a long run ends the member.

Table parsers (sockets, processes, env) share this so they give up the same way: after
`GIVE_UP_AFTER` consecutive lines that are not rows, one Problem says so and the rest of
the member is not read (it is not the table we thought).
"""

from __future__ import annotations

from analyzer.records import Problem

GIVE_UP_AFTER = 20
# Characters of a bad row quoted: enough that a secret on it is whole when the report is redacted.
MAX_QUOTED = 400


class BadRun:
    def __init__(self, source: str, one: str, many: str, quote: bool = True):
        self.source = source
        self.one, self.many = one, many  # "a process row", "process rows"
        # An environment dump's odd line is most often the rest of a value (a wrapped row, a
        # private key's body): it is described, never quoted, so no secret rides in a problem.
        self.quote = quote
        self.pending: list[Problem] = []

    def add(self, number: int, line: str) -> Problem | None:
        """Record a bad line; return the give-up Problem when the run has grown too long."""
        shown = repr(line.strip()[:MAX_QUOTED]) if self.quote else f"a line of {len(line.strip())} characters"
        self.pending.append(Problem(self.source, number, f"not {self.one}: {shown}"))
        if len(self.pending) < GIVE_UP_AFTER:
            return None
        first = self.pending[0].line
        self.pending = []
        return Problem(self.source, first, f"gave up after {GIVE_UP_AFTER} consecutive lines that are not {self.many}")

    def clear(self) -> None:
        """A line that is neither a row nor bad (a header, a title) ends the run silently."""
        self.pending = []

    def flush(self) -> list[Problem]:
        """A good row ended the run: the isolated bad lines become Problems."""
        out, self.pending = self.pending, []
        return out
