"""The first stage of diagnosis: every indication that matched becomes a finding.

When several indications of one ID fired, the most severe one leads (the first in its file
on a tie): its title, role, severity, confidence and fix are the finding's.
"""

from __future__ import annotations

from analyzer.diagnose import confidence as scale
from analyzer.diagnose.context import Context
from analyzer.diagnose.model import Evidence
from analyzer.patterns.library import Library
from analyzer.patterns.model import Pattern

SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}


def lead(indications: list[Pattern], library: Library) -> Pattern | None:
    """The indication whose overrides the finding takes."""
    ranked = sorted(set(indications), key=lambda p: (SEVERITY_RANK.get(p.severity, 9), library.position(p.name)))
    return ranked[0] if ranked else None


def lift_matches(ctx: Context) -> None:
    """Contribute one finding per matched ID (reason: how many lines in how many files)."""
    for pattern_id, matches in sorted(ctx.matches_by_id.items()):
        indications = [ctx.knowledge.indication(m.signature) for m in matches]
        leader = lead([p for p in indications if p is not None], ctx.knowledge.library)
        severity = leader.severity if leader is not None else "warning"
        level = (leader.confidence if leader is not None else None) or scale.BY_SEVERITY.get(severity, "weak")
        sources = sorted({m.record.source for m in matches})
        capped = any(ctx.scan.is_capped(s, pattern_id) for s in sources)
        count = f"more than {len(matches)}" if capped else str(len(matches))
        captures: dict[str, str] = {}
        for match in matches:
            for key, value in match.captures:
                captures.setdefault(key, value)
        ctx.add(pattern_id, confidence=level, reason=f"{count} matching line(s) in {len(sources)} file(s)",
                evidence=[Evidence.headline(m.record) for m in matches[:8]],
                signature=leader.name if leader is not None else None, captures=tuple(captures.items()))
