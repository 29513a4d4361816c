"""Every signature that matched becomes a finding with its pattern's default role."""

from __future__ import annotations

from analyzer.diagnose import rule
from analyzer.diagnose.context import SEVERITY_CONFIDENCE, Context
from analyzer.diagnose.model import Evidence


@rule("pattern-matches", ids=())
def findings_from_matches(ctx: Context) -> None:
    """What it detects: any single-line signature from patterns/.

    Why builds fail: see each signature's own documentation (`patterns show ID`).
    Fix: each signature's fix. This rule only lifts matches into findings; other rules
    weigh them against each other.
    """
    for pattern_id, matches in sorted(ctx.matches_by_id.items()):
        pattern = ctx.library.pattern(pattern_id)
        confidence = SEVERITY_CONFIDENCE.get(getattr(pattern, "severity", "warning"), 0.45)
        sources = sorted({m.record.source for m in matches})
        capped = ctx.scan is not None and any(ctx.scan.capped(s, pattern_id) for s in sources)
        count = f"more than {len(matches)}" if capped else str(len(matches))
        finding = ctx.add(pattern_id, confidence=confidence,
                          reason=f"{count} matching line(s) in {len(sources)} file(s)",
                          evidence=[Evidence.headline(m.record) for m in matches[:8]])
        for match in matches:
            for key, value in match.captures:
                finding.captures.setdefault(key, value)

