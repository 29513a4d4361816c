"""What each of sccache's non-cacheable reasons means, and whether anything can be done about it.

sccache counts a call as non-cacheable with a short reason: the flag or condition that stopped
it (`crate-type`, `incremental`, `-E`, `multiple input files`, `shared pdb`, or an argument it
cannot parse). Three kinds:

* `expected`  — calls no cache could serve: cargo's probes (`-`, `missing input`), binaries and
  proc-macros (`crate-type`), preprocessing or dependency-only runs. Nothing to fix.
* `setting`   — a build setting turns caching off; changing it brings the calls back.
* `limitation`— a flag, an input or a file name this sccache cannot cache; an upgrade, a flag
  change or a renamed file does (finding `non-cacheable-limitation`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Reason:
    kind: str  # expected | setting | limitation
    advice: str


EXPECTED = Reason("expected", "normal: no cache can serve these calls")
# exact reason -> meaning
REASONS = {
    "crate-type": Reason("expected", "normal: binaries, proc-macros and dylibs are linked, not cached"),
    "-": Reason("expected", "normal: source read from standard input (cargo's probes)"),
    "missing input": Reason("expected", "normal: calls without a source file (cargo's `rustc -vV` and target probes)"),
    "no input file": Reason("expected", "normal: calls without a source file (probes, version queries)"),
    "-E": Reason("expected", "normal: preprocess-only calls"),
    "-M": Reason("expected", "normal: dependency-only calls"),
    "-###": Reason("expected", "normal: dry runs of the compiler driver"),
    "-##": Reason("expected", "normal: dry runs of the compiler driver"),
    "--dry-run": Reason("expected", "normal: dry runs of the compiler driver"),
    "output to nul": Reason("expected", "normal: output discarded (feature probes)"),
    "incremental": Reason("setting", "incremental rustc builds are never cached: set `CARGO_INCREMENTAL=0` "
                                     "(or `incremental = false` in the profile) where the cache matters, e.g. CI"),
    "shared pdb": Reason("limitation", "MSVC `/Zi` writes one shared PDB: use `/Z7` (CMake: "
                                       "`CMAKE_MSVC_DEBUG_INFORMATION_FORMAT=Embedded`)"),
    "multiple input files": Reason("limitation", "one call compiles several sources: compile one source per call"),
    "unknown source language": Reason("limitation", "an unusual source extension: rename the file or pass `-x`, "
                                                    "or use an sccache that knows the language"),
    "invalid input file": Reason("limitation", "an input sccache cannot read as a source file"),
    "-x": Reason("limitation", "a `-x` language sccache does not cache"),
    "@": Reason("limitation", "a response file (`@file`) this sccache cannot expand: upgrade sccache or pass the "
                              "arguments directly"),
    "-@": Reason("limitation", "a response file (`@file`) this sccache cannot expand"),
    "argument parse": Reason("limitation", "an argument sccache could not parse: upgrade sccache or drop the flag"),
    "unsupported --emit": Reason("limitation", "an `--emit` kind sccache does not cache"),
    "more than one --emit": Reason("limitation", "several `--emit` flags: sccache caches one"),
    "extra-filename": Reason("limitation", "a crate without `-C extra-filename` (not built by cargo)"),
    "target unsure": Reason("limitation", "a target sccache cannot pin down (a custom target spec)"),
}
PREFIXES = (
    ("missing ", REASONS["missing input"]),  # missing crate_name / output_dir / emit: cargo's probes
    ("-Y", Reason("limitation", "precompiled headers (`/Yc`, `/Yu`) are not cached: drop them for cached builds")),
    ("-fprofile", Reason("limitation", "profile-guided builds are not cached")),
    ("-fno-profile", Reason("limitation", "profile-guided builds are not cached")),
    ("-fmodules", Reason("limitation", "C++ modules are not cached by this sccache")),
)


def classify(reason: str) -> Reason:
    """The kind and advice of one reason as `--show-stats` prints it."""
    name = reason.strip()
    if name in REASONS:
        return REASONS[name]
    for prefix, meaning in PREFIXES:
        if name.startswith(prefix):
            return meaning
    if name.startswith(("-", "/")):
        return Reason("limitation", f"a flag this sccache does not cache (`{name}`): upgrade sccache or drop the "
                                    "flag where caching matters")
    return Reason("limitation", "a limit of this sccache: see its release notes for the reason")
