"""Write the one redaction rule set (`analyzer/data/redaction.toml`) into collect.sh and collect.ps1.

The scripts run where no Python is, so they carry the rules as text between two marker lines;
`python -m analyzer.collect.generate` rewrites that text, and `--check` (run by the tests) fails
when a script has drifted from the rule file. For awk the regexes are respelled in what every
awk reads (`{8,}` written out, an upper bound as `*`: awk does not backtrack, and mawk does not
take the longest of many optional atoms; `icase` as `[xX]` classes); .NET reads them as they stand.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from analyzer.redaction_rules import raw

SCRIPTS = Path(__file__).parent
BEGIN = "# ---- redaction rules: generated from analyzer/data/redaction.toml, do not edit ----"
END = "# ---- end of the generated redaction rules ----"
SCALARS = ("mask", "secret_name", "benign_name", "weak_name", "weak_value", "weak_value_min", "assignment",
           "value_stop", "whole_line_name", "placeholder", "pem_begin", "pem_end", "list_name", "list_value",
           "continuation")
RULE_KEYS = ("find", "keep_head", "keep_tail", "only_if", "min")


def _atoms(pattern: str) -> list[str]:
    """Split an ERE into atoms: a bracket expression, an escape, a group marker or one character."""
    atoms, i = [], 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "[":
            j = i + 1
            if j < len(pattern) and pattern[j] == "^":
                j += 1
            if j < len(pattern) and pattern[j] == "]":
                j += 1
            while pattern[j] != "]":
                j += 1
            atoms.append(pattern[i:j + 1])
            i = j + 1
        elif ch == "\\":
            atoms.append(pattern[i:i + 2])
            i += 2
        else:
            atoms.append(ch)
            i += 1
    return atoms


def _fold(atom: str) -> str:
    """One atom matching both cases."""
    if atom.startswith("["):
        body = atom[1:-1]
        negated = body.startswith("^")
        if negated:
            body = body[1:]
        unescaped = re.sub(r"\\.", "", body)
        extra = "".join(f"{a.swapcase()}-{b.swapcase()}"
                        for a, b in re.findall(r"([A-Za-z])-([A-Za-z])", unescaped))
        plain = re.sub(r"[A-Za-z]-[A-Za-z]", "", unescaped)
        extra += "".join(c.swapcase() for c in plain if c.isascii() and c.isalpha() and c.swapcase() not in body)
        return "[" + ("^" if negated else "") + extra + body + "]"
    if len(atom) == 1 and atom.isascii() and atom.isalpha():
        return f"[{atom.upper()}{atom.lower()}]"
    return atom


def for_awk(pattern: str, icase: bool = False) -> str:
    """The same language as `pattern`, in what mawk, gawk, busybox and the one-true-awk read."""
    atoms = _atoms(pattern)
    out: list[str] = []
    groups: list[int] = []  # where each open group starts in `out`
    i = 0
    while i < len(atoms):
        atom = atoms[i]
        if atom == "(":
            groups.append(len(out))
            out.append(atom)
        elif atom == ")":
            start = groups.pop()
            out[start:] = ["".join(out[start:]) + ")"]
        elif atom == "{":
            j = atoms.index("}", i)
            counts = "".join(atoms[i + 1:j]).split(",")
            low = int(counts[0] or 0)
            high = None if len(counts) > 1 and counts[1] == "" else int(counts[-1])
            last = out.pop()
            out.append(last * low + (last + "*" if high is None or high > low else ""))
            i = j
        else:
            out.append(_fold(atom) if icase else atom)
        i += 1
    return "".join(out)


def scalars() -> dict:
    """The rule file's single values, with `assignment` (name then separator) as the scripts match it."""
    data = raw()
    data["assignment"] = data["name"] + data["separator"]
    return data


def sh_rules() -> str:
    """The rule file for collect.sh's awk: a key line, then its value line."""
    data = scalars()
    lines = []
    for key in SCALARS:
        value = str(data[key])
        lines += [key, for_awk(value) if key not in ("mask", "weak_value_min") else value]
    for rule in data["rule"]:
        lines += ["rule", rule["kind"]]
        for key in RULE_KEYS:
            value = rule.get(key, 1 if key == "min" else "")
            icase = bool(rule.get("icase")) and key != "only_if"
            lines += [key, for_awk(str(value), icase) if key != "min" else str(value)]
    # A literal tab: busybox's awk reads `\t` inside a bracket as a backslash and a `t`.
    body = "\n".join(lines).replace("\\t", "\t")
    return f"{BEGIN}\nredaction_rules() {{\n    cat <<'RULES'\n{body}\nRULES\n}}\n{END}"


def _ps1_string(value: str) -> str:
    """A PowerShell single-quoted string that stays ASCII (collect.ps1 must, for 5.1)."""
    ascii_only = "".join(ch if ord(ch) < 128 else f"\\u{ord(ch):04X}" for ch in value)
    return "'" + ascii_only.replace("'", "''") + "'"


def ps1_rules() -> str:
    """The rule set as PowerShell data; non-ASCII characters as .NET regex escapes (`\\u00AB`)."""
    data = scalars()
    lines = [BEGIN, "$RedactionRules = @{"]
    for key in SCALARS:
        if key == "mask":
            continue
        value = data[key]
        lines.append(f"    {key} = {value if isinstance(value, int) else _ps1_string(value)}")
    lines.append("}")
    lines.append("$RedactionSpans = @(")
    for rule in data["rule"]:
        icase = "(?i)" if rule.get("icase") else ""
        fields = [f"kind = {_ps1_string(rule['kind'])}"]
        for key in RULE_KEYS:
            value = rule.get(key, 1 if key == "min" else "")
            if key == "min":
                fields.append(f"min = {int(value)}")
            else:
                fields.append(f"{key} = {_ps1_string((icase if value and key != 'only_if' else '') + str(value))}")
        lines.append("    @{ " + "; ".join(fields) + " }")
    lines.append(")")
    lines.append(END)
    return "\n".join(lines)


def _replace(text: str, block: str) -> str:
    start = text.index(BEGIN)
    stop = text.index(END) + len(END)
    return text[:start] + block + text[stop:]


def expected() -> dict[Path, str]:
    """Each script's text as it must be, with the rule block written from the rule file."""
    sh = SCRIPTS / "collect.sh"
    ps1 = SCRIPTS / "collect.ps1"
    return {sh: _replace(sh.read_text(encoding="utf-8"), sh_rules()),
            ps1: _replace(ps1.read_text(encoding="utf-8"), ps1_rules())}


def main(argv: list[str]) -> int:
    drifted = [path for path, text in expected().items() if path.read_text(encoding="utf-8") != text]
    if "--check" in argv:
        for path in drifted:
            print(f"{path.name}: its redaction rules differ from analyzer/data/redaction.toml "
                  "(run python -m analyzer.collect.generate)", file=sys.stderr)
        return 1 if drifted else 0
    for path, text in expected().items():
        path.write_text(text, encoding="utf-8", newline="\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
