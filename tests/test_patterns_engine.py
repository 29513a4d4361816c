"""The pattern engine: validation reports every problem, prefilter changes nothing, captures work."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from analyzer.patterns import Library, Match, load_directory, load_library
from analyzer.patterns.literals import derive_literal
from analyzer.patterns.prefilter import aho_corasick_finder, in_loop_finder
from analyzer.records import Record

LIBRARY = load_library()

GOOD = """
id = "{id}"
title = "A user signature"
group = "startup"
layer = "cache-wrapper"
default_role = "symptom"
severity = "warning"
status = "test"
applies_to = ["sccache-log"]
meaning = "a widget broke"
typical_evidence = "widget gear broke"
{extra}
[causality]
root_cause = "fallback"

[doc]
what_it_detects = "a broken widget"
why_builds_fail = "widgets matter"
[doc.fix]
text = "mend it"

[[indication]]

[[indication.match]]
regex = 'widget (?P<part>\\w+) broke'

[indication.examples]
match = ["widget gear broke"]
no_match = ["widget fine"]
"""

BROKEN = {
    "server-startup-timeout.toml": GOOD.format(id="server-startup-timeout", extra="").replace(
        "regex = 'widget (?P<part>\\w+) broke'", "regex = 'widget (?P<part>\\w+ broke'"),
    "ipc-broken.toml": GOOD.format(id="ipc-broken", extra="").replace('"symptom"', '"culprit"'),
    "stop-server-failed.toml": GOOD.format(id="stop-server-failed", extra="")
    + "\n[[indication.match]]\nregex = 'never seen'\n",
    "server-not-running.toml": GOOD.format(id="server-not-running", extra="").replace(
        'no_match = ["widget fine"]', 'no_match = ["widget cog broke"]'),
    "daemon-not-listening.toml": GOOD.format(id="daemon-not-listening", extra="").replace(
        'why_builds_fail = "widgets matter"\n', ""),
    "not-a-real-id.toml": GOOD.format(id="not-a-real-id", extra=""),
    "wrong-name.toml": GOOD.format(id="ipc-broken", extra=""),
}

EXPECTED = {
    ("server-startup-timeout.toml", "indication[0].match[0].regex"),
    ("ipc-broken.toml", "default_role"),
    ("stop-server-failed.toml", "indication[0].match[1].regex"),
    ("server-not-running.toml", "indication[0].examples.no_match[0]"),
    ("daemon-not-listening.toml", "doc.why_builds_fail"),
    ("not-a-real-id.toml", "id"),
    ("wrong-name.toml", "id"),
}


def write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_broken_directory_reports_every_problem_with_file_and_key(tmp_path):
    folder = write(tmp_path / "user", BROKEN)
    patterns, errors = load_directory(folder)
    assert patterns == []
    found = {(Path(e.file).name, e.key) for e in errors}
    assert EXPECTED <= found
    assert all(str(e).startswith(e.file + ": " + e.key + ": ") for e in errors)


def test_more_problems_in_one_file_are_all_reported(tmp_path):
    text = GOOD.format(id="ipc-broken", extra='samples = "x"\nwhatever = 1').replace('"test"', '"gold"')
    _, errors = load_directory(write(tmp_path / "u", {"ipc-broken.toml": text}))
    assert {e.key for e in errors} >= {"status", "samples", "whatever"}


def test_bad_toml_is_an_error_not_a_traceback(tmp_path):
    _, errors = load_directory(write(tmp_path / "u", {"ipc-broken.toml": "id = "}))
    assert [e.key for e in errors] == ["toml"]


def test_literal_must_be_in_every_matching_example(tmp_path):
    text = GOOD.format(id="ipc-broken", extra="").replace("[[indication.match]]\n",
                                                          '[[indication.match]]\nliteral = "gizmo"\n')
    _, errors = load_directory(write(tmp_path / "u", {"ipc-broken.toml": text}))
    assert [e.key for e in errors] == ["indication[0].match[0].literal"]


def test_stable_needs_samples_and_unknown_kind_is_named(tmp_path):
    text = GOOD.format(id="ipc-broken", extra="").replace('"test"', '"stable"').replace('["sccache-log"]', '["syslog"]')
    _, errors = load_directory(write(tmp_path / "u", {"ipc-broken.toml": text}))
    assert {e.key for e in errors} == {"samples", "applies_to[0]"}


def test_user_pattern_may_add_a_new_id_only_with_new_id(tmp_path):
    folder = write(tmp_path / "u", {"widget-broke.toml": GOOD.format(id="widget-broke", extra="new_id = true")})
    library = load_library([folder])
    assert library.errors == ()
    assert [m.pattern_id for m in library.match(Record("s.log", "sccache-log", 1, "widget gear broke"))] == ["widget-broke"]


def test_builtin_folder_may_not_add_new_ids(tmp_path):
    folder = write(tmp_path / "b", {"widget-broke.toml": GOOD.format(id="widget-broke", extra="new_id = true")})
    _, errors = load_directory(folder, user=False)
    assert [e.key for e in errors] == ["new_id"]


def test_missing_extra_directory_is_reported(tmp_path):
    library = load_library([tmp_path / "absent"])
    assert [e.key for e in library.errors] == ["patterns"]
    assert len(library) > 0


def test_files_starting_with_underscore_are_not_signatures(tmp_path):
    folder = write(tmp_path / "u", {"_masks.toml": "[[mask]]\nname='n'\nregex='x'\nreplacement='y'\n"})
    assert load_directory(folder) == ([], [])


def all_example_records() -> list[Record]:
    lines = {line for p in LIBRARY.patterns for line in p.examples_match + p.examples_no_match}
    kinds = sorted({k for p in LIBRARY.patterns for k in p.applies_to})
    return [Record("x", kind, 1, line) for line in sorted(lines) for kind in kinds]


def test_prefilter_gives_the_same_matches_as_trying_every_regex():
    for record in all_example_records():
        assert LIBRARY.match(record) == LIBRARY.match(record, prefilter=False), record.text


def test_both_finders_agree():
    literals = LIBRARY.literals()
    aho, loop = aho_corasick_finder(literals), in_loop_finder(literals)
    for record in all_example_records()[::7]:
        assert aho(record.text) == loop(record.text)


def test_in_loop_library_matches_like_the_default():
    slow = Library(LIBRARY.definitions.values(), finder=in_loop_finder(LIBRARY.literals()))
    for record in all_example_records()[::5]:
        assert slow.match(record) == LIBRARY.match(record)


def test_literals_are_exported_sorted_and_unique():
    literals = LIBRARY.literals()
    assert literals == sorted(set(literals))
    assert "Timed out waiting for server startup" in literals


@pytest.mark.parametrize(("regex", "literal"), [
    (r"Timed out waiting for server startup(?P<hint>\. Maybe)?", "Timed out waiting for server startup"),
    (r"proxy\((?P<p>[^)]*)\) intercepts '", ") intercepts '"),
    (r"services?x", "service"),
    (r"a+bcdefg", "bcdefg"),
    (r"alpha|beta", None),
    (r"(?i)taskkill", None),
    (r"\d+", None),
])
def test_derived_literal_is_the_longest_mandatory_text(regex, literal):
    assert derive_literal(regex) == literal


def test_applies_to_limits_kinds():
    line = "sccache: error: Timed out waiting for server startup"
    assert LIBRARY.match(Record("ss.txt", "sockets", 1, line)) == []
    assert [m.pattern_id for m in LIBRARY.match(Record("c.txt", "cargo-output", 1, line))] == ["server-startup-timeout"]


def test_match_is_frozen_and_scan_streams():
    records = [Record("c.txt", "cargo-output", i, t) for i, t in enumerate(
        ["   Compiling demo v0.1.0", "sccache: error: Timed out waiting for server startup"], 1)]
    matches = list(LIBRARY.scan(iter(records)))
    assert [(m.pattern_id, m.record.line) for m in matches] == [("server-startup-timeout", 2)]
    with pytest.raises(dataclasses.FrozenInstanceError):
        matches[0].pattern_id = "x"
    assert isinstance(matches[0], Match) and isinstance(matches[0].captures, tuple)


def captures(kind: str, text: str, pattern_id: str) -> dict[str, str]:
    found = [m for m in LIBRARY.match(Record("x", kind, 1, text)) if m.pattern_id == pattern_id]
    assert found, f"{pattern_id} did not fire on {text!r}"
    return dict(found[0].captures)


def test_captures_proxy_url_port_and_target():
    got = captures("sccache-log", "proxy(http://127.0.0.1:7897/) intercepts 'https://oss-cn-hangzhou.aliyuncs.com/'",
                   "proxy-in-path")
    assert got["proxy"] == "http://127.0.0.1:7897/"
    assert got["port"] == "7897"
    assert got["target"] == "https://oss-cn-hangzhou.aliyuncs.com/"


def test_captures_endpoint_and_os_error():
    got = captures("sccache-log", "error sending request for url (http://127.0.0.1:4311/b/.sccache_check): client error "
                   "(Connect): tcp connect error: Connection refused (os error 111)", "remote-unreachable")
    assert got == {"endpoint": "http://127.0.0.1:4311/b/.sccache_check", "cause": "tcp connect error", "os_error": "111"}


def test_captures_backend_and_bucket():
    got = captures("sccache-log", "service=oss name=genarrative-sccache path=.sccache_check: read failed "
                   "Unexpected (temporary) at read => send http request", "storage-check-failed")
    assert (got["backend"], got["bucket"], got["operation"]) == ("oss", "genarrative-sccache", "read")


def test_captures_pid_of_killed_process():
    got = captures("shell-transcript", 'SUCCESS: The process "sccache.exe" with PID 18236 has been terminated.',
                   "compile-interrupted-by-kill")
    assert got == {"name": "sccache.exe", "pid": "18236"}


def test_captures_crate_and_code():
    assert captures("cargo-output", "error: could not compile `api-server` (lib) due to 2 previous errors",
                    "source-compile-error")["crate"] == "api-server"
    assert captures("cargo-output", "error[E0425]: cannot find value `x` in this scope",
                    "source-compile-error")["code"] == "E0425"
    assert captures("cargo-output", "error[E0514]: found crate `serde` compiled by an incompatible version of rustc",
                    "cache-served-bad-artifact")["crate"] == "serde"


def test_captures_wrapper_and_exit_code_of_failed_probe():
    got = captures("cargo-output", "error: process didn't exit successfully: `C:\\Users\\DSK\\.cargo\\bin\\sccache.exe "
                   "C:\\Users\\DSK\\.rustup\\toolchains\\stable-x86_64-pc-windows-msvc\\bin\\rustc.exe -vV` (exit code: 2)",
                   "rustc-probe-failed")
    assert got["wrapper"] == "C:\\Users\\DSK\\.cargo\\bin\\sccache.exe"
    assert got["exit_code"] == "2" and got["status"] == "exit code: 2"


def test_captures_os_error_of_port_problems():
    assert captures("sccache-log", "failed to start server: Address already in use (os error 98)",
                    "server-port-in-use")["os_error"] == "98"
    assert captures("sccache-log", "failed to start server: Only one usage of each socket address (protocol/network "
                    "address/port) is normally permitted. (os error 10048)", "server-port-in-use")["os_error"] == "10048"
    assert captures("sccache-log", "failed to start server: An attempt was made to access a socket in a way forbidden "
                    "by its access permissions. (os error 10013)", "server-port-reserved")["os_error"] == "10013"


def test_captures_imds_port_and_env_setting():
    assert captures("sockets", "tcp SYN-SENT 0 1 172.17.0.2:41822 169.254.169.254:80 users:((\"sccache\",pid=4121,fd=12))",
                    "aws-imds-credentials")["port"] == "80"
    got = captures("env", "SCCACHE_STARTUP_TIMEOUT        60", "setting-ignored")
    assert got == {"name": "SCCACHE_STARTUP_TIMEOUT", "value": "60"}


def test_a_file_of_the_earlier_format_says_how_to_convert_it(tmp_path):
    old = (GOOD.format(id="ipc-broken", extra="").replace("[[indication]]\n", "")
           .replace("[[indication.match]]", "[[match]]").replace("[indication.examples]", "[examples]"))
    _, errors = load_directory(write(tmp_path / "u", {"ipc-broken.toml": old}))
    assert any(e.key == "match" and "[[indication]]" in e.message for e in errors)
