"""`inspect` through the CLI: text and JSON, stdin, exit codes, and inputs left untouched."""

from __future__ import annotations

import codecs
import hashlib
import io
import json
import tarfile
import zipfile

from click.testing import CliRunner

from analyzer.cli import main

NOTES = b"just some notes\nnothing to see\n"


def run(*args, input=None):
    return CliRunner().invoke(main, ["inspect", *args], input=input)


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def make_bundle(root):
    root.mkdir()
    (root / "notes.txt").write_bytes(NOTES)
    (root / "ps.txt").write_bytes(codecs.BOM_UTF16_LE + "a\r\nb\r\n".encode("utf-16-le"))
    (root / "bad.zip").write_bytes(b"PK\x03\x04 broken")
    (root / "more.zip").write_bytes(zip_bytes({"../evil": b"x", "inner/ok.txt": NOTES}))
    return root


def test_text_output_lists_artifacts_and_problems(tmp_path):
    result = run(str(make_bundle(tmp_path / "bundle")))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["more.zip!/inner/ok.txt", "unknown", "utf-8", "2", "records"]
    assert lines[1].split() == ["notes.txt", "unknown", "utf-8", "2", "records"]
    assert lines[2].split() == ["ps.txt", "unknown", "utf-16-le-bom", "2", "records"]
    assert lines[3].startswith("bad.zip: corrupt or unreadable zip archive: BadZipFile")
    assert lines[4] == "more.zip!/../evil: absolute or parent-relative member name; skipped"


def test_json_output(tmp_path):
    result = run(str(make_bundle(tmp_path / "bundle")), "--format", "json")
    assert result.exit_code == 0
    body = json.loads(result.stdout)
    assert [(a["path"], a["encoding"], a["records"]) for a in body["artifacts"]] == [
        ("more.zip!/inner/ok.txt", "utf-8", 2), ("notes.txt", "utf-8", 2), ("ps.txt", "utf-16-le-bom", 2)]
    assert [p["path"] for p in body["problems"]] == ["bad.zip", "more.zip!/../evil"]


def test_member_problem_is_listed_under_its_artifact(tmp_path):
    (tmp_path / "long.txt").write_bytes(b"x" * (2 * 1024 * 1024) + b"\nend\n")
    result = run(str(tmp_path / "long.txt"))
    assert result.exit_code == 0
    assert result.stdout.splitlines()[1].split("problem: ")[1] == "line 1: longer than 1048576 bytes; truncated"


def test_nothing_readable_exits_2_with_one_line(tmp_path):
    (tmp_path / "bad.zip").write_bytes(b"PK\x03\x04 broken")
    result = run(str(tmp_path / "bad.zip"))
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith("sccache-forensics: nothing readable in the input (bad.zip: corrupt")
    (tmp_path / "empty").mkdir()
    result = run(str(tmp_path / "empty"), "--format", "json")
    assert result.exit_code == 2
    assert json.loads(result.stdout) == {"artifacts": [], "problems": []}
    assert result.stderr == "sccache-forensics: nothing readable in the input\n"


def test_missing_input_exits_2_without_traceback(tmp_path):
    result = run(str(tmp_path / "nope"))
    assert result.exit_code == 2
    assert "Traceback" not in result.output and "no such file" in result.stderr.lower()


def test_stdin_plain_text_and_archives():
    result = run("-", input=NOTES)
    assert result.exit_code == 0
    assert result.stdout.split() == ["stdin", "unknown", "utf-8", "2", "records"]
    result = run("-", "--format", "json", input=zip_bytes({"a.txt": NOTES, "b.txt": b"b\n"}))
    assert [a["path"] for a in json.loads(result.stdout)["artifacts"]] == ["a.txt", "b.txt"]
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        info = tarfile.TarInfo("logs/x.txt")
        info.size = len(NOTES)
        archive.addfile(info, io.BytesIO(NOTES))
    result = run("-", "--format", "json", input=buffer.getvalue())
    assert [a["path"] for a in json.loads(result.stdout)["artifacts"]] == ["logs/x.txt"]


def test_inputs_are_unchanged_and_nothing_is_extracted(tmp_path):
    root = make_bundle(tmp_path / "bundle")
    (root / "nested.zip").write_bytes(zip_bytes({"deep.zip": zip_bytes({"z.txt": NOTES})}))

    def snapshot():
        return {p.relative_to(tmp_path): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(tmp_path.rglob("*")) if p.is_file()}

    before = snapshot()
    result = run(str(root), str(root / "more.zip"))
    assert result.exit_code == 0
    assert snapshot() == before
