"""cargo-config parser: `.cargo/config.toml` and the legacy extension-less `.cargo/config`."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer.ingest import keep_all, read_bundle
from analyzer.parsers.cargo_config import CargoConfigParser
from analyzer.records import Problem, Record, fields

FIXTURES = Path(__file__).parent.parent / "fixtures" / "cargo-config"
PARSER = CargoConfigParser()


def read(path):
    (artifact,) = read_bundle([str(path)], keep_all).artifacts
    return artifact


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.iterdir()))
def test_every_fixture_is_chosen_as_cargo_config(name):
    assert read(FIXTURES / name).kind == "cargo-config"


@pytest.mark.parametrize("head", [
    "[2026-11-21T05:23:31Z INFO  sccache::server] start_server: 127.0.0.1:4226\n",
    "Proto Recv-Q Send-Q Local Address           Foreign Address         State\n",
    "Compile requests                      7\n",
    '[package]\nname = "x"\nversion = "0.1.0"\n\n[dependencies]\nserde = "1"\n',
    '[workspace]\nmembers = ["a"]\n\n[profile.release]\nlto = true\n',
    "server_startup_timeout_ms = 1\n[cache.disk]\ndir = \"/x\"\n",
])
def test_sniff_other_kinds_is_low(head):
    assert PARSER.sniff(head, "config.toml") <= 0.2


def test_config_toml_records_and_facts():
    artifact = read(FIXTURES / "config.toml")
    assert artifact.problems == [] and artifact.record_count == 9
    wrapper = artifact.records[0]
    assert wrapper == Record("config.toml", "cargo-config", 2, 'build.rustc-wrapper = "sccache"', end_line=2,
                             fields=fields(key="build.rustc-wrapper", value="sccache"))
    flags = next(r for r in artifact.records if r.get("key") == "target.x86_64-pc-windows-msvc.rustflags")
    assert (flags.line, flags.end_line, flags.get("value")) == (11, 13, '["-C", "target-feature=+crt-static"]')
    assert next(r.line for r in artifact.records if r.get("key") == "http.timeout") == 20
    assert [(f.name, f.value, f.line) for f in artifact.facts] == [
        ("rustc_wrapper_config", "sccache", 2), ("cargo_http_proxy", "http://127.0.0.1:7897", 19)]


def test_legacy_config_file():
    artifact = read(FIXTURES / "config")
    assert [r.get("key") for r in artifact.records] == [
        "build.rustc-wrapper", "build.rustc-workspace-wrapper", "alias.b"]
    assert [(f.name, f.value) for f in artifact.facts] == [("rustc_wrapper_config", "/home/dev/.cargo/bin/sccache")]


def test_empty_wrapper_is_still_a_fact():
    items = list(PARSER.parse(["[build]", "rustc-wrapper = ''"], "config.toml"))
    assert [(i.name, i.value) for i in items if not isinstance(i, (Record, Problem))] == [("rustc_wrapper_config", "")]


def test_truncated_mid_array_still_yields_earlier_keys():
    text = (FIXTURES / "config.toml").read_text()
    cut = text[: text.index('"-C",') + 5]
    items = list(PARSER.parse(cut.splitlines(), "config.toml"))
    keys = [i.get("key") for i in items if isinstance(i, Record)]
    assert keys[:4] == ["build.rustc-wrapper", "build.target-dir", "build.incremental", "env.SCCACHE_SERVER_PORT"]
    assert any(isinstance(i, Problem) for i in items)


@pytest.mark.parametrize("text", ["", "\x00\x01", "[build", "rustc-wrapper = ", "[a]\n[a]\nx = 1\nx = 2"])
def test_bad_input_never_raises(text):
    list(PARSER.parse(text.splitlines(), "config.toml"))
