"""The content hash: what changes it and what does not."""

from __future__ import annotations

import os

from analyzer.batch.hashing import content_hash


def test_a_folder_hash_follows_names_and_bytes_not_timestamps(tmp_path):
    folder = tmp_path / "b"
    (folder / "logs").mkdir(parents=True)
    (folder / "logs" / "sccache.log").write_bytes(b"line 1\n")
    (folder / "env.txt").write_bytes(b"A=1\n")
    first = content_hash(folder)
    os.utime(folder / "env.txt", (1, 1))
    assert content_hash(folder) == first
    (folder / "env.txt").write_bytes(b"A=2\n")
    changed = content_hash(folder)
    assert changed != first
    (folder / "env.txt").rename(folder / "env2.txt")
    assert content_hash(folder) not in (first, changed)
    assert content_hash(folder).startswith("sha256:")


def test_a_file_hash_is_of_its_bytes(tmp_path):
    (tmp_path / "a.zip").write_bytes(b"PK\x03\x04same")
    (tmp_path / "b.zip").write_bytes(b"PK\x03\x04same")
    assert content_hash(tmp_path / "a.zip") == content_hash(tmp_path / "b.zip")
    assert content_hash(tmp_path / "a.zip") != content_hash(tmp_path)
