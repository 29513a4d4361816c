"""One place to ask what the project knows about a finding ID: title, layer, role, causes, fix.

Everything comes from the ID's definition file (`patterns/<id>.toml`); an indication that
fired may refine the title, role, severity, confidence and fix (`signature` names it).
"""

from __future__ import annotations

from analyzer.patterns import Library
from analyzer.patterns.model import Causality, Definition, Fix, Match, Pattern
from analyzer.records import Record

POWERSHELL_OSES = ("windows",)
NO_CAUSALITY = Causality()


class Knowledge:
    def __init__(self, library: Library):
        self.library = library

    # matching is the library's job
    def match(self, record: Record) -> list[Match]:
        return self.library.match(record)

    def definition(self, finding_id: str) -> Definition | None:
        return self.library.definition(finding_id)

    def indication(self, signature: str | None) -> Pattern | None:
        return self.library.signature(signature) if signature else None

    def ids(self) -> list[str]:
        return self.library.ids()

    def title(self, finding_id: str, signature: str | None = None) -> str:
        indication = self.indication(signature)
        if indication is not None:
            return indication.title
        definition = self.definition(finding_id)
        return definition.title if definition is not None else finding_id

    def layer(self, finding_id: str) -> str:
        definition = self.definition(finding_id)
        return definition.layer if definition is not None else "environment"

    def default_role(self, finding_id: str, signature: str | None = None) -> str:
        indication = self.indication(signature)
        if indication is not None:
            return indication.default_role
        definition = self.definition(finding_id)
        return definition.default_role if definition is not None else "contributing"

    def causality(self, finding_id: str) -> Causality:
        definition = self.definition(finding_id)
        return definition.causality if definition is not None else NO_CAUSALITY

    def event_label(self, finding_id: str, signature: str | None = None) -> str:
        indication = self.indication(signature)
        if indication is not None and indication.event:
            return indication.event
        definition = self.definition(finding_id)
        return definition.event if definition is not None and definition.event else finding_id

    def fix(self, finding_id: str, signature: str | None = None) -> Fix | None:
        indication = self.indication(signature)
        if indication is not None:
            return indication.doc.fix
        definition = self.definition(finding_id)
        return definition.doc.fix if definition is not None else None

    def remediation(self, finding_id: str, os_name: str | None, signature: str | None = None) -> list[dict]:
        """Fix steps, the shell matching the bundle's OS first (PowerShell on Windows, sh otherwise)."""
        fix = self.fix(finding_id, signature)
        if fix is None:
            return []
        steps = []
        if fix.text:
            steps.append({"shell": "any", "text": fix.text.strip(), "command": None})
        shells = [("powershell", fix.powershell), ("sh", fix.sh)]
        if os_name not in POWERSHELL_OSES:
            shells.reverse()
        for shell, command in shells:
            if command:
                steps.append({"shell": shell, "text": "", "command": command.strip()})
        return steps
