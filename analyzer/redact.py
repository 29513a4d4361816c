"""Take secrets out of everything a report carries, before any rendering.

Names stay visible, values become `«redacted»`: `AWS_SECRET_ACCESS_KEY=«redacted»`,
`http://user:«redacted»@proxy:8080`. The report says how many values of which kinds went.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import regex

MASK = "«redacted»"

# Variable/key names whose value is a secret. e.g. AWS_SECRET_ACCESS_KEY, SCCACHE_REDIS_PASSWORD
SECRET_NAME = regex.compile(
    r"(?i)(?:SECRET|PASSWORD|PASSWD|TOKEN|CREDENTIAL|PRIVATE_KEY|ACCESS_KEY(?!_ID)|API_KEY|AUTH|SIGNATURE"
    r"|CONNECTION_STRING|SESSION_KEY)")
# NAME=value, NAME: value, NAME   value (PowerShell table), "NAME": "value", NAME = "value" (TOML)
ASSIGNMENT = regex.compile(
    r"""(?P<name>\b[A-Za-z_][A-Za-z0-9_.\-]*)(?P<sep>"?\s*[=:]\s*"?|\s{2,})(?P<value>"[^"\n]*"|'[^'\n]*'|[^\s"',;}\]]+)""")
RULES = (
    ("aws-access-key-id", regex.compile(r"\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}\b")),
    ("alibaba-access-key-id", regex.compile(r"\bLTAI[A-Za-z0-9]{12,30}\b")),
    ("url-credentials", regex.compile(r"(?<=[a-z][a-z0-9+.\-]*://[^\s/:@]+:)[^\s/@]+(?=@)")),
    ("bearer-token", regex.compile(r"(?i)(?<=\bbearer\s+)[A-Za-z0-9\-._~+/]{8,}=*")),
    ("signed-url-parameter", regex.compile(
        r"(?i)(?<=[?&](?:X-Amz-Signature|X-Amz-Credential|X-Amz-Security-Token|Signature|sig|se|sv|token|"
        r"OSSAccessKeyId|AWSAccessKeyId|access_token)=)[^&\s\"'#]+")),
    ("private-key", regex.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----")),
    ("github-token", regex.compile(r"\bgh[pousr]_[A-Za-z0-9]{30,}\b")),
)


class Redactor:
    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()

    def text(self, value: str) -> str:
        if not value or MASK == value:
            return value
        for kind, pattern in RULES:
            value = pattern.sub(lambda m, k=kind: self._mask(k, m.group(0)), value)
        return ASSIGNMENT.sub(self._assignment, value)

    def _assignment(self, match: regex.Match) -> str:
        name, value = match.group("name"), match.group("value")
        if not SECRET_NAME.search(name) or value.strip("\"'") in ("", MASK) or MASK in value:
            return match.group(0)
        if name.upper().endswith(("_FILE", "_PATH", "_URL", "_ENABLED", "_NO_CREDENTIALS")):
            return match.group(0)
        quote = value[0] if value[:1] in "\"'" and value[-1:] == value[:1] and len(value) > 1 else ""
        self.counts["secret-variable"] += 1
        return f"{name}{match.group('sep')}{quote}{MASK}{quote}"

    def _mask(self, kind: str, found: str) -> str:
        if found == MASK:
            return found
        self.counts[kind] += 1
        return MASK

    def walk(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.walk(v) for v in value]
        if isinstance(value, dict):
            return {k: self.walk(v) for k, v in value.items()}
        return value


def redact_report(report: dict) -> dict:
    """Return a redacted copy of a report dict with its `redactions` summary filled in."""
    redactor = Redactor()
    body = {k: v for k, v in report.items() if k != "redactions"}
    clean = redactor.walk(body)
    clean["redactions"] = {"count": sum(redactor.counts.values()), "kinds": sorted(redactor.counts)}
    return clean
