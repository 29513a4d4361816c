"""INPUT folders, archives and manifests -> bundles with stable, unique ids."""

from __future__ import annotations

import pytest

from analyzer.batch.inputs import InputError, expand, report_name


def _touch(path, data=b"x"):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_each_subfolder_and_archive_of_a_folder_is_a_bundle(tmp_path):
    _touch(tmp_path / "in" / "m1" / "sccache.log")
    _touch(tmp_path / "in" / "m2.zip")
    _touch(tmp_path / "in" / "m3.tar.gz")
    _touch(tmp_path / "in" / "m4.tgz")
    _touch(tmp_path / "in" / "notes.txt")
    _touch(tmp_path / "in" / ".hidden" / "x.log")
    found = expand([str(tmp_path / "in")])
    assert [b.id for b in found.bundles] == ["m1", "m2.zip", "m3.tar.gz", "m4.tgz"]
    assert [p.split("/")[-1] for p in found.ignored] == ["notes.txt"]
    assert all(b.path.startswith("/") for b in found.bundles)


def test_the_output_folder_inside_an_input_is_not_a_bundle(tmp_path):
    _touch(tmp_path / "in" / "m1" / "a.log")
    (tmp_path / "in" / "report").mkdir()
    found = expand([str(tmp_path / "in")], exclude=tmp_path / "in" / "report")
    assert [b.id for b in found.bundles] == ["m1"]


def test_a_manifest_lists_bundles_relative_to_itself(tmp_path):
    _touch(tmp_path / "site-a" / "h1.zip")
    _touch(tmp_path / "site-b" / "h2" / "a.log")
    manifest = tmp_path / "bundles.txt"
    manifest.write_text("# fleet of 3\nsite-a/h1.zip\n\n./site-b/h2\nsite-c/gone.zip\n", encoding="utf-8")
    found = expand([str(manifest)])
    assert [b.id for b in found.bundles] == ["site-a/h1.zip", "site-b/h2", "site-c/gone.zip"]
    assert found.bundles[0].path == str((tmp_path / "site-a" / "h1.zip").resolve())


def test_same_names_from_two_folders_get_their_parent_in_front(tmp_path):
    _touch(tmp_path / "east" / "m1" / "a.log")
    _touch(tmp_path / "west" / "m1" / "a.log")
    _touch(tmp_path / "west" / "m2" / "a.log")
    found = expand([str(tmp_path / "east"), str(tmp_path / "west"), str(tmp_path / "west")])
    assert [b.id for b in found.bundles] == ["east/m1", "m2", "west/m1"]
    assert len({b.report_name for b in found.bundles}) == 3


def test_report_names_are_safe_file_names(tmp_path):
    assert report_name("host-17.zip") == "host-17.zip.json"
    odd = report_name("site a/../h:1")
    assert "/" not in odd and " " not in odd and ":" not in odd and odd.endswith(".json")
    assert report_name("a/b") != report_name("a_b")


def test_an_input_that_does_not_exist_is_a_usage_error(tmp_path):
    with pytest.raises(InputError):
        expand([str(tmp_path / "nope")])
    (tmp_path / "blob.bin").write_bytes(b"\x00\x01binary")
    with pytest.raises(InputError):
        expand([str(tmp_path / "blob.bin")])
