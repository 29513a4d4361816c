"""Pieces of compare: options as units, the project directory, how compiles are matched."""

from __future__ import annotations

from analyzer.compare.sides import match_key
from analyzer.compare.units import category, difference, env_units, rooted, units
from analyzer.compiles.table import CompileRow


def _row(subject: str, *args: str, compiler: str = "rustc") -> CompileRow:
    return CompileRow("s.log", 1, None, subject, args, compiler, "Rust" if compiler == "rustc" else "C")


def test_options_are_compared_with_their_values_whatever_their_spelling():
    assert units(["-C", "debuginfo=2", "-Copt-level=3", "--cfg", "x", "--codegen", "lto"], rust=True) == [
        "-C debuginfo=2", "-C opt-level=3", "--cfg x", "-C lto"]
    assert units(["-DX=1", "-D", "Y", "-I/p/include", "-c", "a.c"], rust=False) == [
        "-D X=1", "-D Y", "-I /p/include", "-c a.c"]
    assert difference(["-C a=1", "--cfg x"], ["--cfg x", "-C a=2"]) == (["-C a=1"], ["-C a=2"])
    assert env_units("--cfg lab_feature -C target-cpu=native", rust=True) == ["--cfg lab_feature",
                                                                           "-C target-cpu=native"]
    assert env_units("-C\x1fopt-level=3", rust=True) == ["-C opt-level=3"]  # CARGO_ENCODED_RUSTFLAGS


def test_categories_name_what_kind_of_option_differs():
    assert category("-D LAB_LEVEL=2") == "define:LAB_LEVEL"
    assert category("-D warnings", rust=True) == "flag:-D"  # a lint level for rustc, not a define
    assert category("-C incremental=/p/target/debug/incremental", rust=True) == "codegen:incremental"
    assert category("--remap-path-prefix /p=/src", rust=True) == "remap-path-prefix"
    assert rooted("--out-dir /home/dev/ci/work/target", "/home/dev/ci/work") == "--out-dir $ROOT/target"


def test_crates_match_by_name_and_registry_version_objects_by_output_path():
    registry = "/home/a/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/syn-2.0.87/src/lib.rs"
    assert match_key(_row("syn", "--crate-name", "syn", registry), None) == "syn@2.0.87"
    assert match_key(_row("util", "--crate-name", "util", "util/src/lib.rs"), None) == "util"
    c = _row("core.c.o", "-o", "CMakeFiles/core.dir/src/core.c.o", "-c", "/p/src/core.c", compiler="C/C++")
    assert match_key(c, "/p") == "CMakeFiles/core.dir/src/core.c.o"
