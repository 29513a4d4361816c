"""What one bundle says that `compare` needs: the environment that enters sccache's hash or
configuration, versions, the cache, the compile requests, and where each was read."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field

from analyzer.compiles import CompileLog, CompileRow
from analyzer.compiles import args as arglib

# Variables that change what sccache hashes or where it looks; logging and port settings do
# not change a key and are left out.
HASH_ENV = ("RUSTFLAGS", "CARGO_ENCODED_RUSTFLAGS", "CARGO_INCREMENTAL", "CARGO_BUILD_INCREMENTAL",
            "CARGO_BUILD_RUSTFLAGS", "CC", "CXX", "CFLAGS", "CXXFLAGS", "CPPFLAGS", "RUSTC_WRAPPER",
            "RUSTC", "CARGO_TARGET_DIR")
IGNORED_ENV = frozenset({"SCCACHE_LOG", "SCCACHE_ERROR_LOG", "SCCACHE_SERVER_PORT", "SCCACHE_IDLE_TIMEOUT",
                         "SCCACHE_NO_DAEMON", "SCCACHE_STARTUP_NOTIFY", "SCCACHE_LOG_MILLIS"})
SYSTEM_DIRS = ("/usr/", "/opt/", "/lib", "/etc/")
TOOLCHAIN_DIRS = ("/.rustup/", "/.cargo/registry/", "/.cargo/git/")
FACTS = ("sccache_version", "rustc_version", "backend", "bucket", "endpoint", "cache_location", "cache_mode")


@dataclass(frozen=True, slots=True)
class Sourced:
    value: str
    source: str | None
    line: int | None
    text: str = ""

    def where(self) -> str:
        if not self.source:
            return "(derived)"
        return f"{self.source}:{self.line}" if self.line else self.source


@dataclass
class Side:
    label: str
    inputs: list[str]
    env: dict[str, Sourced] = field(default_factory=dict)
    facts: dict[str, Sourced] = field(default_factory=dict)
    compiles: CompileLog | None = None
    root: str | None = None
    root_evidence: Sourced | None = None
    env_files: list[str] = field(default_factory=list)

    @property
    def debug_log(self) -> bool:
        return self.compiles is not None and self.compiles.requests > 0

    def rows(self) -> dict[str, CompileRow]:
        """The last request of each crate or object, keyed for matching across bundles."""
        found: dict[str, CompileRow] = {}
        if self.compiles is None:
            return found
        for row in self.compiles.subjects.values():
            if row.probe:
                continue
            found[match_key(row, self.root)] = row
        return found

    def summary(self) -> dict:
        log = self.compiles
        counts = None
        if self.debug_log and log is not None:
            counts = {"requests": log.requests, "probes": log.probes, "hits": log.count("hit"), "misses": log.count("miss"),
                      "not_served": log.misses, "hit_rate": log.hit_rate}
        return {"inputs": self.inputs, "debug_log": self.debug_log, "compiles": counts,
                "root": self.root,
                "facts": {name: self.facts[name].value for name in FACTS if name in self.facts}}


def match_key(row: CompileRow, root: str | None) -> str:
    """Crates by name (and version, for a registry crate: two versions of one crate in a build
    stay apart); objects by their output path relative to the project."""
    output = row.output
    if output:
        if root and output.startswith(root + "/"):
            output = output[len(root) + 1:]
        return output
    version = _registry_version(row)
    return f"{row.subject}@{version}" if version else row.subject


_VERSIONED_DIR = re.compile(r"[/\\](?P<name>[A-Za-z0-9_.-]+?)-(?P<version>\d+\.\d+\.\d+[^/\\]*)[/\\]")


def _registry_version(row: CompileRow) -> str | None:
    """`…/registry/src/index.crates.io-…/syn-2.0.87/src/lib.rs` -> `2.0.87` for crate `syn`."""
    if not row.args or row.compiler != "rustc":
        return None
    crate = row.subject.replace("-", "_")
    for arg in row.args:
        if arg.endswith(".rs"):
            for match in _VERSIONED_DIR.finditer(arg):
                if match["name"].replace("-", "_") == crate:
                    return match["version"]
            return None
    return None


def read_side(label: str, inputs: list[str], analysis) -> Side:
    side = Side(label, list(inputs))
    for artifact in analysis.bundle.artifacts:
        if artifact.kind == "env":
            side.env_files.append(artifact.path)
            for record in artifact.records:
                name, value = record.get("name"), record.get("value")
                if name and name not in side.env and (name in HASH_ENV or name.startswith(("SCCACHE_", "CARGO_"))) \
                        and name not in IGNORED_ENV:
                    side.env[name] = Sourced(value or "", record.source, record.line, record.text)
        for fact in artifact.facts:
            if fact.name in FACTS and fact.name not in side.facts:
                side.facts[fact.name] = Sourced(str(fact.value), fact.source, fact.line)
    for name in FACTS:  # what the diagnosis derived (from the environment, say)
        value = analysis.report["facts"].get(name)
        if name not in side.facts and value not in (None, ""):
            side.facts[name] = Sourced(str(value), None, None)
    compiles = getattr(analysis, "compiles", None)
    side.compiles = compiles if compiles is not None and compiles.requests else None
    side.root, side.root_evidence = project_root(side)
    return side


def project_root(side: Side) -> tuple[str | None, Sourced | None]:
    """The directory the build ran from: the common directory of the absolute paths in the
    compile arguments (cut before `target/` for cargo), else CARGO_TARGET_DIR's parent."""
    paths: list[str] = []
    first: CompileRow | None = None
    if side.compiles is not None:
        for row in side.compiles.subjects.values():
            if row.probe:
                continue
            for arg in row.args:
                for part in (arg, arg.split("=", 1)[-1], arg[2:] if arg.startswith(("-I", "-L")) else ""):
                    if part.startswith("/") and len(part) > 1 and not part.startswith(SYSTEM_DIRS) \
                            and not any(tool in part for tool in TOOLCHAIN_DIRS):
                        paths.append(part)
                        first = first or row
                        break
            if len(paths) > 400:
                break
    root = None
    if paths:
        common = posixpath.commonpath(paths)
        if "/target/" in common + "/":
            common = common[: (common + "/").index("/target/")]
        root = common if common.count("/") >= 2 else None
        if root and first is not None:
            return root, Sourced(root, first.source, first.line)
    target = side.env.get("CARGO_TARGET_DIR")
    if target and target.value.startswith("/") and posixpath.basename(target.value) == "target":
        return posixpath.dirname(target.value), target
    return None, None


def is_rust(row: CompileRow) -> bool:
    return arglib.is_rust(list(row.args)) if row.args else row.compiler == "rustc"
