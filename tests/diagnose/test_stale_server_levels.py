"""The running server's cache against the environment, for a multi-level cache (0.15+): the chain
the environment names must be the levels the server reports, in order."""

from __future__ import annotations

import shutil

import pytest

from analyzer.analysis import analyze
from tests.shared import SAMPLES, knowledge

REAL = SAMPLES / "multi-level-backfill" / "bundle"


def findings_with_env(tmp_path, chain: str | None) -> set[str]:
    bundle = tmp_path / "bundle"
    shutil.copytree(REAL, bundle)
    env = [line for line in (bundle / "env.txt").read_text().splitlines()
           if not line.startswith("SCCACHE_MULTILEVEL_CHAIN=")]
    if chain is not None:
        env.append(f"SCCACHE_MULTILEVEL_CHAIN={chain}")
    (bundle / "env.txt").write_text("\n".join(env) + "\n")
    return {f["id"] for f in analyze([str(bundle)], knowledge()).report["findings"]}


def test_the_real_chain_matches_the_server_levels():
    report = analyze([str(REAL)], knowledge()).report
    assert "server-stale-environment" not in {f["id"] for f in report["findings"]}
    assert report["verdict"]["root_cause"] is None


@pytest.mark.parametrize("chain", ["disk, WebDAV", "disk,webdav"])
def test_chain_spelling_does_not_matter(tmp_path, chain):
    assert "server-stale-environment" not in findings_with_env(tmp_path, chain)


@pytest.mark.parametrize("chain", [None, "disk,redis", "webdav,disk"])
def test_a_server_with_other_levels_is_stale(tmp_path, chain):
    assert "server-stale-environment" in findings_with_env(tmp_path, chain)
