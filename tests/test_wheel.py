"""A wheel built from the checkout carries the definitions: `pip install .` gives a working tool."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "seed-windows-oss-proxy" / "bundle"


@pytest.mark.slow  # builds a wheel
def test_a_wheel_install_analyzes_a_bundle_outside_the_checkout(tmp_path):
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                            "-w", str(tmp_path / "dist"), str(ROOT)], capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr
    wheel = next((tmp_path / "dist").glob("*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    shipped = {Path(n).name for n in names if n.startswith("analyzer/builtin_patterns/")}
    assert shipped == {p.name for p in (ROOT / "patterns").glob("*.toml")}
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site), "SCCACHE_FORENSICS_CACHE": "off"}
    done = subprocess.run([sys.executable, "-m", "analyzer", "analyze", str(SAMPLE), "--format", "json"],
                          cwd=elsewhere, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert '"root_cause":"storage-check-slow"' in done.stdout.replace(" ", "")
    located = subprocess.run([sys.executable, "-c", "import analyzer; print(analyzer.__file__)"],
                             cwd=elsewhere, env=env, capture_output=True, text=True, timeout=60)
    assert located.stdout.startswith(str(site)), "the wheel's copy ran, not the checkout"
