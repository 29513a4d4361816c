"""Pairs for `compare`: the same project built twice against one cache, a run that hits (the
baseline) and a run with one planted difference (the candidate), each side a bundle of its own.

    samples/pairs/<name>/baseline/   sccache debug log, build output, env, versions, stats
    samples/pairs/<name>/candidate/
    samples/pairs/<name>/expected.json   what compare must say explains the misses

Every side gets its own server (stopped between sides) and its own debug log; the cache is
primed once with the baseline's settings first, so the baseline hits. Rust pairs build the
demo workspace plus two small library crates (so a flag change misses more than one crate);
C/C++ pairs build a small CMake + Ninja project with gcc and g++ through
`CMAKE_<LANG>_COMPILER_LAUNCHER`, with sccache's preprocessor cache mode on (`SCCACHE_DIRECT`).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import labkit
from labkit import Lab, sccache_bin

PORT = 4449  # pairs run one after another; one port serves them all
#: Variables a pair's env dump keeps besides labkit's: what enters sccache's hash or config.
HASH_ENV = ("RUSTFLAGS", "CARGO_ENCODED_RUSTFLAGS", "CARGO_INCREMENTAL", "CC", "CXX", "CFLAGS",
            "CXXFLAGS", "CPPFLAGS")
EXTRA_CRATES = ("alpha", "beta")

C_SOURCES = {
    "CMakeLists.txt": (
        "cmake_minimum_required(VERSION 3.16)\nproject(labc C CXX)\n"
        "add_library(core STATIC src/core.c src/table.c)\n"
        "target_include_directories(core PUBLIC include)\n"
        "add_executable(tool src/main.cpp)\ntarget_link_libraries(tool core)\n"),
    "include/core.h": (
        "#pragma once\n#ifndef LAB_LEVEL\n#define LAB_LEVEL 0\n#endif\n"
        "#ifdef __cplusplus\nextern \"C\" {\n#endif\nint core_value(int x);\nint table_at(int i);\n"
        "#ifdef __cplusplus\n}\n#endif\n"),
    "src/core.c": '#include "core.h"\nint core_value(int x) { return x * 3 + LAB_LEVEL + table_at(x & 3); }\n',
    "src/table.c": '#include "core.h"\nstatic const int t[4] = {2, 3, 5, 7};\nint table_at(int i) { return t[i & 3]; }\n',
    "src/main.cpp": ('#include <cstdio>\n#include "core.h"\n'
                     'int main() { std::printf("%d\\n", core_value(LAB_LEVEL)); return 0; }\n'),
}


class Pair:
    """One pair's machine: a Lab for HOME, clean-up and path normalisation, two sides."""

    def __init__(self, name: str):
        self.name = name
        self.lab = Lab(f"pair-{name}", PORT)
        shutil.rmtree(self.lab.sample, ignore_errors=True)  # Lab made OUT/pair-<name>/bundle
        self.lab.sample = labkit.OUT / "pairs" / name
        shutil.rmtree(self.lab.sample, ignore_errors=True)
        self.lab.sample.mkdir(parents=True)
        self.binaries = {self.lab.sccache}

    # projects
    def rust_project(self, where: str = "work") -> Path:
        project = self.lab.home / where
        shutil.copytree(labkit.CRATES / "demo", project, dirs_exist_ok=True)
        for crate in EXTRA_CRATES:
            (project / crate / "src").mkdir(parents=True, exist_ok=True)
            (project / crate / "Cargo.toml").write_text(
                f'[package]\nname = "{crate}"\nversion = "0.1.0"\nedition = "2021"\n')
            (project / crate / "src" / "lib.rs").write_text(
                f"//! A small library crate: cacheable.\npub fn {crate}(x: u32) -> u32 {{ x.rotate_left(3) ^ {len(crate)} }}\n")
        ws = project / "Cargo.toml"
        ws.write_text(ws.read_text().replace('"hello-macro"]', '"hello-macro", "alpha", "beta"]'))
        return project

    def c_project(self, where: str = "work") -> Path:
        project = self.lab.home / where
        for rel, text in C_SOURCES.items():
            (project / rel).parent.mkdir(parents=True, exist_ok=True)
            (project / rel).write_text(text)
        return project

    def env(self, project: Path, sccache: Path | None = None, **extra) -> dict:
        env = self.lab.env(**{"CARGO_INCREMENTAL": "0", "CARGO_TARGET_DIR": project / "target", **extra})
        if sccache is not None:
            env["RUSTC_WRAPPER"] = str(sccache)
        return env

    # building
    def build_rust(self, project: Path, env: dict) -> labkit.Result:
        shutil.rmtree(project / "target", ignore_errors=True)
        return self.lab.run(["cargo", "build"], env, timeout=300, cwd=project)

    def build_c(self, project: Path, env: dict, sccache: Path) -> labkit.Result:
        build = project / "build"
        shutil.rmtree(build, ignore_errors=True)
        configure = self.lab.run(["cmake", "-S", project, "-B", build, "-G", "Ninja",
                                  f"-DCMAKE_C_COMPILER_LAUNCHER={sccache}",
                                  f"-DCMAKE_CXX_COMPILER_LAUNCHER={sccache}"], env, cwd=project)
        res = self.lab.run(["cmake", "--build", build, "-v"], env, cwd=project)
        res.stdout = configure.stdout + configure.stderr + res.stdout
        return res

    def stop(self, env: dict) -> None:
        for binary in self.binaries:
            try:
                quiet = {k: v for k, v in env.items() if k not in ("SCCACHE_LOG", "SCCACHE_ERROR_LOG")}
                subprocess.run([str(binary), "--stop-server"], env=quiet, capture_output=True, timeout=20)
            except subprocess.TimeoutExpired:
                pass

    def side(self, side: str | None, build, env: dict, sccache: Path | None = None,
             shown: str = "cargo build") -> None:
        """Run one build with a fresh server and debug log; `side` None primes the cache only."""
        sccache = sccache or self.lab.sccache
        self.binaries.add(sccache)
        log = self.lab.home / f"{side or 'prime'}-sccache.log"
        env = dict(env, SCCACHE_LOG="debug", SCCACHE_ERROR_LOG=str(log))
        self.stop(env)
        res = build(env)
        if side is None:
            self.stop(env)
            return
        self.lab.bundle = self.lab.sample / side
        self.lab.bundle.mkdir(parents=True, exist_ok=True)
        quiet = {k: v for k, v in env.items() if k not in ("SCCACHE_LOG", "SCCACHE_ERROR_LOG")}
        stats = self.lab.run([sccache, "--show-stats"], quiet)
        self.lab.write("show-stats.txt", stats.stdout + stats.stderr)
        self.stop(env)
        self.lab.write("build-output.txt" if "cmake" in shown else "cargo-build.txt",
                       f"$ {shown}\n{res.stdout}{res.stderr}")
        keep = {k: v for k, v in env.items() if labkit.ENV_KEEP.match(k) or k in HASH_ENV}
        self.lab.write("env.txt", "".join(f"{k}={v}\n" for k, v in sorted(keep.items())))
        self.lab.write("versions.txt", self.versions(env, sccache))
        self.lab.copy_file(log, "sccache-server.log")

    def versions(self, env: dict, sccache: Path) -> str:
        parts = []
        for cmd in (["rustc", "-vV"], [str(sccache), "--version"], ["cargo", "-V"]):
            res = self.lab.run(cmd, env)
            shown = "sccache" if cmd[0] == str(sccache) else cmd[0]
            parts.append(f"$ {shown} {' '.join(cmd[1:])}\n{res.stdout}")
        return "\n".join(parts)

    def expected(self, description: str, explanations: dict[str, list[str]], **more) -> None:
        """`explanations`: difference id -> the crates or objects compare must say it explains
        (empty: nothing may be explained)."""
        doc = {"description": description, "real": True,
               "explanations": {k: sorted(v) for k, v in explanations.items()}, **more}
        (self.lab.sample / "expected.json").write_text(json.dumps(doc, indent=2) + "\n")

    def close(self, env: dict | None) -> None:
        if env is not None:
            self.stop(env)
        self.lab.close(env)
        shutil.rmtree(labkit.OUT / f"pair-{self.name}", ignore_errors=True)


RUST_LIBS = ["alpha", "beta", "util"]
C_OBJECTS = ["CMakeFiles/core.dir/src/core.c.o", "CMakeFiles/core.dir/src/table.c.o",
             "CMakeFiles/tool.dir/src/main.cpp.o"]


def rust_pair(name: str, description: str, explains: str | None, base_extra: dict, cand_extra: dict,
              cand_where: str = "work", cand_sccache: Path | None = None, **more):
    pair, env = Pair(name), None
    try:
        base_project = pair.rust_project()
        cand_project = base_project if cand_where == "work" else pair.rust_project(cand_where)
        env = pair.env(base_project, **base_extra)
        pair.side(None, lambda e: pair.build_rust(base_project, e), env)
        pair.side("baseline", lambda e: pair.build_rust(base_project, e), env)
        cand_env = pair.env(cand_project, sccache=cand_sccache, **cand_extra)
        pair.side("candidate", lambda e: pair.build_rust(cand_project, e), cand_env, sccache=cand_sccache)
        pair.expected(description, {explains: RUST_LIBS} if explains else {}, **more)
    finally:
        pair.close(env)


def c_pair(name: str, description: str, explanations: dict, base_extra: dict, cand_extra: dict,
           cand_where: str = "work", **more):
    pair, env = Pair(name), None
    try:
        base_project = pair.c_project()
        cand_project = base_project if cand_where == "work" else pair.c_project(cand_where)
        sccache = pair.lab.sccache
        env = pair.env(base_project, SCCACHE_DIRECT="true", **base_extra)
        build = "cmake -G Ninja (launcher sccache) && cmake --build build -v"
        pair.side(None, lambda e: pair.build_c(base_project, e, sccache), env, shown=build)
        pair.side("baseline", lambda e: pair.build_c(base_project, e, sccache), env, shown=build)
        cand_env = pair.env(cand_project, SCCACHE_DIRECT="true", **cand_extra)
        pair.side("candidate", lambda e: pair.build_c(cand_project, e, sccache), cand_env, shown=build)
        pair.expected(description, explanations, **more)
    finally:
        pair.close(env)


def pair_rustflags():
    """RUSTFLAGS empty in the baseline, `--cfg lab_feature` in the candidate."""
    rust_pair("rustflags", "Real sccache 0.16 + cargo 1.95, one disk cache: RUSTFLAGS unset, then "
              "RUSTFLAGS='--cfg lab_feature'; every library crate misses in the candidate.",
              "env:RUSTFLAGS", {}, {"RUSTFLAGS": "--cfg lab_feature"})


def pair_cargo_term_color():
    """CARGO_TERM_COLOR=always in the candidate (as many CI set-ups have it), unset in the baseline."""
    rust_pair("cargo-term-color", "Real sccache 0.16 + cargo 1.95: CARGO_TERM_COLOR unset, then "
              "CARGO_TERM_COLOR=always (a common CI setting); sccache hashes every CARGO_* variable of "
              "the client's environment into Rust keys, so every library crate misses.",
              "env:CARGO_TERM_COLOR", {}, {"CARGO_TERM_COLOR": "always"})


def pair_incremental():
    """CARGO_INCREMENTAL=0 in the baseline, unset in the candidate (cargo's dev default: on)."""
    rust_pair("incremental", "Real sccache 0.16 + cargo 1.95: CARGO_INCREMENTAL=0, then unset, so "
              "cargo's dev profile compiles the workspace crates incrementally and sccache refuses "
              "them (CannotCache(incremental)). (CARGO_INCREMENTAL=1 itself makes the 0.16 client "
              "exit: 'incremental compilation is prohibited'.)",
              "env:CARGO_INCREMENTAL", {}, {"CARGO_INCREMENTAL": None})


def pair_rust_paths():
    """The same workspace from /home/dev/work and /home/dev/ci/work, no path remapping."""
    rust_pair("rust-paths", "Real sccache 0.16 + cargo 1.95: the same workspace built from two "
              "absolute paths against one cache, no --remap-path-prefix.",
              "path:project", {}, {}, cand_where="ci/work")


def pair_rust_paths_remapped():
    """The same workspace from two paths, each with `--remap-path-prefix` of its own path."""
    pair_name = "rust-paths-remapped"
    base = "--remap-path-prefix={home}/work=/src"
    cand = "--remap-path-prefix={home}/ci/work=/src"
    pair, env = Pair(pair_name), None
    try:
        home = pair.lab.home
        base_project, cand_project = pair.rust_project(), pair.rust_project("ci/work")
        env = pair.env(base_project, RUSTFLAGS=base.format(home=home))
        pair.side(None, lambda e: pair.build_rust(base_project, e), env)
        pair.side("baseline", lambda e: pair.build_rust(base_project, e), env)
        cand_env = pair.env(cand_project, RUSTFLAGS=cand.format(home=home))
        pair.side("candidate", lambda e: pair.build_rust(cand_project, e), cand_env)
        pair.expected("Real sccache 0.16 + cargo 1.95: the same workspace from two absolute paths, each "
                      "side remapping its own path to /src with RUSTFLAGS=--remap-path-prefix; sccache "
                      "hashes the arguments and the working directory, so the remap does not make "
                      "the keys equal.", {"path:project": RUST_LIBS})
    finally:
        pair.close(env)


def pair_c_paths():
    """The same CMake project from /home/dev/work and /home/dev/ci/work, no SCCACHE_BASEDIRS."""
    c_pair("c-paths", "Real sccache 0.16 + CMake/Ninja + gcc/g++ with SCCACHE_DIRECT: the same "
           "project built from two absolute paths against one cache, no SCCACHE_BASEDIRS.",
           {"path:project": C_OBJECTS}, {}, {}, cand_where="ci/work")


def pair_c_paths_basedirs():
    """The two-path C/C++ pair again, each side with SCCACHE_BASEDIRS set to its own project."""
    pair, env = Pair("c-paths-basedirs"), None
    try:
        base_project, cand_project = pair.c_project(), pair.c_project("ci/work")
        sccache = pair.lab.sccache
        build = "cmake -G Ninja (launcher sccache) && cmake --build build -v"
        env = pair.env(base_project, SCCACHE_DIRECT="true", SCCACHE_BASEDIRS=base_project)
        pair.side(None, lambda e: pair.build_c(base_project, e, sccache), env, shown=build)
        pair.side("baseline", lambda e: pair.build_c(base_project, e, sccache), env, shown=build)
        cand_env = pair.env(cand_project, SCCACHE_DIRECT="true", SCCACHE_BASEDIRS=cand_project)
        pair.side("candidate", lambda e: pair.build_c(cand_project, e, sccache), cand_env, shown=build)
        pair.expected("Real sccache 0.16 + CMake/Ninja + gcc/g++: the c-paths pair with SCCACHE_BASEDIRS set "
                      "to each side's project directory: the fix compare suggests for c-paths; the "
                      "candidate hits.", {})
    finally:
        pair.close(env)


def pair_header_too_new():
    """A header with a modification time two hours ahead (a clock-skewed checkout): sccache's
    preprocessor cache refuses it on every compile; a cold run, then a warm one."""
    pair, env = Pair("header-too-new"), None
    try:
        project = pair.c_project()
        header = project / "include" / "core.h"
        ahead = time.time() + 7200
        os.utime(header, (ahead, ahead))
        sccache = pair.lab.sccache
        build = "cmake -G Ninja (launcher sccache) && cmake --build build -v"
        env = pair.env(project, SCCACHE_DIRECT="true")
        pair.side("baseline", lambda e: pair.build_c(project, e, sccache), env, shown=build)
        pair.side("candidate", lambda e: pair.build_c(project, e, sccache), env, shown=build)
        pair.expected("Real sccache 0.16 + CMake/Ninja + gcc/g++ with SCCACHE_DIRECT: include/core.h has an "
                      "mtime two hours ahead, so every compile logs `Include file ... is too new` and the "
                      "preprocessor cache is never used; the baseline is the cold run (misses), the "
                      "candidate the warm run (hits through the ordinary key).", {})
    finally:
        pair.close(env)


def pair_cflags_define():
    """CFLAGS=-DLAB_LEVEL=1 in the baseline, -DLAB_LEVEL=2 in the candidate."""
    c_pair("cflags-define", "Real sccache 0.16 + CMake/Ninja + gcc: CFLAGS/CXXFLAGS -DLAB_LEVEL=1, "
           "then -DLAB_LEVEL=2; every object misses, the C ones through CFLAGS, the C++ one through CXXFLAGS.",
           {"env:CFLAGS": C_OBJECTS[:2], "env:CXXFLAGS": C_OBJECTS[2:]},
           {"CFLAGS": "-DLAB_LEVEL=1", "CXXFLAGS": "-DLAB_LEVEL=1"},
           {"CFLAGS": "-DLAB_LEVEL=2", "CXXFLAGS": "-DLAB_LEVEL=2"})


def pair_cache_dir():
    """The candidate points SCCACHE_DIR at another (empty) cache."""
    pair, env = Pair("cache-dir"), None
    try:
        project = pair.rust_project()
        env = pair.env(project)
        pair.side(None, lambda e: pair.build_rust(project, e), env)
        pair.side("baseline", lambda e: pair.build_rust(project, e), env)
        cand_env = pair.env(project, SCCACHE_DIR=pair.lab.home / ".cache" / "sccache-ci")
        pair.side("candidate", lambda e: pair.build_rust(project, e), cand_env)
        pair.expected("Real sccache 0.16 + cargo 1.95: the same build, the candidate with SCCACHE_DIR "
                      "on another directory (a different cache location).", {"cache:location": RUST_LIBS})
    finally:
        pair.close(env)


def pair_sccache_version():
    """sccache 0.16.0 primes and hits; sccache 0.8.2 then builds against the same cache dir."""
    old = sccache_bin("0.8.2")
    rust_pair("sccache-version", "Real sccache 0.16.0 then 0.8.2 sharing one disk cache with cargo "
              "1.95: the other version computes other keys.", "version:sccache", {}, {},
              cand_sccache=old)


def pair_same():
    """Two runs of the same build: no planted difference."""
    rust_pair("same", "Real sccache 0.16 + cargo 1.95: the same build twice against a primed cache; "
              "nothing differs, nothing misses.", None, {}, {})


SCENARIOS = {
    "pair-rustflags": pair_rustflags,
    "pair-incremental": pair_incremental,
    "pair-cargo-term-color": pair_cargo_term_color,
    "pair-rust-paths": pair_rust_paths,
    "pair-rust-paths-remapped": pair_rust_paths_remapped,
    "pair-c-paths": pair_c_paths,
    "pair-c-paths-basedirs": pair_c_paths_basedirs,
    "pair-cflags-define": pair_cflags_define,
    "pair-header-too-new": pair_header_too_new,
    "pair-cache-dir": pair_cache_dir,
    "pair-sccache-version": pair_sccache_version,
    "pair-same": pair_same,
}
