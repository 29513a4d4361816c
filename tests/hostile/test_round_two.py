"""Breaks found by trying the tool as an attacker would, each kept as a test: a file swapped for a
link while the walk runs, names and values that are not UTF-8, odd archive member names, odd
timestamps, escapes in messages, and slow streams."""

from __future__ import annotations

import io
import os
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from analyzer.bundle import iter_bundle
from analyzer.cli import main

OUTSIDE = "OUTSIDE-TEXT-never-to-be-read"


@pytest.mark.skipif(not hasattr(os, "O_NOFOLLOW"), reason="needs O_NOFOLLOW")
def test_a_file_swapped_for_a_link_during_the_walk_is_not_followed(tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text(OUTSIDE)
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    (bundle / "a.log").write_text("first\n")
    (bundle / "b.log").write_text("second\n")
    problems: list = []
    read = {}
    for member in iter_bundle([str(bundle)], problems=problems):
        with member.open() as stream:
            read[member.path] = stream.read()
        if member.path == "a.log":  # b.log is listed as a file; now it becomes a link out
            (bundle / "b.log").unlink()
            (bundle / "b.log").symlink_to(outside)
    assert b"first\n" == read["a.log"]
    assert all(OUTSIDE.encode() not in data for data in read.values())
    assert any(p.source == "b.log" and "not followed" in p.reason for p in problems), problems


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_swapped_in_during_the_walk_does_not_block(tmp_path):
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    (bundle / "a.log").write_text("first\n")
    (bundle / "b.log").write_text("second\n")
    problems: list = []
    done = []

    def walk() -> None:
        for member in iter_bundle([str(bundle)], problems=problems):
            with member.open() as stream:
                stream.read()
            if member.path == "a.log":
                (bundle / "b.log").unlink()
                os.mkfifo(bundle / "b.log")
        done.append(True)

    worker = threading.Thread(target=walk, daemon=True)
    worker.start()
    worker.join(10)
    assert done, "the walk blocked on a FIFO without a writer"
    assert any(p.source == "b.log" and "not a regular file" in p.reason for p in problems), problems
