"""What differs between the two sides, before any compile is looked at: the environment
that enters sccache's hash or configuration, versions, the cache, the project directory.

Each difference has a scope: `key` (it changes hash keys, so the same compile looks for
another entry), `cache` (it changes where entries are looked up, so the same key is not found),
`cacheable` (it decides whether sccache caches at all), or `none` (it changes neither).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from analyzer.compare.sides import Side, Sourced
from analyzer.compare.units import env_units, rooted
from analyzer.redact import MASK, secret_value

RUST = frozenset({"Rust"})
C_FAMILY = frozenset({"C", "C++", "ObjC", "ObjC++", "CUDA", "Assembler"})
# (languages, scope) of variables whose options land in the compiler's arguments.
FLAG_ENV = {
    "RUSTFLAGS": RUST, "CARGO_ENCODED_RUSTFLAGS": RUST, "CARGO_BUILD_RUSTFLAGS": RUST,
    "CFLAGS": frozenset({"C", "ObjC"}), "CXXFLAGS": frozenset({"C++", "ObjC++"}), "CPPFLAGS": C_FAMILY,
}
INCREMENTAL_ENV = ("CARGO_INCREMENTAL", "CARGO_BUILD_INCREMENTAL")
COMPILER_ENV = {"CC": frozenset({"C", "ObjC"}), "CXX": frozenset({"C++", "ObjC++"})}
KEY_ENV = ("SCCACHE_BASEDIRS", "SCCACHE_C_CUSTOM_CACHE_BUSTER")
# sccache hashes every CARGO_* variable of the client's environment into a Rust key
# (src/compiler/rust.rs), except these; CARGO_ENCODED_RUSTFLAGS reaches the key as arguments.
CARGO_UNHASHED = ("CARGO_MAKEFLAGS", "CARGO_BUILD_JOBS", "CARGO_ENCODED_RUSTFLAGS")


@dataclass
class Difference:
    id: str
    title: str
    baseline: str | None
    candidate: str | None
    scope: str
    languages: frozenset | None = None   # None: every language
    evidence: list[dict] = field(default_factory=list)
    fix: str = ""
    units: tuple[frozenset, frozenset] = (frozenset(), frozenset())  # options each side's value adds
    global_key: bool = False  # changes every key of its languages, whatever the arguments
    explains: list[str] = field(default_factory=list)
    explains_languages: set = field(default_factory=set)

    def applies_to(self, language: str | None) -> bool:
        return self.languages is None or language is None or language in self.languages


def evidence(side: Side, sourced: Sourced | None, text: str, fallback: str | None = None) -> dict:
    if sourced is None:
        source = fallback if fallback is not None else (side.env_files[0] if side.env_files else None)
        return {"side": side.label, "source": source, "line": None, "text": text}
    return {"side": side.label, "source": sourced.source, "line": sourced.line, "text": text}


def find_differences(base: Side, cand: Side) -> tuple[list[Difference], list[str]]:
    """Differences between the sides, and notes on what could not be compared."""
    found: dict[str, Difference] = {}
    notes: list[str] = []
    roots = (base.root, cand.root)
    if base.root and cand.root and base.root != cand.root:
        add(found, Difference(
            "path:project", f"The project was built from different directories: `{base.root}` in the baseline, "
            f"`{cand.root}` in the candidate", base.root, cand.root, "key",
            evidence=[evidence(base, base.root_evidence, f"project directory {base.root}"),
                      evidence(cand, cand.root_evidence, f"project directory {cand.root}")]))
    if base.env_files and cand.env_files:
        for name in sorted(set(base.env) | set(cand.env)):
            difference = env_difference(name, base, cand, roots)
            if difference is not None:
                add(found, difference)
    else:
        missing = [s.label for s in (base, cand) if not s.env_files]
        notes.append(f"no environment dump in the {' and '.join(missing)}: RUSTFLAGS, CFLAGS, "
                     "CARGO_INCREMENTAL and SCCACHE_* could not be compared")
    for difference in fact_differences(base, cand, roots):
        add(found, difference)
    return list(found.values()), notes


def add(found: dict[str, Difference], difference: Difference) -> None:
    if difference.id in found:
        found[difference.id].evidence.extend(difference.evidence)
        return
    found[difference.id] = difference


def _shown(value: str | None) -> str:
    return "unset" if value is None else f"`{value}`" if value else "empty"


def env_difference(name: str, base: Side, cand: Side, roots) -> Difference | None:
    left, right = base.env.get(name), cand.env.get(name)
    b = left.value if left else None
    c = right.value if right else None
    if b == c:
        return None
    if b is not None and c is not None and rooted(b, roots[0]) == rooted(c, roots[1]):
        return None  # the same setting, each side naming its own project directory
    if any(v is not None and secret_value(name, v) for v in (b, c)):  # compared, never shown
        b = MASK if b is not None else None
        c = MASK if c is not None else None
    ev = [evidence(base, left, f"{name}={b}" if b is not None else f"{name} not set"),
          evidence(cand, right, f"{name}={c}" if c is not None else f"{name} not set")]
    title = f"{name} differs: {_shown(b)} in the baseline, {_shown(c)} in the candidate"
    if name in FLAG_ENV:
        rust = name in ("RUSTFLAGS", "CARGO_ENCODED_RUSTFLAGS", "CARGO_BUILD_RUSTFLAGS")
        units = (frozenset(rooted(u, roots[0]) for u in env_units(b or "", rust)),
                 frozenset(rooted(u, roots[1]) for u in env_units(c or "", rust)))
        return Difference(f"env:{name}", title, b, c, "key", FLAG_ENV[name], ev,
                          f"Set `{name}` the same in both (baseline {_shown(b)}, candidate {_shown(c)}).", units)
    if name in INCREMENTAL_ENV:
        return Difference(f"env:{name}", title, b, c, "cacheable", RUST, ev,
                          f"Set `{name}=0` in both: sccache does not cache incremental compiles, and cargo's "
                          "dev profile compiles workspace crates incrementally when it is unset.")
    if name in COMPILER_ENV:
        return Difference(f"env:{name}", title, b, c, "key", COMPILER_ENV[name], ev,
                          f"Use the same compiler (`{name}`) in both: its path and contents enter the key.",
                          global_key=True)
    if name in KEY_ENV:
        return Difference(f"env:{name}", title, b, c, "key", None, ev,
                          f"Set `{name}` the same in both.", global_key=True)
    if name.startswith("CARGO_") and name not in CARGO_UNHASHED and not name.startswith("CARGO_REGISTRIES_"):
        return Difference(f"env:{name}", title, b, c, "key", RUST, ev,
                          f"Set `{name}` the same in both, or unset it where it is not needed: sccache hashes "
                          "every `CARGO_*` variable of the build's environment into the keys of Rust compiles.",
                          global_key=True)
    cache_id = cache_variable(name)
    if cache_id:
        return Difference(cache_id, f"{CACHE_TITLES[cache_id]} ({name}): {_shown(b)} in the baseline, "
                          f"{_shown(c)} in the candidate", b, c, "cache", None, ev, CACHE_FIXES[cache_id])
    if name == "SCCACHE_RECACHE":
        return Difference(f"env:{name}", title, b, c, "recache", None, ev,
                          "Unset `SCCACHE_RECACHE`: it makes every compile skip the cache lookup.")
    return Difference(f"env:{name}", title, b, c, "none", None, ev, "")


def cache_variable(name: str) -> str | None:
    if not name.startswith("SCCACHE_"):
        return None
    if name == "SCCACHE_DIR":
        return "cache:location"
    if name.endswith("KEY_PREFIX"):
        return "cache:key-prefix"
    if "BUCKET" in name or "CONTAINER" in name:
        return "cache:bucket"
    if "ENDPOINT" in name or name.endswith(("_URL", "_ENDPOINTS")) or name in ("SCCACHE_REDIS", "SCCACHE_MEMCACHED"):
        return "cache:endpoint"
    return None


CACHE_TITLES = {
    "cache:location": "The cache is in a different place",
    "cache:key-prefix": "The cache key prefix differs",
    "cache:bucket": "The cache bucket differs",
    "cache:endpoint": "The cache endpoint differs",
    "cache:backend": "The cache backend differs",
}
CACHE_FIXES = {
    "cache:location": "Point both at the same cache (the same `SCCACHE_DIR`, or the same bucket and prefix).",
    "cache:key-prefix": "Use the same key prefix (`SCCACHE_*_KEY_PREFIX`) in both.",
    "cache:bucket": "Use the same bucket in both.",
    "cache:endpoint": "Use the same cache endpoint in both.",
    "cache:backend": "Use the same cache backend in both: entries in one are not seen by the other.",
}
FACT_DIFFERENCES = {
    # fact: (id, title, scope, languages, fix)
    "sccache_version": ("version:sccache", "sccache versions differ", "key", None,
                        "Use the same sccache version on every machine that shares the cache: a version "
                        "computes its own keys, so entries written by one are not found by another."),
    "rustc_version": ("version:rustc", "rustc versions differ", "key", RUST,
                      "Use the same Rust toolchain in both (pin it with rust-toolchain.toml)."),
    "backend": ("cache:backend", CACHE_TITLES["cache:backend"], "cache", None, CACHE_FIXES["cache:backend"]),
    "bucket": ("cache:bucket", CACHE_TITLES["cache:bucket"], "cache", None, CACHE_FIXES["cache:bucket"]),
    "endpoint": ("cache:endpoint", CACHE_TITLES["cache:endpoint"], "cache", None, CACHE_FIXES["cache:endpoint"]),
    "cache_location": ("cache:location", CACHE_TITLES["cache:location"], "cache", None,
                       CACHE_FIXES["cache:location"]),
}


def fact_differences(base: Side, cand: Side, roots) -> list[Difference]:
    out = []
    for name, (ident, title, scope, languages, fix) in FACT_DIFFERENCES.items():
        left, right = base.facts.get(name), cand.facts.get(name)
        if left is None or right is None or left.value == right.value:
            continue
        if rooted(left.value, roots[0]) == rooted(right.value, roots[1]) and name == "cache_location":
            continue
        ev = [evidence(base, left, f"{name} = {left.value}", fallback="(derived)"),
              evidence(cand, right, f"{name} = {right.value}", fallback="(derived)")]
        out.append(Difference(ident, f"{title}: `{left.value}` in the baseline, `{right.value}` in the candidate",
                              left.value, right.value, scope, languages, ev, fix, global_key=scope == "key"))
    return out
