"""The compile lines of sccache's debug log, as sccache writes them (src/server.rs,
src/compiler/compiler.rs, src/compiler/c.rs; 0.8 to 0.16).

    parse_arguments: Ok: ["--crate-name", "util", ...]
    parse_arguments: CannotCache(crate-type, bin): ["--crate-name", "app", ...]
    parse_arguments: NotCompilation: ["--version"]
    [util]: get_cached_or_compile: ["--crate-name", "util", ...]
    [util]: generate_hash_key took 0.012 s
    [util]: Hash key: c975c0be4aaa281f...
    [util]: Cache hit in 0.000 s          | Cache miss in | Cache none in | Cache recache in
    [util]: Cache read error: ... in 0.1 s | Cache timed out 60.000 s
    [util]: Compiled in 0.078 s, storing in cache | but not cacheable | but failed, ...
    [util]: compile result: cache hit     | cache miss | not cached | not cacheable | compile failed | cache error
    stats after compile result: ServerStats { compile_requests: 5, ... }
    compile result: cache hit             (sccache <= 0.10: no subject)
    Preprocessor cache miss: <key>        | Preprocessor cache hit: <key>
    Include file /src/gen.h is too new
    generate_hash_key: Cannot use preprocessor cache because of "-M"

The bracketed subject is what sccache calls the output: the crate name for rustc, the object
file for C and C++. The preprocessor lines carry no subject; they belong to the compile of the
same task, the latest one still computing its key.
"""

from __future__ import annotations

import re
from typing import NamedTuple

PARSED = re.compile(r"^parse_arguments: (?:(?P<ok>Ok)|CannotCache\((?P<why>.*?)\)|(?P<not>NotCompilation)): (?P<args>\[.*)$",
                    re.DOTALL)
SUBJECT = re.compile(
    r"^\[(?P<subject>[^\]\n]+)\]: (?P<what>get_cached_or_compile: |generate_hash_key took |Hash key: "
    r"|Cache (?:hit|miss|none|recache) in |Cache read error: |Cache timed out |Compiled in "
    r"|compile result: |Stored in cache successfully|preprocessor failed|process error)(?P<rest>.*)$",
    re.DOTALL)
PREPROCESSOR = re.compile(
    r"^(?:Preprocessor cache (?P<pp>miss|hit): "
    r"|Include file (?P<new>.+) is too new$"
    r"|generate_hash_key: Cannot use preprocessor cache because of (?P<hard>.+)$)")
STATS = re.compile(r"^stats after compile result: ServerStats \{(?P<body>.*)\}\s*$", re.DOTALL)
SECONDS = re.compile(r"(?P<s>\d{1,9}(?:\.\d{1,9})?) s\b")

# First characters of every message above: one cheap test rejects the other lines.
FIRST = ("[", "parse_arguments: ", "compile result: ", "Preprocessor cache ", "Include file ", "generate_hash_key: ",
         "stats after compile result")

# For the fast scan (hyperscan syntax): the lines this package reads.
SCAN_EXPRESSIONS = (
    r"\] parse_arguments: (?:Ok|CannotCache)",
    r"\]: (?:get_cached_or_compile|Hash key|Cache (?:hit|miss|none|recache|read error|timed out)"
    r"|Compiled in|compile result|generate_hash_key took|preprocessor failed|process error)",
    r"\] (?:Preprocessor cache (?:miss|hit)|Include file |generate_hash_key: Cannot use preprocessor)",
    r"\] stats after compile result: ",
    r"\] compile result: ",
)


class Line(NamedTuple):
    """What one compile line says: `what` (parsed, request, hash-time, key, lookup,
    compiled, result, stored, failed, preprocessor, stats), the subject where it has one,
    and the rest of the line."""

    what: str
    subject: str | None
    value: str
    extra: str | None = None


_SUBJECT_WHAT = {
    "get_cached_or_compile: ": "request", "generate_hash_key took ": "hash-time", "Hash key: ": "key",
    "Compiled in ": "compiled", "compile result: ": "result", "Stored in cache successfully": "stored",
    "preprocessor failed": "failed", "process error": "failed",
}


def read(text: str) -> Line | None:
    """The compile line in a record's message, or None (cheaply, for most records)."""
    if not text.startswith(FIRST):
        return None
    if text[0] == "[":
        match = SUBJECT.match(text)
        if match is None:
            return None
        what, rest = match["what"], match["rest"]
        if what.startswith("Cache "):
            outcome = what[6:].split(" ", 1)[0]  # hit miss none recache read timed
            return Line("lookup", match["subject"], outcome, rest)
        return Line(_SUBJECT_WHAT[what], match["subject"], rest.strip())
    if text.startswith("compile result: "):  # sccache <= 0.10 names no subject
        return Line("result", None, text[16:].split("\n", 1)[0].strip())
    match = PARSED.match(text)
    if match:
        if match["not"]:
            return Line("not-compilation", None, match["args"])
        return Line("parsed", None, match["args"], None if match["ok"] else match["why"])
    match = PREPROCESSOR.match(text.split("\n", 1)[0])
    if match:
        if match["pp"]:
            return Line("preprocessor", None, "pp-" + match["pp"])
        if match["new"]:
            return Line("preprocessor", None, "too-new", match["new"])
        return Line("preprocessor", None, "too-hard", match["hard"].strip().strip('"'))
    match = STATS.match(text)
    if match:
        return Line("stats", None, match["body"])
    return None


def seconds(text: str) -> float | None:
    """`0.078 s` in a line's rest, as seconds."""
    match = SECONDS.search(text)
    return float(match["s"]) if match else None
