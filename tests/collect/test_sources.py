"""Where the evidence files are: the places sccache and cargo themselves read."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer.collect import sources


@pytest.mark.parametrize(("system", "env", "expected"), [
    ("linux", {"HOME": "/home/dev"}, "/home/dev/.config/sccache/config"),
    ("linux", {"HOME": "/home/dev", "XDG_CONFIG_HOME": "/xdg"}, "/xdg/sccache/config"),
    ("macos", {"HOME": "/Users/dev"}, "/Users/dev/Library/Application Support/Mozilla.sccache/config"),
    ("windows", {"APPDATA": "/c/Users/dev/AppData/Roaming"}, "/c/Users/dev/AppData/Roaming/Mozilla/sccache/config/config"),
])
def test_default_sccache_config(system, env, expected):
    assert sources.default_sccache_config(env, system) == Path(expected)


def test_sccache_conf_comes_first_and_absence_is_reported():
    found = sources.sccache_configs({"HOME": "/home/dev", "SCCACHE_CONF": "/etc/sccache.toml"}, "linux")
    assert [s.path for s in found] == ["/etc/sccache.toml", "/home/dev/.config/sccache/config"]
    assert all(s.report_absent for s in found)


def test_cargo_configs_from_the_project_up_then_cargo_home(tmp_path):
    project = tmp_path / "ws" / "crates" / "app"
    for folder, name in ((project, "config.toml"), (tmp_path / "ws", "config.toml"), (tmp_path / "ws", "config")):
        (folder / ".cargo").mkdir(parents=True, exist_ok=True)
        (folder / ".cargo" / name).write_text("[build]\n")
    cargo_home = tmp_path / "cargo-home"
    cargo_home.mkdir()
    (cargo_home / "config.toml").write_text("[net]\n")
    found = [Path(s.path) for s in sources.cargo_configs(project, {"CARGO_HOME": str(cargo_home)})]
    assert found == [project / ".cargo" / "config.toml", tmp_path / "ws" / ".cargo" / "config.toml",
                     tmp_path / "ws" / ".cargo" / "config", cargo_home / "config.toml"]


def test_rustc_info_follows_cargo_target_dir(tmp_path):
    assert sources.rustc_info(tmp_path, {}).path == str(tmp_path / "target" / ".rustc_info.json")
    assert sources.rustc_info(tmp_path, {"CARGO_TARGET_DIR": "out"}).path == str(tmp_path / "out" / ".rustc_info.json")
    assert sources.rustc_info(tmp_path, {"CARGO_TARGET_DIR": "/t"}).path == "/t/.rustc_info.json"


@pytest.mark.parametrize(("env", "expected"), [
    ({}, "sccache"),
    ({"RUSTC_WRAPPER": "/opt/sccache/bin/sccache"}, "/opt/sccache/bin/sccache"),
    ({"RUSTC_WRAPPER": "C:\\Users\\dev\\.cargo\\bin\\sccache.exe"}, "C:\\Users\\dev\\.cargo\\bin\\sccache.exe"),
    ({"RUSTC_WRAPPER": "/usr/bin/ccache"}, "sccache"),
    ({"RUSTC_WRAPPER": "", "RUSTC_WORKSPACE_WRAPPER": "/x/sccache"}, "/x/sccache"),
])
def test_the_sccache_the_build_uses(env, expected):
    assert sources.sccache_program(env) == expected
