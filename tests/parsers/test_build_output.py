"""build-output parser: real CMake+ninja and make logs through sccache, an MSBuild log."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer.ingest import keep_all, read_bundle
from analyzer.parsers import choose, get
from tests.parsers.support import split

FIXTURES = Path(__file__).parent.parent / "fixtures" / "build-output"
# Through the registry, so every kind is loaded before `choose` compares them.
PARSER = get("build-output")


def parse(lines, source="build.log"):
    return split(PARSER.parse(lines, source))


def fixture_lines(name):
    return (FIXTURES / name).read_text(encoding="utf-8").splitlines()


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.iterdir()))
def test_every_fixture_is_chosen_as_build_output(name):
    head = (FIXTURES / name).read_text(encoding="utf-8")[:16000]
    assert choose(head, name)[0] == "build-output"


@pytest.mark.parametrize("head", [
    "[2026-11-21T05:23:31Z INFO  sccache::server] start_server: 127.0.0.1:4226\n",
    "Compile requests                     12\nCache hits                            1\n",
    "rustc 1.95.0 (59807616e 2026-04-14)\nhost: x86_64-unknown-linux-gnu\n",
    '{"rustc_fingerprint":1,"outputs":{},"successes":{}}',
    "sccache: error: Timed out waiting for server startup\n",
    "",
])
def test_sniff_rejects_other_kinds(head):
    assert PARSER.sniff(head, "x.txt") == 0.0


def test_sniff_leaves_cargo_output_to_cargo():
    head = ("   Compiling tinycrate v0.1.0 (/home/dev/tinycrate)\n"
            "error: could not compile `tinycrate` (lib) due to 1 previous error\n")
    assert PARSER.sniff(head, "build.log") < 0.3


def test_ninja_log():
    records, facts, problems = parse(fixture_lines("cmake-ninja-compile-error.txt"))
    assert problems == [] and facts == []
    assert len(records) == 30
    failed = records[10]
    assert (failed.line, failed.text, failed.time, failed.level, failed.target, failed.end_line, failed.event) == \
        (11, "FAILED: CMakeFiles/app.dir/main.c.o ", None, None, None, None, "build-error")
    assert failed.get("tool") == "ninja"
    assert records[0].get("tool") == "cmake"
    assert [(r.line, r.event) for r in records if r.event and r.event != "compile-command"] == [
        (11, "build-error"), (19, "compile-error"), (30, "build-error")]
    assert [r.line for r in records if r.event == "compile-command"] == [12]
    assert records[-1].text == "ninja: build stopped: subcommand failed."


def test_client_debug_lines_keep_their_time():
    records, _, _ = parse(fixture_lines("cmake-ninja-compile-error.txt"))
    logged = records[12]
    assert (logged.time, logged.level, logged.target) == ("2026-11-21T05:55:26Z", "DEBUG", "sccache::config")
    assert logged.text.startswith("Attempting to read config file")
    assert logged.get("tool") == "ninja"


def test_make_log():
    records, _, problems = parse(fixture_lines("make-compile-error.txt"))
    assert problems == [] and len(records) == 43
    errors = [r for r in records if r.event == "build-error"]
    assert [r.text for r in errors] == [
        "gmake[2]: *** [CMakeFiles/app.dir/build.make:76: CMakeFiles/app.dir/main.c.o] Error 1",
        "gmake[1]: *** [CMakeFiles/Makefile2:111: CMakeFiles/app.dir/all] Error 2",
        "gmake: *** [Makefile:91: all] Error 2",
    ]
    assert {r.get("tool") for r in errors} == {"make"}


def test_msbuild_log():
    records, _, problems = parse(fixture_lines("msbuild-cl-failed.txt"))
    assert problems == [] and len(records) == 22
    errors = [r for r in records if r.event == "build-error"]
    assert [r.line for r in errors] == [8, 12, 16, 21]
    assert errors[0].text.strip() == "sccache: error: failed to execute compile"
    assert "error MSB6006: \"cl.exe\" exited with code 2." in errors[1].text
    assert {r.get("tool") for r in records} == {"msbuild"}


def test_launcher_setting_is_cmake():
    records, _, _ = parse(["-- Check for working C compiler: /usr/bin/sccache",
                           "CMAKE_C_COMPILER_LAUNCHER=/usr/bin/sccache", "CMake Error at CMakeLists.txt:3 (project):"])
    assert [r.get("tool") for r in records] == ["cmake"] * 3
    assert [r.event for r in records] == [None, None, "build-error"]


def test_truncated_file_keeps_complete_lines():
    records, _, problems = parse(fixture_lines("make-compile-error.txt")[:39] + ["gmake[1]: *** [CMakeFiles/Make"])
    assert problems == [] and len(records) == 40


@pytest.mark.parametrize("lines", [["\x00\x01", "[", "[1/", "FAILED:", "[2026-13-45T99:99:99Z INFO  x] y"], []])
def test_garbage_never_raises(lines):
    parse(lines)


def test_end_to_end_through_read_bundle():
    bundle = read_bundle([str(FIXTURES / "cmake-ninja-compile-error.txt")], keep_all)
    [artifact] = bundle.artifacts
    assert artifact.kind == "build-output"
    assert artifact.record_count == 30 and artifact.problems == []


def test_msbuild_command_line_error_in_the_documented_format():
    records, _, problems = parse(fixture_lines("msbuild-cl-command-line-error.txt"))
    assert problems == []
    errors = [r for r in records if r.event == "build-error"]
    assert [r.text.strip()[:37] for r in errors] == [
        "cl : Command line error D8021 : inval", "Build FAILED.", "cl : Command line error D8021 : inval"]
    assert [r.line for r in records if r.event == "compile-command"] == [5]  # sccache.exe "…\cl.exe" /c


def test_plain_make_output_is_a_build_log_with_its_compile_commands():
    lines = ["$ make", "g++ -O1 -c main.cpp -o main.o", "cc -O1 -c shapes.c -o shapes.o",
             "g++  -o cdemo main.o shapes.o"]
    assert choose("\n".join(lines), "build.txt")[0] == "build-output"
    records, _, _ = parse(lines)
    assert [(r.line, r.get("tool")) for r in records if r.event == "compile-command"] == [(2, "make"), (3, "make")]


def test_compile_commands_are_marked_only_up_to_a_few_per_kind():
    lines = [f"/home/dev/.cargo/bin/sccache gcc -c f{i}.c -o f{i}.o" for i in range(30)]
    lines += ["gcc -c direct.c -o direct.o"]
    records, _, _ = parse(lines)
    marked = [r for r in records if r.event == "compile-command"]
    assert len(marked) == 11 and marked[-1].text.startswith("gcc -c direct.c")


@pytest.mark.parametrize(("line", "event"), [
    ("/home/dev/work/main.cpp:5:37: error: ‘area_triangle’ was not declared in this scope", "compile-error"),
    ("main.c(2): error C2065: 'x': undeclared identifier", "compile-error"),
    ("C:\\src\\main.c(2,10): error C2065: 'x': undeclared identifier", "compile-error"),
    ("ninja: build stopped: subcommand failed.", "build-error"),
    ("[4/4] Linking CXX executable cdemo", "build-finished"),
    ("[100%] Built target app", "build-finished"),
    ("[3/4] Building CXX object CMakeFiles/cdemo.dir/main.cpp.o", None),
    ("sccache: error: failed to execute compile", "build-error"),
])
def test_line_events(line, event):
    records, _, _ = parse(["ninja: entering directory", line])
    assert records[-1].event == event
