"""Every indication that matched becomes a finding; the leading one's overrides come along."""

from __future__ import annotations

from analyzer.diagnose import rule
from analyzer.diagnose.context import SEVERITY_CONFIDENCE, Context
from analyzer.diagnose.model import Evidence

SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}


@rule("pattern-matches", ids=())
def findings_from_matches(ctx: Context) -> None:
    """Lifts matches into findings; other rules weigh them against each other.

    When several indications of one ID fired, the most severe one leads (the first in its
    file on a tie): its title, role, severity and fix are the finding's.
    """
    for pattern_id, matches in sorted(ctx.matches_by_id.items()):
        indications = [ctx.library.indication(m.signature) for m in matches]
        ranked = sorted((SEVERITY_RANK.get(p.severity, 9), ctx.library.library.patterns.index(p), p)
                        for p in dict.fromkeys(i for i in indications if i is not None))
        lead = ranked[0][2] if ranked else None
        severity = lead.severity if lead is not None else "warning"
        confidence = SEVERITY_CONFIDENCE.get(severity, 0.45)
        sources = sorted({m.record.source for m in matches})
        capped = ctx.scan is not None and any(ctx.scan.capped(s, pattern_id) for s in sources)
        count = f"more than {len(matches)}" if capped else str(len(matches))
        finding = ctx.add(pattern_id, confidence=confidence,
                          reason=f"{count} matching line(s) in {len(sources)} file(s)",
                          evidence=[Evidence.headline(m.record) for m in matches[:8]],
                          signature=lead.name if lead is not None else None)
        for match in matches:
            for key, value in match.captures:
                finding.captures.setdefault(key, value)
