"""cargo's configuration file, `.cargo/config.toml` (or the legacy `.cargo/config`).

    [build]
    rustc-wrapper = "sccache"

One record per leaf key (`build.rustc-wrapper`). A wrapper set here runs even when
`RUSTC_WRAPPER` is unset, which is why the file matters to a post-mortem.
Facts: `rustc_wrapper_config` (build.rustc-wrapper) and `cargo_http_proxy` (http.proxy).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from analyzer.parsers import Item, register
from analyzer.parsers._toml import settings, toml_shape
from analyzer.records import Fact, Record

KIND = "cargo-config"

# `[build]`, `[target.x86_64-pc-windows-msvc]`, `[alias]`, `[registries.x]`, `[source.crates-io]`, `[net]`, `[http]`
CARGO_TABLE = re.compile(r"^\s*\[(?P<table>build|target\.|alias|registries|registry|source\.|net|http|env|term|cargo-new|install|future-incompat-report|unstable)", re.M)
# `rustc-wrapper = "sccache"` (also as a dotted key: `build.rustc-wrapper = ...`)
WRAPPER_KEY = re.compile(r"^\s*(?:build\.)?rustc-(?:workspace-)?wrapper\s*=", re.M)
# Cargo.toml manifests: not ours
MANIFEST_TABLE = re.compile(r"^\s*\[(?:package|workspace|dependencies|dev-dependencies|build-dependencies|lib|\[bin\]|features)\]", re.M)
# sccache config heads
SCCACHE_HEADS = re.compile(r"^\s*(?:\[cache\.|\[dist\]|server_startup_timeout_ms\s*=)", re.M)
FACT_KEYS = {"build.rustc-wrapper": "rustc_wrapper_config", "http.proxy": "cargo_http_proxy"}


@register
class CargoConfigParser:
    kind = KIND

    def sniff(self, head: str, name: str) -> float:
        if not toml_shape(head):
            return 0.0
        if MANIFEST_TABLE.search(head) or SCCACHE_HEADS.search(head):
            return 0.1
        if WRAPPER_KEY.search(head) or re.search(r"^\s*\[build\]", head, re.M):
            return 0.9
        tables = {match["table"] for match in CARGO_TABLE.finditer(head)}
        if tables:
            return min(0.9, 0.7 + 0.1 * (len(tables) - 1))
        return 0.0

    def parse(self, lines: Iterable[str], source: str) -> Iterator[Item]:
        line = None
        for item in settings(lines, source, KIND):
            if not isinstance(item, tuple):
                line = item.line if isinstance(item, Record) else line
                yield item
                continue
            key, value = item
            if key in FACT_KEYS:
                yield Fact(FACT_KEYS[key], value, source, line)
