"""Input sanity: a bundle with nothing of sccache, cargo or a build tool in it gets no verdict
about a build (an os-release file is not a healthy build); the summary says what it holds.

Runs on the bundle itself (diagnosis rules see only records), after the diagnosis.
"""

from __future__ import annotations

import re

from analyzer.diagnose.model import Diagnosis

CORE_KINDS = frozenset({"sccache-log", "cargo-output", "build-output", "rustc-info", "sccache-stats",
                        "sccache-config", "cargo-config", "manifest"})
# Kinds that belong to a build only when they name it (an env dump with SCCACHE_*, a process list with sccache).
MENTIONS = re.compile(r"sccache|cargo|rustc|RUSTC_WRAPPER|\bgcc\b|\bclang\b|\bninja\b|\bmake\b|cl\.exe", re.I)
SCAN_RECORDS = 5000


def recognised(artifact, matched: frozenset[str] = frozenset()) -> bool:
    """A build artifact by its kind, by naming the build, or by a finding's evidence in it: lines
    pasted from a build into an issue or a chat (`unknown` text) are still the build's."""
    if artifact.kind in CORE_KINDS:
        return True
    if artifact.path in matched:
        return True
    if artifact.kind in ("env", "processes", "sockets", "version-info", "shell-transcript"):
        return any(MENTIONS.search(r.text) for r in artifact.records[:SCAN_RECORDS])
    return False


def what_it_is(artifact) -> str:
    if artifact.kind == "env":
        return f"{artifact.path} (key=value settings)"
    if artifact.kind == "unknown":
        return f"{artifact.path} (unrecognised text)"
    return f"{artifact.path} ({artifact.kind})"


def apply(bundle, diagnosis: Diagnosis) -> Diagnosis:
    """Mark the diagnosis `nothing-recognised` when no artifact belongs to a build."""
    matched = frozenset(e.source for f in diagnosis.findings for e in f.evidence)
    if any(recognised(a, matched) for a in bundle.artifacts):
        return diagnosis
    instead = [what_it_is(a) for a in bundle.artifacts]
    for finding in diagnosis.findings:
        if finding.role == "root-cause":
            finding.role = "contributing"
    diagnosis.root_cause, diagnosis.layer = None, "none"
    diagnosis.summary = ("Nothing of sccache, cargo or a build tool was found in the bundle"
                         + (f"; it holds {', '.join(instead[:5])}" if instead else "")
                         + (f" and {len(instead) - 5} more file(s)." if len(instead) > 5 else "."))
    if diagnosis.outcome is not None:
        diagnosis.outcome.status = "nothing-recognised"
        diagnosis.outcome.cache.state = "unknown"
        diagnosis.outcome.lead = None
        diagnosis.outcome.candidates = ()
    return diagnosis
