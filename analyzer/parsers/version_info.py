"""Version outputs users paste together: `rustc -vV` / `rustc -V`, `cargo -V` / `cargo -vV`,
`sccache --version`, with or without the shell prompt that ran them.

    rustc 1.95.0 (59807616e 2026-04-14)      <- header: starts a block for `rustc`
    binary: rustc                            <- `key: value` lines belong to the open block
    host: x86_64-unknown-linux-gnu
    release: 1.95.0
    sccache 0.16.0

A block is held until it ends (a new header, a prompt, a blank line or the end) so that the
`release:` record of a complete `rustc -vV` block (one with `host:` and `release:`) can carry
`rustc-version-ok` whatever order the keys came in. Blocks are a few lines long.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from analyzer.parsers import Item, register
from analyzer.records import Fact, Record, fields

KIND = "version-info"
MAX_BLOCK = 40

# rustc 1.95.0 (59807616e 2026-04-14) | cargo 1.95.0-nightly (f2d3ce0bd 2026-03-21) | sccache 0.16.0
HEADER = re.compile(
    r"^(?P<tool>rustc|cargo|sccache|rustup|rustdoc|clippy-driver|cmake|ninja)"
    r"(?: version)? (?P<version>\d+\.\d+(?:\.\d+)?(?:-[\w.]+)?)(?:\s+\((?P<extra>[^)]*)\))?\s*$"
)
# host: x86_64-unknown-linux-gnu | LLVM version: 22.1.2
KEY_VALUE = re.compile(r"^(?P<key>[A-Za-z][\w -]{0,30}?):\s+(?P<value>\S.*?)\s*$")
# PS C:\Users\dev> rustc -vV | $ cargo -V | C:\work>sccache --version
PROMPT = re.compile(r"^(?:PS [^>]*>|[^\s>]*[$#%] |[A-Za-z]:\\[^>]*>)\s*(?P<command>\S.*)?$")

_SNIFF_KEYS = ("binary: rustc", "commit-hash:", "commit-date:", "host:", "release:", "LLVM version:")  # rustc -vV


def os_of(triple: str) -> str | None:
    """`x86_64-pc-windows-msvc` -> windows, `aarch64-apple-darwin` -> macos, `*-linux-*` -> linux."""
    if "windows" in triple:
        return "windows"
    if "apple-darwin" in triple:
        return "macos"
    if "linux" in triple:
        return "linux"
    return None


class _Block:
    """One tool's output: its records so far and the keys seen."""

    def __init__(self, tool: str | None) -> None:
        self.tool = tool
        self.records: list[Record] = []
        self.keys: dict[str, int] = {}


@register
class VersionInfoParser:
    kind = KIND

    def sniff(self, head: str, name: str) -> float:
        lines = [line for line in head.splitlines() if line.strip()]
        if not lines:
            return 0.0
        headers = sum(1 for line in lines if HEADER.match(line))
        keys = sum(1 for line in lines if line.startswith(_SNIFF_KEYS) or KEY_VALUE.match(line))
        prompts = sum(1 for line in lines if PROMPT.match(line))
        if not headers:
            return 0.0
        share = (headers + keys + prompts) / len(lines)
        if share >= 0.8:
            return 0.9
        return 0.5 if share >= 0.5 else 0.0

    def parse(self, lines: Iterable[str], source: str) -> Iterator[Item]:
        block = _Block(None)
        for number, line in enumerate(lines, 1):
            text = line.strip()
            if not text:
                yield from self._close(block, source)
                block = _Block(None)
                continue
            header = HEADER.match(text)
            if header:
                yield from self._close(block, source)
                block = _Block(header["tool"])
                block.records.append(Record(source, KIND, number, line,
                                            fields=fields(tool=header["tool"], version=header["version"])))
                continue
            prompt = PROMPT.match(text)
            if prompt:
                yield from self._close(block, source)
                block = _Block(None)
                yield Record(source, KIND, number, line, fields=fields(command=prompt["command"]))
                continue
            pair = KEY_VALUE.match(text)
            if pair and block.tool and len(block.records) < MAX_BLOCK:
                key = pair["key"]
                version = pair["value"] if key == "release" else None
                block.keys[key] = len(block.records)
                block.records.append(Record(source, KIND, number, line,
                                            fields=fields(tool=block.tool, version=version, key=key, value=pair["value"])))
                continue
            yield from self._close(block, source)
            block = _Block(None)
            yield Record(source, KIND, number, line)
        yield from self._close(block, source)

    def _close(self, block: _Block, source: str) -> Iterator[Item]:
        """Emit a finished block: its records (the `release:` one marked when complete), then facts."""
        complete = block.tool == "rustc" and "host" in block.keys and "release" in block.keys
        for index, record in enumerate(block.records):
            if complete and index == block.keys["release"]:
                record = Record(record.source, record.kind, record.line, record.text,
                                event="rustc-version-ok", fields=record.fields)
            yield record
        if block.records:
            yield from self._facts(block, source)

    def _facts(self, block: _Block, source: str) -> Iterator[Fact]:
        head = block.records[0]
        values = {key: block.records[i].get("value") for key, i in block.keys.items()}
        host = values.get("host")
        release_line = block.records[block.keys["release"]].line if "release" in block.keys else head.line
        if block.tool == "rustc":
            yield Fact("rustc_version", values.get("release") or head.get("version"), source, release_line)
            if host:
                yield Fact("rustc_host", host, source, block.records[block.keys["host"]].line)
        elif block.tool == "cargo":
            yield Fact("cargo_version", values.get("release") or head.get("version"), source, head.line)
        elif block.tool == "sccache":
            yield Fact("sccache_version", head.get("version"), source, head.line)
        if host and os_of(host):
            yield Fact("os", os_of(host), source, block.records[block.keys["host"]].line)
