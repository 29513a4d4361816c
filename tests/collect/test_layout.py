"""The three collectors write one layout: same names, same copy paths, same variable filter."""

from __future__ import annotations

import pytest

from analyzer import __version__
from analyzer.collect import commands, layout, script_text
from tests.collect.scripts import PS1, SH, norm, ps1_double_quoted, ps1_layout, ps1_value, sh_layout, sh_value


def test_sh_and_ps1_name_every_file_as_the_python_collector_does():
    python = {norm(k): v for k, v in layout.FILES.items()}
    assert sh_layout() == python
    assert ps1_layout() == python
    assert sh_value("COPIES") == ps1_value("Copies") == layout.COPIES


def test_the_variable_filter_is_the_same_text_everywhere():
    assert sh_value("RELEVANT_ENV") == ps1_value("RelevantEnv") == layout.RELEVANT_ENV


def test_scripts_carry_the_package_version():
    assert sh_value("VERSION") == ps1_value("Version") == __version__


def test_the_windows_process_query_is_the_same_in_python_and_powershell():
    assert ps1_double_quoted("CimProcesses") == commands.CIM_PROCESSES


def test_print_script_gives_the_shipped_files():
    assert script_text("sh") == SH
    assert script_text("ps1") == PS1


@pytest.mark.parametrize(("path", "windows", "expected"), [
    ("/home/dev/.cargo/config.toml", None, "files/home/dev/.cargo/config.toml"),
    ("/home/dev/work/app/target/.rustc_info.json", False, "files/home/dev/work/app/target/.rustc_info.json"),
    ("C:\\proj\\app\\.cargo\\config.toml", None, "files/C/proj/app/.cargo/config.toml"),
    ("C:/Users/dev/sccache.log", True, "files/C/Users/dev/sccache.log"),
    ("\\\\build-share\\logs\\sccache.log", None, "files/UNC/build-share/logs/sccache.log"),
    ("/weird/../x", False, "files/weird/_/x"),
])
def test_copy_paths(path, windows, expected):
    assert layout.copy_path(path, windows=windows) == expected


@pytest.mark.parametrize("name", [
    "SCCACHE_DIR", "sccache_log", "RUSTC_WRAPPER", "RUSTC_WORKSPACE_WRAPPER", "CARGO_HOME",
    "RUSTUP_TOOLCHAIN", "HTTPS_PROXY", "no_proxy", "ALL_PROXY", "AWS_PROFILE", "ALIBABA_CLOUD_ACCESS_KEY_ID",
    "GOOGLE_APPLICATION_CREDENTIALS", "AZURE_STORAGE_ACCOUNT", "Path", "HOME", "APPDATA",
    "CMAKE_C_COMPILER_LAUNCHER",
])
def test_relevant_variables_are_kept(name):
    assert layout.RELEVANT_ENV_RE.match(name)


@pytest.mark.parametrize("name", ["GITHUB_TOKEN", "SSH_AUTH_SOCK", "OLDPWD", "LS_COLORS", "PATHEXT",
                                  "MY_SCCACHE_DIR", "DATABASE_URL", "NPM_TOKEN"])
def test_other_variables_are_left_out(name):
    assert not layout.RELEVANT_ENV_RE.match(name)


def test_no_collector_lists_processes_with_their_environment():
    """`ps -e` on macOS prints every process's environment; the collectors use `ps -A`."""
    assert "ps -A -ww -o pid,ppid,lstart,args" in SH
    assert " -e " not in " ".join(commands.processes("macos")[0].argv) + " "
    code = [line for line in SH.splitlines() if not line.lstrip().startswith("#")]
    assert not any("ps -e" in line for line in code)


def test_the_bundle_never_writes_through_a_planted_link_and_leaves_no_temporary_file(tmp_path):
    """Built in a new temporary file (analyzer/outfile.py), not under a fixed name: a link
    planted where a fixed `bundle.zip.partial` would go is never written through, and an
    aborted bundle leaves nothing."""
    from analyzer.collect.output import ZipOutput

    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("keep me")
    (tmp_path / "bundle.zip.partial").symlink_to(elsewhere)
    target = tmp_path / "bundle.zip"
    out = ZipOutput(target)
    out.add("env.txt", b"A=1\n")
    out.close()
    assert target.read_bytes().startswith(b"PK")
    assert elsewhere.read_text() == "keep me"
    aborted = ZipOutput(tmp_path / "other.zip")
    aborted.add("env.txt", b"A=1\n")
    aborted.abort()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bundle.zip", "bundle.zip.partial", "elsewhere.txt"]
