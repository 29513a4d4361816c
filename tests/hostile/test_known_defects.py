"""Hostile inputs that once stopped a whole analysis or produced nonsense, kept as regressions:
a storage check "measured" across a clock jump, Unicode and 5,000-digit numbers in env values
(now read by analyzer/textnum.py), and a version string with a superscript digit."""

from __future__ import annotations

from pathlib import Path

from analyzer.analysis import analyze
from tests.hostile.corpus import CLIENT_ERROR, timestamps_out_of_order, write
from tests.shared import knowledge


def analyze_folder(folder: Path) -> dict:
    return analyze([str(folder)], knowledge()).report


def test_no_durations_across_clock_jumps(tmp_path):
    timestamps_out_of_order(tmp_path)
    rep = analyze_folder(tmp_path / "bundle")
    assert 0 <= rep["facts"].get("storage_check_s", 0) <= 24 * 3600, rep["facts"]
    assert "storage-check-slow" not in {f["id"] for f in rep["findings"]}


def test_env_port_in_superscript_digits(tmp_path):
    write(tmp_path / "b" / "env.txt", "SCCACHE_SERVER_PORT=\u00b2\nPATH=/usr/bin\n")
    write(tmp_path / "b" / "cargo.txt", CLIENT_ERROR)
    analyze_folder(tmp_path / "b")


def test_env_idle_timeout_with_5000_digits(tmp_path):
    write(tmp_path / "b" / "env.txt", "SCCACHE_IDLE_TIMEOUT=" + "9" * 5000 + "\nPATH=/usr/bin\n")
    write(tmp_path / "b" / "cargo.txt", CLIENT_ERROR)
    analyze_folder(tmp_path / "b")


def test_sccache_version_with_a_superscript_digit(tmp_path):
    write(tmp_path / "b" / "cargo-build.txt", CLIENT_ERROR + "sccache 0.16.0\u00b9\n")
    analyze_folder(tmp_path / "b")
