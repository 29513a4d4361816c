"""The fuzz target stays runnable, and every input it ever failed on (fuzz/regressions/) and every
seed passes. In a subprocess: the target sets its own smaller limits for the whole process."""

from __future__ import annotations

import subprocess
import sys

from tests.shared import ROOT

TARGET = ROOT / "fuzz" / "fuzz_bundle.py"


def test_fuzz_regressions_and_seeds_pass():
    done = subprocess.run([sys.executable, str(TARGET), "--replay", "--seeds"], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    assert "0 failed" in done.stdout
