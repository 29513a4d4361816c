"""cargo-output parser: real cargo 1.95 captures (with and without sccache), PowerShell 5.1 wrapping."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from analyzer.ingest import keep_all, read_bundle
from analyzer.parsers.cargo_output import CargoOutputParser, wrapper_of
from analyzer.records import Fact, Problem, Record, fields

FIXTURES = Path(__file__).parent.parent / "fixtures" / "cargo-output"
PARSER = CargoOutputParser()
RUSTC = "/home/dev/.rustup/toolchains/stable-x86_64-unknown-linux-gnu/bin/rustc"
WIN_RUSTC = r"C:\Users\dev\.rustup\toolchains\stable-x86_64-pc-windows-msvc\bin\rustc.exe"
TIMEOUT_STDERR = (
    "--- stderr\n"
    "sccache: error: Timed out waiting for server startup. Maybe the remote service is unreachable?\n"
    "Run with SCCACHE_LOG=debug SCCACHE_NO_DAEMON=1 to get more information"
)


def read(path):
    bundle = read_bundle([str(path)], keep_all)
    (artifact,) = bundle.artifacts
    return artifact


def parse_text(text):
    items = list(PARSER.parse(text.splitlines(), "cargo.txt"))
    return ([i for i in items if isinstance(i, Record)], [i for i in items if isinstance(i, Fact)],
            [i for i in items if isinstance(i, Problem)])


def by_event(records, event):
    return [r for r in records if r.event == event]


# ---- sniff -----------------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.iterdir()))
def test_every_fixture_is_chosen_as_cargo_output(name):
    assert read(FIXTURES / name).kind == "cargo-output"


def test_sniff_stderr_block_of_sccache_errors_is_at_least_medium():
    head = TIMEOUT_STDERR + "\n"
    assert PARSER.sniff(head, "stderr.txt") >= 0.6


def test_sniff_compile_error_head_is_high():
    head = (FIXTURES / "compile-error.txt").read_text()
    assert PARSER.sniff(head, "build.log") >= 0.9


@pytest.mark.parametrize("head", [
    "[2026-11-21T05:23:31Z INFO  sccache::server] start_server: 127.0.0.1:4226\n",
    "Active Internet connections (servers and established)\n"
    "Proto Recv-Q Send-Q Local Address           Foreign Address         State\n"
    "tcp        0      0 127.0.0.1:4226          0.0.0.0:*               LISTEN\n",
    "Compile requests                      7\nCache hits                            0\n",
    '[package]\nname = "x"\nversion = "0.1.0"\n\n[dependencies]\n',
    "sccache: error: Timed out waiting for server startup\n",
])
def test_sniff_other_kinds_is_low(head):
    assert PARSER.sniff(head, "capture.txt") < 0.3


def test_sniff_defers_to_a_powershell_transcript():
    head = "**********************\nWindows PowerShell transcript start\n" + TIMEOUT_STDERR
    head += "\nerror: process didn't exit successfully: `sccache rustc -vV` (exit code: 2)\n"
    assert PARSER.sniff(head, "transcript.txt") <= 0.5


# ---- real captures ---------------------------------------------------------------------------

def test_compile_error_records_and_events():
    artifact = read(FIXTURES / "compile-error.txt")
    assert artifact.problems == []
    assert artifact.record_count == 9
    records = artifact.records
    (compile_error,) = by_event(records, "compile-error")
    assert compile_error == Record(
        "compile-error.txt", "cargo-output", 14,
        "error[E0425]: cannot find value `y` in this scope\n"
        " --> src/main.rs:3:20\n"
        "  |\n"
        '3 |     println!("{}", y);\n'
        "  |                    ^ not found in this scope",
        level="ERROR", target="rustc", end_line=18, event="compile-error", fields=fields(code="E0425"))
    (could_not,) = by_event(records, "could-not-compile")
    assert (could_not.line, could_not.get("crate"), could_not.get("count")) == (21, "x", "1")
    warning = next(r for r in records if r.text.startswith("warning: unused variable"))
    assert warning.level == "WARN" and warning.end_line == 10
    assert warning.text.endswith("= note: `#[warn(unused_variables)]` (part of `#[warn(unused)]`) on by default")
    compiling = [r for r in records if r.get("step") == "Compiling"]
    assert [(r.get("crate"), r.get("version")) for r in compiling] == [("ok", "0.1.0"), ("x", "0.1.0")]


def test_probe_timeout_joins_the_stderr_block():
    artifact = read(FIXTURES / "probe-timeout.txt")
    assert artifact.problems == []
    (record,) = artifact.records
    command = f"/home/dev/.cargo/bin/sccache {RUSTC} -vV"
    assert record == Record(
        "probe-timeout.txt", "cargo-output", 1,
        f"error: process didn't exit successfully: `{command}` (exit status: 2)\n" + TIMEOUT_STDERR,
        level="ERROR", target="cargo", end_line=4, event="probe-failed",
        fields=fields(command=command, wrapper="/home/dev/.cargo/bin/sccache", status="exit status: 2", exit_code="2"))
    assert [(f.name, f.value) for f in artifact.facts] == [("cargo_wrapper", "/home/dev/.cargo/bin/sccache")]


def test_target_info_probe_failure_keeps_the_caused_by_chain():
    (record,) = read(FIXTURES / "target-info-probe-failed.txt").records
    assert record.event == "probe-failed"
    assert (record.line, record.end_line) == (1, 7)
    assert record.text.startswith("error: failed to run `rustc` to learn about target-specific information\n\nCaused by:\n")
    assert record.text.endswith("  Run with SCCACHE_LOG=debug SCCACHE_NO_DAEMON=1 to get more information")
    assert record.get("wrapper") == "/home/dev/.local/bin/sccache"
    assert "--print=cfg" in record.get("command")


def test_wrapper_not_found():
    (record,) = read(FIXTURES / "wrapper-not-found.txt").records
    assert record.event == "probe-failed"
    assert record.get("wrapper") == "/nonexistent/sccache"
    assert record.text.endswith("Caused by:\n  No such file or directory (os error 2)")
    assert record.get("status") is None


def test_killed_compile_has_signal_and_no_diagnostic():
    artifact = read(FIXTURES / "killed-by-signal.txt")
    assert by_event(artifact.records, "compile-error") == []
    (record,) = by_event(artifact.records, "could-not-compile")
    assert record.get("status") == "signal: 9, SIGKILL: kill"
    assert (record.get("signal"), record.get("exit_code")) == ("9", None)
    assert record.get("crate") == "ok" and record.get("count") is None


def test_verbose_build_through_sccache_names_the_wrapper():
    artifact = read(FIXTURES / "sccache-verbose-success.txt")
    running = next(r for r in artifact.records if r.get("step") == "Running")
    assert running.get("wrapper") == "/home/dev/.cargo/bin/sccache"
    (finished,) = by_event(artifact.records, "build-finished")
    assert (finished.get("profile"), finished.get("elapsed"), finished.get("seconds")) == ("dev", "0.18s", "0.18")
    assert ("cargo_wrapper", "/home/dev/.cargo/bin/sccache") in [(f.name, f.value) for f in artifact.facts]


def test_verbose_compile_error_without_wrapper():
    artifact = read(FIXTURES / "compile-error-verbose.txt")
    (could_not,) = by_event(artifact.records, "could-not-compile")
    assert could_not.get("command").startswith(RUSTC + " --crate-name x")
    assert could_not.get("wrapper") is None and could_not.get("exit_code") == "1"
    assert artifact.facts == []


def test_old_finished_format():
    records = read(FIXTURES / "old-finished.txt").records
    assert records[1].event == "build-finished"
    assert (records[1].get("profile"), records[1].get("seconds")) == ("dev", "544")


def test_parallel_failure_warning_is_its_own_record():
    records = read(FIXTURES / "parallel-build-failed.txt").records
    assert records[-1].text == "warning: build failed, waiting for other jobs to finish..."
    assert records[-1].level == "WARN" and records[-1].event is None


# ---- PowerShell 5.1 captures -----------------------------------------------------------------

def test_utf16_capture_with_every_line_wrapped():
    path = FIXTURES / "powershell-5.1-probe-timeout.utf16le.txt"
    raw = path.read_bytes()
    assert raw.startswith(b"\xff\xfe") and "\r\n".encode("utf-16-le") in raw
    artifact = read(path)
    assert artifact.encoding == "utf-16-le-bom" and artifact.problems == []
    errors = [r for r in artifact.records if r.target != "powershell"]
    decorations = [r for r in artifact.records if r.target == "powershell"]
    command = rf"C:\Users\dev\.cargo\bin\sccache.exe {WIN_RUSTC} -vV"
    assert len(errors) == 1 and len(decorations) == 4
    (error,) = errors
    assert error.text == f"error: process didn't exit successfully: `{command}` (exit code: 2)\n" + TIMEOUT_STDERR
    assert (error.line, error.end_line, error.event) == (1, 22, "probe-failed")
    assert (error.get("wrapper"), error.get("exit_code")) == (r"C:\Users\dev\.cargo\bin\sccache.exe", "2")
    assert decorations[0].get("command") == "cargo.exe build 2> cargo-stderr.txt"
    assert "cargo.exe : " not in error.text and "At line:1" not in error.text
    assert ("os", "windows") in [(f.name, f.value) for f in artifact.facts]


def test_gbk_capture_from_a_chinese_console():
    path = FIXTURES / "powershell-zh-cn-probe-timeout.gbk.txt"
    assert "所在位置 行:1 字符: 1".encode("gbk") in path.read_bytes()
    artifact = read(path)
    assert artifact.encoding == "gbk"
    error, decoration = artifact.records
    assert error.text == (f"error: process didn't exit successfully: `sccache {WIN_RUSTC} -vV` (exit code: 2)\n"
                          + TIMEOUT_STDERR)
    assert (error.line, error.end_line, error.get("wrapper")) == (1, 10, "sccache")
    assert decoration.text.startswith("所在位置 行:1 字符: 1\n+ cargo check -p api-server 2>&1")
    assert {(f.name, f.value) for f in artifact.facts} == {
        ("os", "windows"), ("locale", "zh-CN"), ("cargo_wrapper", "sccache")}


def test_a_wrapped_progress_line_is_still_progress():
    records, _facts, problems = parse_text(
        "cargo :     Checking api-server v0.1.0 (C:\\proj\\server-rs\\api-server)\n"
        "At line:1 char:1\n+ cargo check -p api-server 2>&1\n+ ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n"
        "    + CategoryInfo          : NotSpecified: (    Checking a...\\api-server):String) [], RemoteException\n"
        "    + FullyQualifiedErrorId : NativeCommandError\n \n"
        "    Finished `dev` profile [unoptimized + debuginfo] target(s) in 1m 02s\n")
    assert problems == []
    assert [r.get("step") for r in records] == ["Checking", None, "Finished"]
    assert records[2].get("seconds") == "62"


# ---- damaged input ---------------------------------------------------------------------------

def test_truncated_mid_diagnostic(tmp_path):
    lines = (FIXTURES / "compile-error.txt").read_text().splitlines()[:15]
    path = tmp_path / "cut.txt"
    path.write_text("\n".join(lines) + "\n")
    artifact = read(path)
    assert artifact.record_count == 7  # six complete records and the cut diagnostic
    assert [p.line for p in artifact.problems] == [15]
    assert "truncated" in artifact.problems[0].reason
    assert artifact.records[-1].text == "error[E0425]: cannot find value `y` in this scope\n --> src/main.rs:3:20"


def test_a_pasted_command_line_ends_the_stderr_block():
    records, _facts, problems = parse_text(
        f"$ cargo build\nerror: process didn't exit successfully: `sccache {RUSTC} -vV` (exit status: 2)\n"
        + TIMEOUT_STDERR + "\n\n$ cargo build\n    Finished `dev` profile [unoptimized + debuginfo] target(s) in 0.10s\n")
    assert problems == []
    assert [(r.line, r.end_line, r.target) for r in records] == [(1, 1, "shell"), (2, 5, "cargo"), (7, 7, "shell"), (8, 8, "cargo")]
    assert records[0].get("command") == "cargo build"


def test_truncated_after_stderr_marker():
    records, _facts, problems = parse_text(f"error: process didn't exit successfully: `sccache {RUSTC} -vV` (exit status: 2)\n--- stderr\n")
    assert len(records) == 1 and len(problems) == 1


def test_garbage_never_raises(tmp_path):
    path = tmp_path / "noise.bin"
    path.write_bytes(os.urandom(4096) + b"\n   Compiling x v0.1.0 (/x)\n" + os.urandom(2048))
    bundle = read_bundle([str(path)], keep_all)
    assert bundle.artifacts
    records, _facts, _problems = parse_text("\x00\x01 error[\n--- stderr\n+ ~~~\n    + CategoryInfo : \n")
    assert records


@pytest.mark.parametrize("command, wrapper", [
    (f"/home/dev/.cargo/bin/sccache {RUSTC} -vV", "/home/dev/.cargo/bin/sccache"),
    (f"/tmp/fail.sh {RUSTC} -vV", "/tmp/fail.sh"),
    (rf"C:\Program Files\sccache\sccache.exe {WIN_RUSTC} -vV", r"C:\Program Files\sccache\sccache.exe"),
    (f"{RUSTC} --crate-name x src/main.rs", None),
    ("/home/dev/src/x/target/debug/build/x-1234/build-script-build", None),
    ("", None),
])
def test_wrapper_of(command, wrapper):
    assert wrapper_of(command) == wrapper
