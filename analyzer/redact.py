"""Take secrets out of everything a report carries, before any rendering.

Names stay visible, values become `«redacted»`: `AWS_SECRET_ACCESS_KEY=«redacted»`,
`ALIBABA_CLOUD_ACCESS_KEY_SE... «redacted»` (a PowerShell `Get-ChildItem env:` row),
`http://user:«redacted»@proxy:8080`. The report's `redactions` says how many values went and of
which kinds. Ordinary values next to secret-sounding names stay (`SCCACHE_OSS_KEY_PREFIX=acme`,
`SCCACHE_S3_NO_CREDENTIALS=true`, `Hash key: 5f3c…`): a report nobody can read helps no one.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import regex

MASK = "«redacted»"

# Names whose value is a secret: AWS_SECRET_ACCESS_KEY, SCCACHE_REDIS_PASSWORD, CARGO_REGISTRY_TOKEN,
# ALIBABA_CLOUD_ACCESS_KEY_SECRET, cache.s3.secret_access_key, Authorization, CI_JOB_JWT
SECRET_NAME = regex.compile(
    r"(?i)(?:SECRET|PASSWORD|PASSWD|PASSPHRASE|TOKEN|CREDENTIAL|PRIVATE_KEY|ACCESS_KEY(?!_ID)|API_KEY"
    r"|(?:^|[_.\-])AUTH(?:[_.\-]|$)|AUTHORIZATION|SIGNATURE|CONNECTION_STRING|SESSION_KEY|SAS_KEY|JWT)")
# Names that sound secret but hold a switch, a location or an identifier: SCCACHE_S3_NO_CREDENTIALS
BENIGN_NAME_END = ("_FILE", "_PATH", "_DIR", "_URL", "_ENABLED", "_NO_CREDENTIALS", "_PREFIX", "_ID",
                   "_TYPE", "_MODE", "_HELPER", "_PROVIDER", "_PROCESS", "_EXPIRATION", "_EXPIRY")
# `*_KEY` names (SCCACHE_AZURE_KEY, OSS_KEY) are secret only when the value looks like a key.
KEY_NAME = regex.compile(r"(?i)[a-z0-9][_.\-]KEY$")
KEY_LIKE = regex.compile(r"^(?=.*\d)(?=.*[A-Za-z])[A-Za-z0-9+/=_\-]{16,}$")
PLACEHOLDERS = frozenset({"", "none", "null", "nil", "true", "false", "yes", "no", "0", "1", "-", "***",
                          "unset", "<unset>", "(none)", "bearer", "basic", "some", "redacted", MASK.lower()})
# NAME=value, NAME: value, "NAME": "value", NAME = "value" (TOML), $env:NAME = "value",
# NAME   value (PowerShell table), NAME_SE... value (PowerShell truncates long names with `...`)
# Documentation placeholders, not values: `AWS_SECRET_ACCESS_KEY=...`, `<secret>`, `xxxx`, `YOUR_TOKEN`
PLACEHOLDER = regex.compile(r"(?i)^(?:\.{2,}|…|<[^<>]*>|x{3,}|\*+|your[_\-].*|\{\{.*\}\}|«[^»]*»)$")
ASSIGNMENT = regex.compile(
    r"""(?P<name>(?:\$env:)?\b[A-Za-z_][A-Za-z0-9_.\-]*?)"""
    r"""(?P<sep>(?:\.\.\.|…)\s+|"?\s*[=:]\s*"?|\s{2,})"""
    r"""(?P<value>"[^"\n]*"|'[^'\n]*'|[^\s"',;}\]]+)""")
RULES = (
    # -----BEGIN RSA PRIVATE KEY----- … -----END RSA PRIVATE KEY-----
    ("private-key", regex.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----")),
    # AKIAIOSFODNN7EXAMPLE
    ("aws-access-key-id", regex.compile(r"\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}\b")),
    # LTAI5tGq7Xw2ZsKd9VbN4pRm
    ("alibaba-access-key-id", regex.compile(r"\bLTAI[A-Za-z0-9]{12,30}\b")),
    # http://user:pass@proxy:8080
    ("url-credentials", regex.compile(r"(?<=\b[a-zA-Z][a-zA-Z0-9+.\-]*://[^\s/:@]*:)[^\s/@]+(?=@)")),
    # Authorization: Bearer eyJhbGciOi…
    ("bearer-token", regex.compile(r"(?i)(?<=\bbearer\s+)[A-Za-z0-9\-._~+/]{8,}=*")),
    # Authorization: Basic dXNlcjpwYXNz
    ("basic-auth", regex.compile(r"(?i)(?<=\bbasic\s+)(?=[A-Za-z0-9+/]*\d)[A-Za-z0-9+/]{8,}=*")),
    # https://bucket.s3.amazonaws.com/k?X-Amz-Signature=abc&…, OSS ?OSSAccessKeyId=…&Signature=…
    ("signed-url-parameter", regex.compile(
        r"(?i)(?<=[?&](?:X-Amz-Signature|X-Amz-Credential|X-Amz-Security-Token|Signature|sig|token|"
        r"OSSAccessKeyId|AWSAccessKeyId|access_token|security-token|x-oss-signature|x-oss-credential|"
        r"x-oss-security-token)=)[^&\s\"'#]+")),
    # ghp_…, github_pat_…
    ("github-token", regex.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})\b")),
)


def secret_value(name: str, value: str) -> bool:
    """Whether `value`, held under `name`, is a secret worth hiding."""
    bare = value.strip().strip("\"'").strip()
    if bare.lower() in PLACEHOLDERS or PLACEHOLDER.match(bare) or MASK in bare or bare.startswith(("$", "%", "${")):
        return False
    name = name.removeprefix("$env:").rstrip(".…")
    if name.upper().endswith(BENIGN_NAME_END):
        return False
    if SECRET_NAME.search(name):
        return True
    return bool(KEY_NAME.search(name) and KEY_LIKE.match(bare))


# `Failed to fetch IAM credentials: failed to read IAM role response`: a sentence that goes on
# after a lower-case word, not a `name: value` pair.
PROSE_NAME = regex.compile(r"^[a-z]+$")
PROSE_VALUE = regex.compile(r"^[a-z]+$")
PROSE_GOES_ON = regex.compile(r"^ [a-z]+ [a-z]+")


def _prose(match, text: str) -> bool:
    return bool(PROSE_NAME.match(match.group("name")) and match.group("sep") == ": "
                and PROSE_VALUE.match(match.group("value")) and PROSE_GOES_ON.match(text[match.end("value"):]))


class Redactor:
    """Counts what it hides, by kind, so the report can say so."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()

    def text(self, value: str) -> str:
        if not value or value == MASK:
            return value
        for kind, pattern in RULES:
            value = pattern.sub(lambda m, k=kind: self._mask(k, m.group(0)), value)
        return self._assignments(value)

    def field(self, name: str, value: Any) -> Any:
        """A dict entry: a secret-named key hides its whole string value."""
        if isinstance(value, str) and secret_value(name, value):
            self.counts["secret-field"] += 1
            return MASK
        return self.walk(value)

    def walk(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.walk(v) for v in value]
        if isinstance(value, dict):
            return {k: self.field(k, v) for k, v in value.items()}
        return value

    def _assignments(self, text: str) -> str:
        # Overlapped search: `config: SECRET=x` must not hide `SECRET=x` inside a harmless match.
        spans: list[tuple[int, int, str]] = []
        end = 0
        for match in ASSIGNMENT.finditer(text, overlapped=True):
            start = match.start("value")
            if start < end or not secret_value(match.group("name"), match.group("value")):
                continue
            if _prose(match, text):
                continue
            value = match.group("value")
            quoted = len(value) > 1 and value[0] in "\"'" and value[-1] == value[0]
            span = (start + 1, match.end("value") - 1) if quoted else (start, match.end("value"))
            spans.append((span[0], span[1], "secret-variable"))
            end = match.end("value")
        if not spans:
            return text
        out, last = [], 0
        for start, stop, kind in spans:
            out.append(text[last:start])
            out.append(self._mask(kind, text[start:stop]))
            last = stop
        out.append(text[last:])
        return "".join(out)

    def _mask(self, kind: str, found: str) -> str:
        if found == MASK:
            return found
        self.counts[kind] += 1
        return MASK


def redact_text(text: str) -> str:
    """One string, redacted (for callers outside the report, such as batch summaries)."""
    return Redactor().text(text)


def redact_report(report: dict) -> dict:
    """Return a redacted copy of a report dict with its `redactions` summary filled in."""
    redactor = Redactor()
    body = {k: v for k, v in report.items() if k != "redactions"}
    clean = redactor.walk(body)
    clean["redactions"] = {"count": sum(redactor.counts.values()), "kinds": sorted(redactor.counts)}
    return clean
