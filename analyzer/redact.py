"""Take secrets out of everything a report carries, before any rendering or cutting.

Names stay visible, values become `«redacted»`: `AWS_SECRET_ACCESS_KEY=«redacted»`,
`ALIBABA_CLOUD_ACCESS_KEY_SE... «redacted»` (a PowerShell `Get-ChildItem env:` row),
`http://user:«redacted»@proxy:8080`. A secret-named variable loses its whole value, whatever the
value looks like; ordinary values next to secret-sounding names stay (`SCCACHE_OSS_KEY_PREFIX=acme`,
`SCCACHE_S3_NO_CREDENTIALS=true`) and prose stays prose (`IAM credentials: failed to read`).
The rules are data (`analyzer/data/redaction.toml`), shared with the collectors; this module is
the engine that applies them. The report's `redactions` says how many values went, of which kinds.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from analyzer.redaction_rules import Rule, rules

MASK = rules().mask


def is_secret_name(name: str) -> bool:
    """Whether a variable, key or header of this name holds a secret (`$env:` and a PowerShell
    `...` cut stripped)."""
    upper = name.removeprefix("$env:").rstrip(".…").upper()
    r = rules()
    return bool(upper) and bool(r.secret_name.search(upper)) and not r.benign_name.search(upper)


def is_placeholder(value: str) -> bool:
    bare = value.strip()
    return not bare or bare.startswith(MASK) or bool(rules().placeholder.match(bare))


def secret_value(name: str, value: str) -> bool:
    """Whether `value`, held under `name`, is a secret to hide whole."""
    return is_secret_name(name) and not is_placeholder(value.strip().strip("\"'"))


@dataclass
class LineState:
    """What one line tells about the next: inside a private key, after a secret `Name :` of a
    Format-List, inside a wrapped secret table value."""

    pem: bool = False
    list_secret: bool = False
    wrapped: bool = False


class Redactor:
    """Counts what it hides, by kind, so the report can say so."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()

    # ---- text ------------------------------------------------------------------------------
    def text(self, value: str, cut: bool = False) -> str:
        """`cut`: the text is the end of something longer, so a private key's END marker before
        any BEGIN closes a body whose start fell off."""
        if not value or value == MASK:
            return value
        state = LineState(pem=cut and _starts_inside_a_key(value))
        if "\n" not in value and "\r" not in value:
            return self.line(value, state)
        return "".join(self.line(line, state) for line in value.splitlines(keepends=True))

    def line(self, line: str, state: LineState) -> str:
        """One line (its line ending kept), carrying `state` to the next."""
        body = line.rstrip("\r\n")
        ending = line[len(body):]
        return self._line(body, state) + ending

    def _line(self, line: str, state: LineState) -> str:
        r = rules()
        if state.pem:
            end = r.pem_end.search(line)
            if end is None:
                return self._whole(line, "private-key")
            state.pem = False
            return self._whole(line[:end.start()], "private-key") + self._line(line[end.start():], state)
        listed = r.list_name.match(line)
        if listed:
            state.list_secret = is_secret_name(line[listed.end():].strip())
            state.wrapped = False
        elif state.list_secret and (value_head := r.list_value.match(line)) is not None:
            head = value_head.end()
            state.list_secret = False
            state.wrapped = True
            return line[:head] + self._whole(line[head:], "secret-variable")
        elif state.wrapped and r.continuation.match(line):
            return self._whole(line, "secret-variable")
        state.wrapped = False
        line = self._assignments(line, state)
        for rule in r.rules:
            line = self._rule(rule, line)
        begins = list(r.pem_begin.finditer(line))
        if begins and not r.pem_end.search(line, begins[-1].end()):
            state.pem = True
        return line

    def _whole(self, text: str, kind: str) -> str:
        """Everything but the leading blanks of `text` masked."""
        bare = text.strip()
        if not bare or bare == MASK or is_placeholder(bare):
            return text
        lead = len(text) - len(text.lstrip())
        return text[:lead] + self._mask(kind, bare)

    def _rule(self, rule: Rule, line: str) -> str:
        out, last = [], 0
        for match in rule.find.finditer(line):
            found = match.group(0)
            kept = rule.keep_head.match(found) if rule.keep_head else None
            head = kept.end() if kept else 0
            tail_match = rule.keep_tail.search(found, head) if rule.keep_tail else None
            tail = tail_match.start() if tail_match else len(found)
            middle = found[head:tail]
            if (len(middle) < rule.min or MASK in middle or is_placeholder(middle)
                    or (rule.only_if and not rule.only_if.search(middle))):
                continue
            out.append(line[last:match.start() + head])
            out.append(self._mask(rule.kind, middle))
            last = match.start() + tail
        if not out:
            return line
        out.append(line[last:])
        return "".join(out)

    def _assignments(self, line: str, state: LineState) -> str:
        r = rules()
        out, pos, last = [], 0, 0
        while (named := r.name.search(line, pos)) is not None:
            name, name_end = named.group(0), named.end()
            sep = r.separator.match(line, name_end)
            if sep is None and name.endswith("..."):  # `NAME_SE... value`: the dots are the separator
                name, name_end = name[:-3], name_end - 3
                sep = r.separator.match(line, name_end)
            if sep is None or not is_secret_name(name):
                pos = named.end()
                continue
            separator = sep.group(0)
            start, stop = _value_span(line, sep.end(), bool(r.whole_line_name.search(name.upper())))
            value = line[start:stop]
            if r.weak_name.match(name.upper()) and "=" not in separator:
                word = value.split()[0] if value.split() else ""
                if len(word) < r.weak_value_min or not r.weak_value.match(word):
                    pos = sep.end()
                    continue
                stop = start + len(value) - len(value.lstrip()) + len(word)
                value = line[start:stop]
            pos = max(stop, sep.end())
            if not value.strip() or MASK in value or is_placeholder(value.strip("\"'")):
                continue
            lead = len(value) - len(value.lstrip())
            out.append(line[last:start + lead])
            out.append(self._mask("secret-variable", value.strip()))
            last = start + lead + len(value.strip())
            if separator.strip() == "" or "..." in separator or "…" in separator:
                state.wrapped = True  # a table row: its value may go on at the value column
        if not out:
            return line
        out.append(line[last:])
        return "".join(out)

    # ---- structured values ---------------------------------------------------------------------
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
            named = value.get("name")
            if isinstance(named, str) and isinstance(value.get("value"), str) and secret_value(named, value["value"]):
                # {"name": "AWS_SECRET_ACCESS_KEY", "value": "…"}: an env record's fields
                return {k: (self._mask("secret-field", v) if k == "value" else self.field(k, v))
                        for k, v in value.items()}
            return {k: self.field(k, v) for k, v in value.items()}
        return value

    def _mask(self, kind: str, found: str) -> str:
        if found == MASK:
            return found
        self.counts[kind] += 1
        return MASK


def _starts_inside_a_key(text: str) -> bool:
    r = rules()
    end = r.pem_end.search(text)
    begin = r.pem_begin.search(text)
    return end is not None and (begin is None or begin.start() > end.start())


def _value_span(line: str, start: int, whole_line: bool = False) -> tuple[int, int]:
    """Where the value after a secret name lies: inside its quotes (also `Some("…")`, Rust's
    Debug form), else to where a next `NAME=` begins or to the end of the line."""
    rest = line[start:]
    if rest.startswith(("Some(\"", "Some('")):
        start += 5
        rest = line[start:]
    if rest[:1] in ("\"", "'"):
        quote = rest[0]
        i = 1
        while i < len(rest) and rest[i] != quote:
            i += 2 if rest[i] == "\\" else 1
        return start + 1, start + min(i, len(rest))
    stop = None if whole_line else rules().value_stop.search(rest)
    end = start + (stop.start() if stop else len(rest))
    return start, end


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
