"""The env parser through read_bundle: decoding, sniffing and parsing together."""


import pytest

from analyzer.ingest import keep_all, read_bundle
from analyzer.records import Problem
from tests.parsers.support import FIXTURES as FIXTURE_ROOT
from tests.parsers.support import OTHER_KINDS, SEED, assert_not_claimed, assert_read_cleanly, read

FIXTURES = FIXTURE_ROOT / "env"
@pytest.mark.parametrize("name, rows", [
    ("ps-env-table.txt", 8), ("ps-env-list.txt", 8), ("cmd-set.txt", 11), ("linux-env.txt", 13), ("linux-export-p.txt", 10),
])
def test_each_format_is_sniffed_and_read_without_problems(name, rows):
    assert_read_cleanly(FIXTURES / name, "env", rows)


@pytest.mark.parametrize("name, text", sorted(OTHER_KINDS.items()))
def test_other_kinds_are_not_claimed(tmp_path, name, text):
    assert_not_claimed(tmp_path, name, text, "env")


def variables(name):
    return {r.get("name"): r for r in read(FIXTURES / name).records}


PATH_VALUE = (r"C:\WINDOWS\system32;C:\WINDOWS;C:\WINDOWS\System32\Wbem;C:\WINDOWS\System32\WindowsPowerShell\v1.0\;"
              r"C:\Program Files\Git\cmd;C:\Users\DSK\.cargo\bin;C:\Users\DSK\AppData\Local\Microsoft\WindowsApps")


@pytest.mark.parametrize("name", ["ps-env-table.txt", "ps-env-list.txt"])
def test_powershell_wrapped_values_are_joined(name):
    path = variables(name)["Path"]
    assert path.get("value") == PATH_VALUE
    assert path.end_line == path.line + 2
    assert path.get("truncated") is None


def test_powershell_table_marks_cut_names():
    found = variables("ps-env-table.txt")
    secret = found["ALIBABA_CLOUD_ACCESS_KEY_SE..."]
    assert secret.field_map == {"name": "ALIBABA_CLOUD_ACCESS_KEY_SE...", "value": "Zk3pR8wQ1vN6tY2mB9cX4dF7gH0jL5",
                                "truncated": "true"}
    assert found["HTTPS_PROXY"].field_map == {"name": "HTTPS_PROXY", "value": "http://127.0.0.1:7897"}


def test_cmd_set_in_gbk():
    artifact = read(FIXTURES / "cmd-set.txt")
    assert artifact.encoding == "gbk"
    found = {r.get("name"): r.get("value") for r in artifact.records}
    assert found["OneDrive"] == "C:\\Users\\DSK\\OneDrive - 个人"
    assert found["CommonProgramFiles(x86)"] == "C:\\Program Files (x86)\\Common Files"
    assert ("os", "windows") in {(f.name, f.value) for f in artifact.facts}


def test_linux_env_and_export():
    found = variables("linux-env.txt")
    assert found["RUSTC_WRAPPER"].field_map == {"name": "RUSTC_WRAPPER", "value": "/home/dev/.cargo/bin/sccache"}
    exported = variables("linux-export-p.txt")
    assert exported["MSG"].get("value") == 'say "hi"'
    assert exported["OLDPWD"].get("value") == ""
    assert ("os", "linux") in {(f.name, f.value) for f in read(FIXTURES / "linux-export-p.txt").facts}


def test_macos_home(tmp_path):
    path = tmp_path / "env.txt"
    path.write_text("HOME=/Users/dev\nSHELL=/bin/zsh\nPATH=/usr/bin:/bin\n")
    assert [(f.name, f.value) for f in read(path).facts] == [("os", "macos")]


def test_file_cut_mid_row_keeps_complete_rows(tmp_path):
    data = (FIXTURES / "linux-env.txt").read_bytes()
    path = tmp_path / "env.txt"
    path.write_bytes(data[: data.index(b"SCCACHE_LOG") + 7])
    artifact = read(path)
    assert artifact.kind == "env"
    assert artifact.record_count == 9
    assert len(artifact.problems) <= 1


def test_garbage_is_a_problem_not_an_exception():
    from analyzer.parsers import get

    items = list(get("env").parse(["HOME=/root"] + [f"@@@ {i} ###" for i in range(30)], "env.txt"))
    problems = [i for i in items if isinstance(i, Problem)]
    assert len(problems) == 1 and "gave up" in problems[0].reason


def test_seed_env_is_env():
    bundle = read_bundle([str(SEED)], keep_all)
    (env,) = [a for a in bundle.artifacts if a.path == "env.txt"]
    assert env.kind == "env"
    names = {r.get("name") for r in env.records}
    assert {"SCCACHE_OSS_BUCKET", "HTTPS_PROXY", "ALIBABA_CLOUD_ACCESS_KEY_SE..."} <= names
    assert "RUSTC_WRAPPER" not in names and "SCCACHE_DIR" not in names
