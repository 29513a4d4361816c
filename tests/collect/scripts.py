"""Read the two standalone collector scripts as text: their layout, their rules and collect.sh's
awk redaction engine (to run it alone on any text)."""

from __future__ import annotations

import re

from tests.collect.machine import SCRIPTS

SH = (SCRIPTS / "collect.sh").read_text(encoding="utf-8")
PS1 = (SCRIPTS / "collect.ps1").read_text(encoding="utf-8")


def norm(key: str) -> str:
    """`F_RUSTC_VERSION`, `RustcVersion`, `rustc_version` -> `rustcversion`."""
    return key.removeprefix("F_").replace("_", "").lower()


def sh_layout() -> dict[str, str]:
    return {norm(k): v for k, v in re.findall(r"^(F_[A-Z_]+)=(\S+)$", SH, re.M)}


def ps1_layout() -> dict[str, str]:
    block = re.search(r"^\$Layout = \[ordered\]@\{(.*?)^\}", PS1, re.M | re.S).group(1)
    return {norm(k): v for k, v in re.findall(r"^\s*(\w+)\s*=\s*'([^']*)'", block, re.M)}


def sh_value(name: str) -> str:
    """A single-quoted or bare assignment at the top of collect.sh."""
    match = re.search(rf"^{name}=(?:'([^']*)'|(\S+))", SH, re.M)
    return match.group(1) if match.group(1) is not None else match.group(2)


def ps1_value(name: str) -> str:
    match = re.search(rf"^\${name} = '([^']*)'", PS1, re.M)
    return match.group(1)


def ps1_double_quoted(name: str) -> str:
    """A double-quoted PowerShell string, with its backtick escapes undone."""
    match = re.search(rf'^\${name} = "((?:[^"`]|`.)*)"', PS1, re.M)
    return re.sub(r"`(.)", r"\1", match.group(1))


def sh_awk_engine() -> str:
    """collect.sh's redaction engine, the awk program it writes to its state folder."""
    return re.search(r"cat >\"\$STATE/redact.awk\" <<'AWK'\n(.*?)\nAWK\n", SH, re.S).group(1) + "\n"


def sh_rule_file() -> str:
    """The rule file collect.sh's `redaction_rules` prints."""
    return re.search(r"^redaction_rules\(\) \{\n    cat <<'RULES'\n(.*?)\nRULES\n\}", SH, re.S | re.M).group(1) + "\n"
