"""The pair lab, live: a Rust pair (RUSTFLAGS) and a C/C++ pair (a define through CFLAGS and
CXXFLAGS) made again with the real sccache 0.16, cargo, CMake and gcc; compare must name the
planted difference and the compiles it explains, as for the checked-in pairs.

Needs cargo, cmake, ninja, gcc, ss, ps and PyPI (a missing one fails with the reason; set
SCCACHE_FORENSICS_NO_LIVE=1 to skip). Runs on port 4499 (`--port-offset 50`) with its own venv
directory under the test's tmp_path. Typical duration: 30-40 s.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest

from analyzer.compare.model import compare
from tests.shared import ROOT, SAMPLES, knowledge

pytestmark = pytest.mark.slow
PAIRS = ["rustflags", "cflags-define"]
TIMEOUT = 300


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    if os.environ.get("SCCACHE_FORENSICS_NO_LIVE") == "1":
        pytest.skip("SCCACHE_FORENSICS_NO_LIVE=1: live lab not run")
    run_dir = tmp_path_factory.mktemp("pairs-live")
    tmp = run_dir / "tmp"
    tmp.mkdir()
    cmd = [sys.executable, str(ROOT / "samples" / "lab" / "run.py"), "--out", str(run_dir / "out"),
           "--work", str(run_dir / "work"), "--port-offset", "50", *(f"pair-{p}" for p in PAIRS)]
    proc = subprocess.Popen(cmd, env=dict(os.environ, TMPDIR=str(tmp), PYTHONUNBUFFERED="1"),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        output, _ = proc.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGTERM)  # run.py unwinds through its clean-up
        output, _ = proc.communicate(timeout=60)
        pytest.fail(f"the pair lab did not finish within {TIMEOUT} s:\n{output[-3000:]}")
    if proc.returncode != 0:
        pytest.fail(f"the pair lab exited {proc.returncode}:\n{output[-3000:]}")
    return run_dir / "out" / "pairs"


@pytest.mark.parametrize("name", PAIRS)
def test_a_live_pair_is_explained_like_the_checked_in_one(made, name):
    pair = made / name
    produced = json.loads((pair / "expected.json").read_text(encoding="utf-8"))["explanations"]
    checked_in = json.loads((SAMPLES / "pairs" / name / "expected.json").read_text(encoding="utf-8"))["explanations"]
    assert produced == checked_in
    got = compare([str(pair / "baseline")], [str(pair / "candidate")], knowledge())
    assert {e["id"]: e["explains"] for e in got["explanations"]} == produced
    assert not got["unexplained"]
