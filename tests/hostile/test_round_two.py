"""Breaks found by trying the tool as an attacker would, each kept as a test: a file swapped for a
link while the walk runs, names and values that are not UTF-8, odd archive member names, odd
timestamps, escapes in messages, and slow streams."""

from __future__ import annotations

import io
import json
import os
import subprocess
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


CLIENT_ERROR = "sccache: error: Timed out waiting for server startup. Maybe the remote service is unreachable?\n"


def _cli(*args: str) -> tuple[int, str, str]:
    done = CliRunner().invoke(main, list(args))
    return done.exit_code, done.stdout, done.stderr


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file names are bytes")
@pytest.mark.parametrize("command", ["analyze", "inspect"])
def test_a_loose_file_whose_name_is_not_utf8_is_read_and_shown_escaped(tmp_path, command):
    name = bytes(tmp_path) + b"/\xff\xfebad.log"
    with open(name, "wb") as handle:
        handle.write(CLIENT_ERROR.encode())
    code, out, err = _cli(command, os.fsdecode(name), "--format", "json")
    assert code == 0, err
    assert "\\\\xff\\\\xfebad.log" in out  # `\xff` in the name, its backslash escaped by JSON


def _zip_with_an_empty_first_name() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("q", "x")
        archive.writestr("sccache.log", CLIENT_ERROR)
        archive.filelist[0].filename = ""  # what the central directory says; zipfile cannot write it
    return buffer.getvalue()


def test_an_empty_member_name_skips_that_member_only(tmp_path):
    bundle = tmp_path / "b.zip"
    bundle.write_bytes(_zip_with_an_empty_first_name())
    code, out, err = _cli("inspect", str(bundle), "--format", "json")
    assert code == 0, err
    assert "sccache.log" in out and "empty member name; skipped" in out


@pytest.mark.parametrize("stamp", ["0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00"])
def test_a_timestamp_with_no_utc_time_is_a_problem_and_the_log_is_read(tmp_path, stamp):
    log = tmp_path / "sccache.log"
    log.write_text(f"[{stamp} INFO  sccache::server] start_server: 127.0.0.1:4226\n"
                   f"[2026-11-21T05:23:31Z ERROR sccache::server] {CLIENT_ERROR}")
    code, out, err = _cli("inspect", str(log), "--format", "json")
    assert code == 0, err
    assert "unreadable timestamp" in out and "parser stopped" not in out
    assert '"records": 2' in out


def test_the_year_1_without_an_offset_keeps_four_digits(tmp_path):
    import json

    import jsonschema

    schema = json.loads((Path(__file__).resolve().parents[2] / "analyzer" / "schema" / "report.schema.json")
                        .read_text(encoding="utf-8"))
    log = tmp_path / "sccache.log"
    log.write_text(f"[0001-01-01T00:00:00 INFO  sccache::server] start_server: 127.0.0.1:4226\n"
                   f"[2026-11-21T05:23:31Z ERROR sccache::server] {CLIENT_ERROR}")
    code, out, err = _cli("analyze", str(log), "--format", "json")
    assert code == 0, err
    assert "0001-01-01T00:00:00Z" in out
    jsonschema.validate(json.loads(out), schema)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
@pytest.mark.parametrize("writer", [False, True], ids=["no-writer", "stalled-writer"])
def test_a_fifo_ends_at_the_time_limit(tmp_path, writer):
    fifo = tmp_path / "log"
    os.mkfifo(fifo)
    stall = None
    if writer:  # writes a line, then holds the FIFO open without writing
        stall = subprocess.Popen(["sh", "-c", f"exec 3>'{fifo}'; printf 'sccache: error: x\\n' >&3; sleep 30"])
    try:
        started = time.monotonic()
        done = subprocess.run([sys.executable, "-m", "analyzer", "inspect", str(fifo)], capture_output=True,
                              text=True, timeout=60, env={**os.environ, "SCCACHE_FORENSICS_TIME_LIMIT": "2"})
        assert time.monotonic() - started < 15
        assert "time limit" in done.stdout + done.stderr
    finally:
        if stall is not None:
            stall.kill()


def test_stdin_that_stalls_ends_at_the_time_limit():
    started = time.monotonic()
    with subprocess.Popen([sys.executable, "-m", "analyzer", "inspect", "-"], stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          env={**os.environ, "SCCACHE_FORENSICS_TIME_LIMIT": "2"}) as proc:
        proc.stdin.write("sccache: error: Timed out waiting for server startup\n")
        proc.stdin.flush()  # and never closed
        try:
            proc.wait(timeout=20)
        finally:
            proc.kill()
        out, err = proc.stdout.read(), proc.stderr.read()
    assert time.monotonic() - started < 15
    assert "time limit" in out + err


def _batch(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "analyzer", "batch", *args, "--jobs", "1"], capture_output=True,
                          text=True, timeout=300)


@pytest.mark.skipif(sys.platform == "win32", reason="escape bytes in a file name")
def test_batch_shows_no_terminal_escape_from_a_file_name(tmp_path):
    inputs = tmp_path / "in"
    (inputs / "hostA").mkdir(parents=True)
    (inputs / "hostA" / "client.log").write_text(CLIENT_ERROR)
    (inputs / "evil\x1b]0;pwned\x07.txt").write_text("x")
    done = _batch(str(inputs), "-o", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    assert "ignored 1 entries" in done.stderr
    assert "\x1b" not in done.stdout + done.stderr and "\x07" not in done.stdout + done.stderr


def test_batch_refuses_an_output_folder_inside_an_input(tmp_path):
    inputs = tmp_path / "in"
    (inputs / "hostA").mkdir(parents=True)
    (inputs / "hostA" / "client.log").write_text(CLIENT_ERROR)
    done = _batch(str(inputs), "-o", str(inputs / "hostA" / "fleet"))
    assert done.returncode == 2
    assert "inside the input" in done.stderr
    assert sorted(p.name for p in (inputs / "hostA").iterdir()) == ["client.log"]


def test_one_unreadable_member_does_not_fail_the_bundle_hash(tmp_path, monkeypatch):
    from analyzer.batch import hashing

    bundle = tmp_path / "hostA"
    bundle.mkdir()
    (bundle / "client.log").write_text(CLIENT_ERROR)
    (bundle / "locked.log").write_text("x")
    feed = hashing._feed

    def unreadable(digest, path):
        if path.name == "locked.log":
            raise PermissionError(13, "Permission denied")
        feed(digest, path)

    monkeypatch.setattr(hashing, "_feed", unreadable)
    assert hashing.content_hash(bundle).startswith("sha256:")


@pytest.mark.skipif(sys.platform == "win32", reason="sends SIGINT to a process group")
def test_ctrl_c_during_batch_start_up_ends_it_without_a_traceback(tmp_path):
    import shutil
    import signal

    sample = Path(__file__).resolve().parents[2] / "samples" / "s3-no-credentials" / "bundle"
    for n in range(4):
        shutil.copytree(sample, tmp_path / "in" / f"host{n}")
    seen = []
    for n, delay in enumerate([0.3, 0.8, 1.2, 1.6]):  # while importing, starting workers, running
        proc = subprocess.Popen([sys.executable, "-m", "analyzer", "batch", str(tmp_path / "in"), "-o",
                                 str(tmp_path / f"out{n}"), "--jobs", "2"], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, start_new_session=True)
        time.sleep(delay)
        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C at a terminal does: the whole group
        out, err = proc.communicate(timeout=60)
        seen.append(out + err)
    assert [s for s in seen if "Traceback" in s] == []


def test_the_dask_engine_ends_a_bundle_with_a_backtracking_line_near_its_limit(tmp_path):
    """The watchdog can only raise between Python instructions; a regex search stuck in native
    code for 48 s once made a row say `timeout after 2 s` for a bundle that ran 13 s and more."""
    pytest.importorskip("distributed")
    from tests.batch.helpers import batch

    line = "error sending request for url (https://acme.oss-cn-hangzhou.aliyuncs.com/.sccache_check): "
    bundle = tmp_path / "in" / "host1"
    bundle.mkdir(parents=True)
    (bundle / "sccache-server.log").write_text(
        "[2026-11-21T05:23:31Z INFO  sccache::server] start_server: 127.0.0.1:4226\n"
        "[2026-11-21T05:23:32Z ERROR sccache::server] " + line * (200_000 // len(line)) + "\n")
    result = batch([tmp_path / "in"], tmp_path / "out", engine="dask", jobs=1, timeout=2)
    rows = [json.loads(line) for line in (tmp_path / "out" / "fleet.jsonl").read_text().splitlines()]
    assert result.bundles == 1
    assert rows[0]["duration_ms"] is None or rows[0]["duration_ms"] < 6000, rows[0]
