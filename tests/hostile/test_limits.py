"""The budget of one bundle walk (analyzer/budget.py) at small limits, in process: compression
ratio, time, tar header size, and a prompt stop once a limit bites."""

from __future__ import annotations

import bz2
import gzip
import io
import itertools
import tarfile
import zipfile

from analyzer.budget import DEFAULT_SECONDS, TIME_LIMIT_ENV, Limits, WalkState
from analyzer.bundle import iter_bundle
from tests.hostile.corpus import MB, SERVER_LOG, tar_bytes, zip_bytes


def test_ratio_limit_cuts_a_bomb_and_stops_the_walk(tmp_path, walk):
    path = tmp_path / "bomb.zip"
    path.write_bytes(zip_bytes({"a.log": b"a\n", "zeros.log": bytes(8 * MB), "after.log": b"never read"}))
    contents, problems = walk([path], Limits(max_ratio=10, ratio_free_bytes=MB))
    assert list(contents) == ["a.log", "zeros.log"]
    assert MB < len(contents["zeros.log"]) < 3 * MB
    assert problems[0].startswith("zeros.log: the bundle decompresses to more than 10 times its ")
    assert problems[0].endswith("input bytes (compression ratio limit); the rest is not read")
    assert problems[1].startswith("zeros.log: truncated at ") and problems[1].endswith("(compression ratio limit)")


def test_ratio_limit_leaves_ordinary_archives_alone(tmp_path, walk):
    text = "".join(f"[2026-11-21T05:23:{i % 60:02}Z DEBUG sccache::server] request {i}\n" for i in range(60_000))
    path = tmp_path / "logs.tar.gz"
    path.write_bytes(tar_bytes({"server.log": text.encode()}, "w:gz"))
    contents, problems = walk([path], Limits(ratio_free_bytes=0))
    assert problems == [] and contents["server.log"] == text.encode()


def test_ratio_counts_standard_input(monkeypatch, tmp_path):
    packed = bz2.compress(bytes(8 * MB))
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(packed)))
    problems: list = []
    sizes = [len(m.open().read()) for m in iter_bundle(["-"], Limits(max_ratio=50, ratio_free_bytes=MB), problems)]
    assert sizes and sizes[0] < 8 * MB
    assert any("compression ratio limit" in p.reason for p in problems)


def test_time_limit_stops_between_reads():
    ticks = itertools.count()
    state = WalkState(Limits(max_seconds=5), clock=lambda: float(next(ticks)))
    assert state.over_budget("a") is None
    assert [state.over_budget("b") for _ in range(5)] == [None] * 4 + ["time limit"]
    assert state.stopped and state.problems[0].reason.startswith("the analysis reached its time limit of 5 s")
    assert not state.admit("c")


def test_time_limit_comes_from_the_environment(monkeypatch):
    monkeypatch.delenv(TIME_LIMIT_ENV, raising=False)
    assert Limits().seconds() == DEFAULT_SECONDS
    monkeypatch.setenv(TIME_LIMIT_ENV, "2.5")
    assert Limits().seconds() == 2.5 and Limits(max_seconds=1).seconds() == 1
    for bad in ("", "soon", "-3", "0"):
        monkeypatch.setenv(TIME_LIMIT_ENV, bad)
        assert Limits().seconds() == DEFAULT_SECONDS


def test_time_limit_cuts_the_member_being_read(tmp_path, monkeypatch):
    (tmp_path / "a.log").write_bytes(b"x\n" * (3 * MB))
    (tmp_path / "b.log").write_bytes(b"never read\n")
    clock = iter([0.0, 0.0, 0.0] + [100.0] * 100)
    monkeypatch.setattr("analyzer.budget.monotonic", lambda: next(clock))
    problems: list = []
    read = {}
    for member in iter_bundle([str(tmp_path)], Limits(max_seconds=10), problems):
        read[member.path] = len(member.open().read())
        problems.extend(member.problems)
    assert list(read) == ["a.log"] and read["a.log"] < 3 * 2 * MB
    reasons = [p.reason for p in problems]
    assert reasons[0].startswith("the analysis reached its time limit of 10 s")
    assert reasons[1].endswith("(time limit)")


def test_oversized_tar_extended_header_is_refused(tmp_path, walk):
    header = tarfile.TarInfo("././@PaxHeader")
    header.type, header.size = tarfile.XHDTYPE, 5 * MB
    body = header.tobuf(format=tarfile.USTAR_FORMAT) + b"9 a=b\n" * (5 * MB // 6 + 1)
    path = tmp_path / "pax.tar.gz"
    path.write_bytes(gzip.compress(body))
    contents, problems = walk([path], Limits(max_header_bytes=MB))
    assert contents == {}
    assert problems == [f"pax.tar.gz: tar extended header of {5 * MB} bytes, over the limit of {MB} "
                        "(header size limit); the rest of the archive is not read"]


def test_long_names_within_the_header_limit_still_work(tmp_path, walk):
    name = "logs/" + "d" * 300 + "/server.log"
    path = tmp_path / "long.tar"
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as archive:
        info = tarfile.TarInfo(name)
        info.size = len(SERVER_LOG)
        archive.addfile(info, io.BytesIO(SERVER_LOG.encode()))
    path.write_bytes(buf.getvalue())
    assert walk([path]) == ({name: SERVER_LOG.encode()}, [])


def test_gnu_sparse_member_is_refused(tmp_path, walk):
    info = tarfile.TarInfo("sparse.log")
    info.type, info.size = tarfile.GNUTYPE_SPARSE, 0
    path = tmp_path / "sparse.tar"
    path.write_bytes(info.tobuf(format=tarfile.GNU_FORMAT) + bytes(1024))
    contents, problems = walk([path])
    assert contents == {}
    assert problems == ["sparse.tar: sparse.log: GNU sparse member refused; the rest of the archive is not read"]


def test_walk_stops_without_reading_past_a_limit(tmp_path, walk):
    """After the total limit bites, the next tar member's bytes are not even stepped over."""
    data = tar_bytes({"a.log": b"a" * 3000, "b.log": b"b" * 10_000_000, "c.log": b"c"}, "w:gz")
    (tmp_path / "t.tar.gz").write_bytes(data)
    contents, problems = walk([tmp_path / "t.tar.gz"], Limits(max_total_bytes=2000))
    assert list(contents) == ["a.log"]
    assert problems[0] == "a.log: the bundle reached the total limit of 2000 decompressed bytes; the rest is not read"


def test_nested_zip_spool_counts_toward_the_ratio(tmp_path, walk):
    inner = zip_bytes({"zeros.log": bytes(4 * MB)})
    outer = tmp_path / "outer.zip"
    with zipfile.ZipFile(outer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("inner.zip", inner)
    contents, problems = walk([outer], Limits(max_ratio=2, ratio_free_bytes=1000))
    assert all(len(v) < 4 * MB for v in contents.values())
    assert any("compression ratio limit" in p for p in problems)


def test_zip_declaring_far_too_many_entries_is_not_opened(tmp_path, walk, monkeypatch):
    """zipfile reads the whole central directory into memory first (about 700 bytes an entry):
    a zip declaring over 5 times the member limit is refused before that, ZIP64 counts too."""
    path = tmp_path / "wide.zip"
    path.write_bytes(zip_bytes({f"{i}.txt": b"" for i in range(600)}))
    contents, problems = walk([path], Limits(max_members=100))
    assert contents == {}
    assert problems == ["wide.zip: zip archive declares 600 entries, over 5 times the member count limit of 100; "
                        "not opened"]
    monkeypatch.setattr(zipfile, "ZIP_FILECOUNT_LIMIT", 10)  # forces ZIP64 end records
    path.write_bytes(zip_bytes({f"{i}.txt": b"" for i in range(600)}))
    assert walk([path], Limits(max_members=100))[1] == problems
    contents, problems = walk([path], Limits(max_members=200))
    assert len(contents) == 200 and problems == ["200.txt: more than 200 members (member count limit); "
                                                 "the rest is not read"]
