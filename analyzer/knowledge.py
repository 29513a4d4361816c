"""One place to ask what the project knows about a taxonomy ID: title, layer, role, fix.

Signatures (patterns/*.toml) answer first; for IDs only Python rules detect, the taxonomy
data and the rule's documented "Fix:" paragraph answer.
"""

from __future__ import annotations

from functools import cached_property

from analyzer import taxonomy
from analyzer.patterns import Library
from analyzer.patterns.model import Pattern
from analyzer.records import Record

POWERSHELL_OSES = ("windows",)


class Knowledge:
    def __init__(self, library: Library):
        self.library = library

    # matching is the library's job
    def match(self, record: Record):
        return self.library.match(record)

    def pattern(self, finding_id: str) -> Pattern | None:
        found = self.library.by_id(finding_id)
        return found[0] if found else None

    def title(self, finding_id: str) -> str:
        pattern = self.pattern(finding_id)
        if pattern is not None:
            return pattern.title
        entry = taxonomy.load().get(finding_id)
        return entry.title if entry else finding_id

    def layer(self, finding_id: str) -> str:
        entry = taxonomy.load().get(finding_id)
        if entry is not None:
            return entry.layer
        pattern = self.pattern(finding_id)
        return pattern.layer if pattern is not None else "environment"

    def event_label(self, finding_id: str) -> str:
        pattern = self.pattern(finding_id)
        return (pattern.event if pattern is not None and pattern.event else finding_id)

    def remediation(self, finding_id: str, os_name: str | None) -> list[dict]:
        """Fix steps, the shell matching the bundle's OS first (PowerShell on Windows, sh otherwise)."""
        pattern = self.pattern(finding_id)
        if pattern is not None:
            fix = pattern.doc.fix
            text, sh, powershell = fix.text, fix.sh, fix.powershell
        else:
            text, sh, powershell = self.rule_fixes.get(finding_id, ""), None, None
        steps = []
        if text:
            steps.append({"shell": "any", "text": text.strip(), "command": None})
        shells = [("powershell", powershell), ("sh", sh)]
        if os_name not in POWERSHELL_OSES:
            shells.reverse()
        for shell, command in shells:
            if command:
                steps.append({"shell": shell, "text": "", "command": command.strip()})
        return steps

    @cached_property
    def rule_fixes(self) -> dict[str, str]:
        from analyzer.diagnose import load_rules

        fixes: dict[str, str] = {}
        for rule in load_rules().values():
            text = rule.doc.split("Fix:", 1)[1].strip() if "Fix:" in rule.doc else ""
            text = " ".join(text.split())
            for finding_id in rule.ids:
                fixes.setdefault(finding_id, text)
        return fixes
