"""Read the two standalone collector scripts as text: their layout, their rules, and the
PowerShell redaction replayed in Python (PowerShell does not run where the tests run)."""

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


class Ps1Rules:
    """collect.ps1's Protect-Text, step for step, on its own regex texts."""

    MASK = "\u00abredacted\u00bb"

    def __init__(self) -> None:
        self.words = re.compile(ps1_value("SecretWords"))
        self.benign = re.compile(ps1_value("BenignEnd"))
        self.assignment = re.compile(ps1_value("Assignment"))
        self.url = re.compile(ps1_value("UrlCredentials"))
        self.bearer = re.compile(ps1_value("Bearer"))

    def secret(self, name: str) -> bool:
        upper = name.upper()
        return bool(self.words.search(upper)) and not self.benign.search(upper)

    def _url(self, m: re.Match) -> str:
        text = m.group(0)
        colon = text.index(":", text.index("://") + 3)
        return text[:colon + 1] + self.MASK + "@"

    def _bearer(self, m: re.Match) -> str:
        text = m.group(0)
        token = text[6:].lstrip(" \t")
        return text[:len(text) - len(token)] + self.MASK if len(token) >= 8 else text

    def assignments(self, line: str) -> str:
        out, pos = [], 0
        while (m := self.assignment.search(line, pos)) is not None:
            text = m.group(0)
            name = re.match(r"^[A-Za-z_][A-Za-z0-9_.-]*", text).group(0)
            if not self.secret(name):
                out.append(line[pos:m.start() + len(name)])
                pos = m.start() + len(name)
                continue
            sep = re.match(r'^"?[ \t]*[:=][ \t]*"?', text[len(name):]).group(0)
            value = text[len(name) + len(sep):]
            out.append(line[pos:m.start()])
            out.append(name + sep + self.MASK if value != self.MASK else text)
            pos = m.end()
        out.append(line[pos:])
        return "".join(out)

    def protect(self, text: str, env_lines: bool = False) -> str:
        out = []
        for line in text.split("\n"):
            if env_lines and line.find("=") > 0:
                name, value = line.split("=", 1)
                if self.secret(name) and value not in ("", self.MASK):
                    line = f"{name}={self.MASK}"
            line = self.url.sub(self._url, line)
            line = self.bearer.sub(self._bearer, line)
            line = self.assignments(line)
            out.append(line)
        return "\n".join(out)
