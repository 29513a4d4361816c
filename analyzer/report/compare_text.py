"""`compare --format text`: what explains the candidate's misses, ranked, then the rest."""

from __future__ import annotations

from analyzer.report.render_text import COLOURS, one_line, safe

SUBJECTS_SHOWN = 8
EVIDENCE_SHOWN = 4


def render(result: dict, colour: bool = False) -> str:
    def paint(text: str, name: str) -> str:
        return f"\x1b[{COLOURS[name]}m{text}\x1b[0m" if colour else text

    lines = [paint("Compare: " + safe(result["verdict"], 600), "bold")]
    for label in ("baseline", "candidate"):
        lines.append(f"  {label:<9} {side_line(result[label])}")
    for index, item in enumerate(result["explanations"], 1):
        lines += ["", paint(f"{index}. [{safe(item['id'])}] {safe(item['title'], 300)}", "red")]
        lines.append(f"   explains {item['count']} miss(es): {subjects(item['explains'])}")
        for ev in item["evidence"][:EVIDENCE_SHOWN]:
            lines.append(f"   {safe(ev['side']):<9} {safe(where(ev))}  {safe(ev['text'], 160)}")
        if item["fix"]:
            lines.append(f"   fix: {one_line(item['fix'], 400)}")
    if result["unexplained"]:
        lines += ["", "Misses nothing explains:"]
        lines += [f"  - {safe(u['subject'])} ({safe(u['reason'])}) {safe(u['source'])}:{u['line']}: {safe(u['note'], 200)}"
                  for u in result["unexplained"][:20]]
    if result["not_regressions"]:
        lines += ["", "The same in both runs (not explained by a difference):"]
        lines += [f"  - {safe(u['subject'])}: {safe(u['reason'])} — {safe(u['note'])}" for u in result["not_regressions"][:20]]
    if result["unrelated_differences"]:
        lines += ["", "Differences that explain no miss:"]
        lines += [f"  - [{safe(d['id'])}] {safe(d['title'], 240)}" for d in result["unrelated_differences"]]
    if result["notes"]:
        lines += [""] + [paint("Note: " + safe(n, 300), "dim") for n in result["notes"]]
    return "\n".join(lines) + "\n"


def side_line(side: dict) -> str:
    facts = side["facts"]
    parts = [", ".join(safe(i) for i in side["inputs"])]
    counts = side["compiles"]
    if counts:
        rate = "" if counts["hit_rate"] is None else f", hit rate {counts['hit_rate'] * 100:.0f} %"
        parts.append(f"{counts['requests']} compile requests ({counts['probes']} toolchain probes), {counts['hits']} hits, "
                     f"{counts['not_served']} not served{rate}")
    else:
        parts.append("no debug log")
    if facts.get("sccache_version"):
        parts.append(f"sccache {safe(facts['sccache_version'])}")
    return " · ".join(parts)


def subjects(names: list[str]) -> str:
    shown = ", ".join(safe(n) for n in names[:SUBJECTS_SHOWN])
    return shown + (f", … ({len(names) - SUBJECTS_SHOWN} more)" if len(names) > SUBJECTS_SHOWN else "")


def where(ev: dict) -> str:
    if not ev.get("source"):
        return "(derived)"
    return f"{ev['source']}:{ev['line']}" if ev.get("line") else ev["source"]
