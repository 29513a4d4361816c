"""Opening bundles: every container kind, nesting, and every hostile shape we guard against."""

from __future__ import annotations

import bz2
import gzip
import lzma
import os
import stat
import struct
import tarfile
import zipfile
from pathlib import Path

import pytest

from analyzer.bundle import Limits, safe_member_name, sniff_archive
from tests.hostile.corpus import tar_bytes

LOG = b"[2026-11-21T05:23:31Z INFO  sccache::server] start\n"


def make_zip(path: Path, members: dict[str, bytes], symlinks: dict[str, str] | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name), data, zipfile.ZIP_DEFLATED)
        for name, target in (symlinks or {}).items():
            info = zipfile.ZipInfo(name)
            info.create_system = 3
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, target)
    return path


def make_tar(path: Path, members: dict[str, bytes], mode: str = "w", links: dict[str, tuple[bytes, str]] = ()) -> Path:
    path.write_bytes(tar_bytes(members, mode, dict(links)))
    return path


# -- containers -------------------------------------------------------------------------------------

def test_folder_is_walked_recursively_in_sorted_order(tmp_path, walk):
    root = tmp_path / "bundle"
    for rel in ["z.log", "b/2.txt", "a.log", "b/1.txt", "b/c/deep.txt"]:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(rel.encode())
    contents, problems = walk([root])
    assert list(contents) == ["a.log", "z.log", "b/1.txt", "b/2.txt", "b/c/deep.txt"]
    assert contents["b/c/deep.txt"] == b"b/c/deep.txt"
    assert problems == []


def test_zip(tmp_path, walk):
    contents, problems = walk([make_zip(tmp_path / "b.zip", {"logs/server.log": LOG, "stats.txt": b"x"})])
    assert contents == {"logs/server.log": LOG, "stats.txt": b"x"}
    assert problems == []


@pytest.mark.parametrize(("name", "mode"), [
    ("b.tar", "w"), ("b.tar.gz", "w:gz"), ("b.tgz", "w:gz"), ("b.tar.bz2", "w:bz2"), ("b.tar.xz", "w:xz"),
])
def test_tar_family(tmp_path, walk, name, mode):
    contents, problems = walk([make_tar(tmp_path / name, {"./logs/server.log": LOG, "env.txt": b"A=1\n"}, mode)])
    assert contents == {"logs/server.log": LOG, "env.txt": b"A=1\n"}
    assert problems == []


@pytest.mark.parametrize(("suffix", "compress"), [(".gz", gzip.compress), (".bz2", bz2.compress),
                                                   (".xz", lzma.compress)])
def test_lone_compressed_file(tmp_path, walk, suffix, compress):
    path = tmp_path / f"server.log{suffix}"
    path.write_bytes(compress(LOG * 3))
    assert walk([path]) == ({"server.log": LOG * 3}, [])


def test_loose_files_and_several_inputs(tmp_path, walk):
    folder = tmp_path / "bundle"
    folder.mkdir()
    (folder / "a.log").write_bytes(b"a")
    loose = tmp_path / "netstat.txt"
    loose.write_bytes(b"n")
    archive = make_zip(tmp_path / "more.zip", {"m.txt": b"m"})
    contents, problems = walk([folder, loose, archive])
    assert contents == {"bundle/a.log": b"a", "netstat.txt": b"n", "more.zip!/m.txt": b"m"}
    assert problems == []
    assert walk([loose]) == ({"netstat.txt": b"n"}, [])


def test_missing_input_is_a_problem_and_others_are_read(tmp_path, walk):
    loose = tmp_path / "a.log"
    loose.write_bytes(b"a")
    contents, problems = walk([tmp_path / "nope.zip", loose])
    assert contents == {"a.log": b"a"}
    assert problems == [f"{tmp_path / 'nope.zip'}: cannot open: No such file or directory"]


def test_nested_archives(tmp_path, walk):
    inner_tgz = make_tar(tmp_path / "inner.tar.gz", {"sccache.log": LOG}, "w:gz").read_bytes()
    inner_zip = make_zip(tmp_path / "inner.zip", {"ss.txt": b"LISTEN"}).read_bytes()
    outer = make_zip(tmp_path / "outer.zip", {"ci/inner.tar.gz": inner_tgz, "inner.zip": inner_zip,
                                             "server.log.gz": gzip.compress(b"gz")})
    contents, problems = walk([outer])
    assert contents == {"ci/inner.tar.gz!/sccache.log": LOG, "inner.zip!/ss.txt": b"LISTEN",
                        "server.log.gz!/server.log": b"gz"}
    assert problems == []


def test_nesting_depth_is_bounded(tmp_path, walk):
    data = make_zip(tmp_path / "l5.zip", {"deep.txt": b"5"}).read_bytes()
    for level in (4, 3, 2, 1):
        data = make_zip(tmp_path / f"l{level}.zip", {f"l{level + 1}.zip": data, "n.txt": str(level).encode()}).read_bytes()
    contents, problems = walk([tmp_path / "l1.zip"])
    assert contents == {"n.txt": b"1", "l2.zip!/n.txt": b"2", "l2.zip!/l3.zip!/n.txt": b"3",
                        "l2.zip!/l3.zip!/l4.zip!/n.txt": b"4"}
    assert problems == ["l2.zip!/l3.zip!/l4.zip!/l5.zip: archive nested deeper than 4 levels (depth limit); not opened"]
    contents, problems = walk([tmp_path / "l1.zip"], Limits(max_depth=5))
    assert "l2.zip!/l3.zip!/l4.zip!/l5.zip!/deep.txt" in contents and problems == []


# -- names and links --------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["../evil", "/etc/passwd", "C:\\x", "a/../../b", "\\\\server\\share"])
def test_unsafe_names_are_rejected(name):
    assert safe_member_name(name) is None


def test_traversal_names_in_zip_and_tar(tmp_path, walk):
    bad = {"../evil": b"e", "/etc/passwd": b"p", "C:\\x": b"c", "ok/./fine.txt": b"ok"}
    for archive in (make_zip(tmp_path / "t.zip", bad), make_tar(tmp_path / "t.tar", bad)):
        contents, problems = walk([archive])
        assert contents == {"ok/fine.txt": b"ok"}
        assert sorted(problems) == sorted(f"{n}: absolute or parent-relative member name; skipped"
                                          for n in ["../evil", "/etc/passwd", "C:\\x"])


def test_tar_links_are_not_followed(tmp_path, walk):
    archive = make_tar(tmp_path / "l.tar.gz", {"a.log": b"a"}, "w:gz",
                       links={"passwd": (tarfile.SYMTYPE, "/etc/passwd"), "hard": (tarfile.LNKTYPE, "a.log")})
    contents, problems = walk([archive])
    assert contents == {"a.log": b"a"}
    assert problems == ["passwd: link member (to /etc/passwd) not followed",
                        "hard: link member (to a.log) not followed"]


def test_zip_symlink_entry_is_not_followed(tmp_path, walk):
    contents, problems = walk([make_zip(tmp_path / "s.zip", {"a.log": b"a"}, symlinks={"evil": "/etc/passwd"})])
    assert contents == {"a.log": b"a"}
    assert problems == ["evil: link member not followed"]


def test_folder_links_out_and_loops_are_not_followed(tmp_path, walk):
    outside = tmp_path / "secret.txt"
    outside.write_bytes(b"secret")
    root = tmp_path / "bundle"
    (root / "sub").mkdir(parents=True)
    (root / "a.log").write_bytes(b"a")
    (root / "out.txt").symlink_to(outside)
    (root / "alias.log").symlink_to(root / "a.log")
    (root / "dangling").symlink_to(tmp_path / "gone")
    (root / "sub" / "loop").symlink_to(root, target_is_directory=True)
    contents, problems = walk([root])
    assert contents == {"a.log": b"a", "alias.log": b"a"}
    assert sorted(problems) == ["dangling: link points outside the bundle (or nowhere); not followed",
                                "out.txt: link points outside the bundle (or nowhere); not followed",
                                "sub/loop: directory link not followed"]


def test_fifo_in_folder_is_skipped(tmp_path, walk):
    root = tmp_path / "bundle"
    root.mkdir()
    os.mkfifo(root / "pipe")
    assert walk([root]) == ({}, ["pipe: not a regular file; skipped"])


def test_control_characters_in_names_are_made_printable(tmp_path, walk):
    contents, _ = walk([make_zip(tmp_path / "c.zip", {"evil\nname\x1b[2J.txt": b"x"})])
    assert list(contents) == ["evil?name?[2J.txt"]


# -- limits -----------------------------------------------------------------------------------------

def declare_size(data: bytes, size: int) -> bytes:
    """Rewrite the uncompressed size a one-member zip declares (local and central headers)."""
    patched = bytearray(data)
    struct.pack_into("<I", patched, 22, size)
    struct.pack_into("<I", patched, patched.find(b"PK\x01\x02") + 24, size)
    return bytes(patched)


def test_zip_bomb_declaring_gigabytes_is_cut_by_the_reader(tmp_path, walk):
    path = tmp_path / "bomb.zip"
    path.write_bytes(declare_size(make_zip(tmp_path / "z.zip", {"zeros.log": bytes(4 << 20)}).read_bytes(), 2 << 30))
    assert path.stat().st_size < 64 * 1024
    contents, problems = walk([path], Limits(max_member_bytes=1 << 20))
    assert contents == {"zeros.log": bytes(1 << 20)}
    assert problems == [f"zeros.log: truncated at {1 << 20} bytes (per-member limit; the archive declares {2 << 30})"]


def test_highly_compressed_member_over_the_member_limit(tmp_path, walk):
    path = make_zip(tmp_path / "z.zip", {"zeros.log": bytes(8 << 20), "after.txt": b"still read"})
    contents, problems = walk([path], Limits(max_member_bytes=1 << 20))
    assert len(contents["zeros.log"]) == 1 << 20 and contents["after.txt"] == b"still read"
    assert problems == [f"zeros.log: truncated at {1 << 20} bytes (per-member limit; the archive declares {8 << 20})"]


def test_total_bytes_are_bounded(tmp_path, walk):
    path = make_zip(tmp_path / "z.zip", {f"{i}.log": bytes(1000) for i in range(5)})
    contents, problems = walk([path], Limits(max_total_bytes=2500))
    assert [len(v) for v in contents.values()] == [1000, 1000, 500]
    assert problems == ["2.log: the bundle reached the total limit of 2500 decompressed bytes; the rest is not read",
                        "2.log: truncated at 500 bytes"]


def test_compressed_tar_stops_after_an_oversized_member(tmp_path, walk):
    path = make_tar(tmp_path / "t.tgz", {"big.log": bytes(3 << 20), "after.log": b"a"}, "w:gz")
    contents, problems = walk([path], Limits(max_member_bytes=1 << 20))
    assert list(contents) == ["big.log"]
    assert problems == [f"big.log: truncated at {1 << 20} bytes (per-member limit; the archive declares {3 << 20})",
                        f"big.log: declares {3 << 20} bytes, over the per-member limit; the rest of the archive is not read"]


def test_thousands_of_tiny_files_hit_the_member_count_limit(tmp_path, walk):
    path = make_zip(tmp_path / "many.zip", {f"f{i:05}.txt": b"x" for i in range(3000)})
    contents, problems = walk([path], Limits(max_members=1000))
    assert len(contents) == 1000
    assert problems == ["f01000.txt: more than 1000 members (member count limit); the rest is not read"]


def test_nested_archive_size_is_bounded(tmp_path, walk):
    inner = make_zip(tmp_path / "inner.zip", {"a.log": bytes(10_000)}).read_bytes()
    outer = make_zip(tmp_path / "outer.zip", {"inner.zip": inner + bytes(5000)})
    contents, problems = walk([outer], Limits(max_nested_archive_bytes=1000))
    assert contents == {}
    assert problems == ["inner.zip: nested archive larger than 1000 bytes (nested archive limit); not opened"]


# -- empty and broken -------------------------------------------------------------------------------

def test_empty_bundles(tmp_path, walk):
    (tmp_path / "empty").mkdir()
    assert walk([tmp_path / "empty"]) == ({}, [])
    assert walk([make_zip(tmp_path / "e.zip", {})]) == ({}, [])
    (tmp_path / "zero.log").write_bytes(b"")
    assert walk([tmp_path / "zero.log"]) == ({"zero.log": b""}, [])


def test_corrupt_archives_next_to_a_good_file(tmp_path, walk):
    root = tmp_path / "bundle"
    root.mkdir()
    (root / "bad.zip").write_bytes(b"PK\x03\x04" + b"\x00garbage" * 20)
    packed = gzip.compress(make_tar(tmp_path / "x.tar", {"a": os.urandom(5000), "b": b"b"}).read_bytes())
    (root / "bad.tar.gz").write_bytes(packed[: len(packed) // 2])
    (root / "good.log").write_bytes(b"good")
    contents, problems = walk([root])
    assert contents["good.log"] == b"good"
    assert "bad.tar.gz: corrupt or unreadable gzip archive: EOFError: Compressed file ended" in problems[-2]
    assert problems[-1].startswith("bad.zip: corrupt or unreadable zip archive: BadZipFile")


def test_sniff_archive():
    assert sniff_archive(b"PK\x03\x04rest") == "zip"
    assert sniff_archive(b"\x1f\x8b\x08") == "gzip"
    assert sniff_archive(b"BZh9") == "bz2"
    assert sniff_archive(b"BZh, said the log") is None
    assert sniff_archive(b"\xfd7zXZ\x00") == "xz"
    assert sniff_archive(b"plain text") is None
