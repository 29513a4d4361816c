"""The processes parser through read_bundle: decoding, sniffing and parsing together."""


import pytest

from analyzer.ingest import read_bundle
from tests.parsers.support import FIXTURES as FIXTURE_ROOT
from tests.parsers.support import OTHER_KINDS, SEED, assert_not_claimed, assert_read_cleanly, read

FIXTURES = FIXTURE_ROOT / "processes"
@pytest.mark.parametrize("name, rows", [
    ("win-tasklist-en.txt", 8), ("win-tasklist-zh.txt", 8), ("win-tasklist-csv.txt", 8),
    ("win-tasklist-csv-nh.txt", 8), ("win-tasklist-list-en.txt", 8), ("win-tasklist-list-zh.txt", 8),
    ("win-tasklist-v-en.txt", 8), ("win-tasklist-v-zh.txt", 8), ("ps-get-process.txt", 6),
    ("ps-cim-format-list.txt", 3), ("wmic-process.txt", 6),
    ("linux-ps-ef.txt", 59), ("linux-ps-aux.txt", 59), ("linux-ps-eo-lstart.txt", 59),
])
def test_each_format_is_sniffed_and_read_without_problems(name, rows):
    assert_read_cleanly(FIXTURES / name, "processes", rows)


@pytest.mark.parametrize("name, text", sorted(OTHER_KINDS.items()))
def test_other_kinds_are_not_claimed(tmp_path, name, text):
    assert_not_claimed(tmp_path, name, text, "processes")


def sccache(name):
    return [r for r in read(FIXTURES / name).records if r.get("name", "").startswith("sccache")]


@pytest.mark.parametrize("name", ["win-tasklist-en.txt", "win-tasklist-zh.txt", "win-tasklist-csv.txt",
                                  "win-tasklist-csv-nh.txt", "win-tasklist-list-en.txt", "win-tasklist-list-zh.txt"])
def test_tasklist_variants_agree(name):
    (row,) = sccache(name)
    assert row.field_map == {"name": "sccache.exe", "pid": "15320", "memory": "6,512 K"}


def test_chinese_tasklist_facts_and_encoding():
    artifact = read(FIXTURES / "win-tasklist-zh.txt")
    assert artifact.encoding == "gbk"
    assert {(f.name, f.value) for f in artifact.facts} == {("os", "windows"), ("locale", "zh-CN")}
    assert artifact.records[0].get("name") == "System Idle Process"


@pytest.mark.parametrize("name", ["win-tasklist-v-en.txt", "win-tasklist-v-zh.txt"])
def test_verbose_tasklist_has_user(name):
    (row,) = sccache(name)
    assert (row.get("pid"), row.get("user")) == ("15320", "DESKTOP-7Q2M4KD\\DSK")


def test_get_process_names_have_no_extension():
    (row,) = sccache("ps-get-process.txt")
    assert row.field_map == {"name": "sccache", "pid": "15320", "memory": "11824 K"}


def test_cim_format_list_joins_wrapped_command_line():
    server, client = sccache("ps-cim-format-list.txt")
    assert server.field_map == {
        "pid": "9804", "name": "sccache.exe", "ppid": "14892",
        "cmdline": r"C:\Users\DSK\.cargo\bin\sccache.exe C:\Users\DSK\.rustup\toolchains\stable-x86_64-pc-windows-msvc\bin\rustc.exe -vV"}
    assert (server.line, server.end_line) == (3, 7)
    assert client.get("cmdline") == '"C:\\Users\\DSK\\.cargo\\bin\\sccache.exe" --show-stats'


def test_wmic_columns_and_names_from_command_lines():
    records = read(FIXTURES / "wmic-process.txt").records
    client = [r for r in records if r.get("pid") == "15320"][0]
    assert client.field_map == {"cmdline": '"C:\\Users\\DSK\\.cargo\\bin\\sccache.exe" --show-stats',
                                "ppid": "7716", "pid": "15320", "name": "sccache.exe"}
    assert records[0].get("cmdline") is None


def test_ps_formats():
    (ef,) = sccache("linux-ps-ef.txt")
    assert ef.field_map == {"user": "root", "pid": "9038", "ppid": "1", "started": "05:57",
                            "cmdline": "/tmp/sccache /tmp/fakesrv.py", "name": "sccache"}
    (aux,) = sccache("linux-ps-aux.txt")
    assert (aux.get("user"), aux.get("pid"), aux.get("memory")) == ("root", "9038", "10268")
    (eo,) = sccache("linux-ps-eo-lstart.txt")
    assert (eo.get("ppid"), eo.get("started")) == ("1", "2026-11-21T05:57:07")


def test_file_cut_mid_row_keeps_complete_rows(tmp_path):
    data = (FIXTURES / "win-tasklist-en.txt").read_bytes()
    path = tmp_path / "tasklist.txt"
    path.write_bytes(data[: data.index(b"sccache.exe") + 20])
    artifact = read(path)
    assert artifact.kind == "processes"
    assert artifact.record_count == 6
    assert len(artifact.problems) <= 1


def test_garbage_after_a_header_is_a_problem_not_an_exception(tmp_path):
    path = tmp_path / "tasklist.txt"
    path.write_text("Image Name                     PID Session Name        Session#    Mem Usage\n"
                    + "\n".join(f"@@@ {i} nothing here ###" for i in range(40)) + "\n")
    artifact = read(path)
    assert artifact.record_count == 0
    assert len(artifact.problems) == 1 and "gave up" in artifact.problems[0].reason


def test_seed_tasklist_is_processes():
    bundle = read_bundle([str(SEED)])
    kinds = {a.path: a.kind for a in bundle.artifacts}
    assert kinds["tasklist.txt"] == "processes"
