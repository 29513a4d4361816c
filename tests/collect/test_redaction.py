"""Secrets out at the source, with the one rule set (analyzer/data/redaction.toml) everywhere.

collect.sh is run here for real, with each awk at hand (mawk or gawk; the one-true-awk that
macOS's awk comes from; busybox), and its output compared line for line with what the
analyzer's own engine (analyzer.redact, which the Python collector uses) makes of the same text.
collect.ps1 carries the same generated rule block; PowerShell does not run here, so its block is
checked against the rule file and its script against the PowerShell grammar.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from analyzer.collect import collector, generate, layout
from analyzer.collect.scrub import Scrubber
from analyzer.redact import Redactor
from tests.collect.machine import SCRIPTS, members
from tests.collect.scripts import PS1, SH

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="runs collect.sh")

MASK = "\u00abredacted\u00bb"

# name -> value: every "planted" value must go, every other value must stay
ENV = {
    "AWS_SECRET_ACCESS_KEY": "planted-secret-value",
    "AWS_SESSION_TOKEN": "planted-session-token",
    "SCCACHE_REDIS_PASSWORD": "planted-redis-password",
    "SCCACHE_WEBDAV_TOKEN": "planted-webdav-token",
    "SCCACHE_AZURE_CONNECTION_STRING": "DefaultEndpointsProtocol=https;AccountName=ci;AccountKey=planted-azure-key",
    "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "planted-alibaba-secret",
    "CARGO_REGISTRIES_INTERNAL_TOKEN": "planted-cargo-token",
    "HTTP_PROXY": "http://dev:planted-proxy-password@127.0.0.1:4364",
    "SCCACHE_OSS_KEY_PREFIX": "acme",
    "SCCACHE_S3_NO_CREDENTIALS": "true",
    "AWS_SHARED_CREDENTIALS_FILE": "/home/dev/.aws/credentials",
    "SCCACHE_GCS_KEY_PATH": "/home/dev/gcs.json",
    "SCCACHE_BUCKET": "ci-cache",
    "RUSTFLAGS": "-C link-arg=--password=planted-in-flags",
    "NO_PROXY": "127.0.0.1,localhost",
    # the CI context: its tokens go, its places stay
    "ACTIONS_RUNTIME_TOKEN": "planted-actions-runtime-token",
    "CI_JOB_TOKEN": "planted-gitlab-job-token",
    "CI_JOB_JWT_V2": "planted.gitlab-jwt.signature",
    "SYSTEM_ACCESSTOKEN": "planted-azure-access-token",
    "BUILDKITE_AGENT_ACCESS_TOKEN": "planted-buildkite-agent-token",
    "ACTIONS_CACHE_URL": "https://artifactcache.actions.githubusercontent.com/abc/",
    "ACTIONS_CACHE_SERVICE_V2": "True",
    "GITHUB_ACTIONS": "true",
    "RUNNER_OS": "Linux",
    "ImageOS": "ubuntu24",
    "CI_JOB_URL": "https://gitlab.example.com/g/p/-/jobs/7",
    "BUILD_URL": "https://jenkins.example.com/job/app/12/",
}
KEPT = ["SCCACHE_OSS_KEY_PREFIX=acme", "SCCACHE_S3_NO_CREDENTIALS=true", "SCCACHE_BUCKET=ci-cache",
        "AWS_SHARED_CREDENTIALS_FILE=/home/dev/.aws/credentials", "SCCACHE_GCS_KEY_PATH=/home/dev/gcs.json",
        "NO_PROXY=127.0.0.1,localhost", "ACTIONS_CACHE_URL=https://artifactcache.actions.githubusercontent.com/abc/",
        "ACTIONS_CACHE_SERVICE_V2=True", "GITHUB_ACTIONS=true", "RUNNER_OS=Linux", "ImageOS=ubuntu24",
        "CI_JOB_URL=https://gitlab.example.com/g/p/-/jobs/7", "BUILD_URL=https://jenkins.example.com/job/app/12/"]

LOG = "\n".join([
    "[2026-11-21T05:23:31Z DEBUG sccache::config] env AWS_SECRET_ACCESS_KEY=planted-secret-value here",
    "[2026-11-21T05:23:31Z DEBUG hyper] proxy http://dev:planted-proxy-password@127.0.0.1:4364/ ok",
    "Authorization: Bearer planted-bearer-token-0123456789",
    '{"secret_access_key": "planted-json-secret", "bucket": "ci-cache"}',
    'token = "planted-toml-token"',
    "flags=--password=planted-nested",
    "redis://:planted-redis@127.0.0.1:4365/0",
    "SCCACHE_OSS_KEY_PREFIX=acme and Cache location Local disk",
    "Compile requests                      7",
    "",
])


def awks() -> list[pytest.param]:
    """Each awk found here, as the folder to put first on PATH (None: the system's `awk`)."""
    found = [pytest.param(None, id="awk")]
    if shutil.which("original-awk"):
        found.append(pytest.param("original-awk", id="one-true-awk"))
    else:
        found.append(pytest.param("original-awk", id="one-true-awk", marks=pytest.mark.skip("original-awk not installed")))
    if shutil.which("busybox"):
        found.append(pytest.param("busybox", id="busybox-awk"))
    else:
        found.append(pytest.param("busybox", id="busybox-awk", marks=pytest.mark.skip("busybox not installed")))
    return found


def run_sh(tmp_path: Path, awk: str | None) -> tuple[str, str, dict]:
    """collect.sh with ENV and a --log holding LOG; return (env.txt, the copied log, manifest)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    if awk == "original-awk":
        (bin_dir / "awk").symlink_to(shutil.which("original-awk"))
    elif awk == "busybox":
        (bin_dir / "awk").write_text(f'#!/bin/sh\nexec {shutil.which("busybox")} awk "$@"\n')
        (bin_dir / "awk").chmod(0o755)
    log = tmp_path / "earlier.log"
    log.write_text(LOG)
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": str(tmp_path), "LANG": "C.UTF-8", **ENV}
    bundle = tmp_path / "bundle.zip"
    done = subprocess.run(["sh", str(SCRIPTS / "collect.sh"), "-o", str(bundle), "--project", str(tmp_path),
                           "--log", str(log), "--timeout", "5"], env=env, capture_output=True, text=True,
                          timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    with zipfile.ZipFile(bundle) as archive:
        names = archive.namelist()
        copied = next(n for n in names if n.endswith("/earlier.log"))
        return (archive.read("env.txt").decode("utf-8"), archive.read(copied).decode("utf-8"),
                json.loads(archive.read("manifest.json")))


def env_input() -> str:
    """What collect.sh feeds its redaction: `env` filtered and sorted byte-wise."""
    full = {"PATH": "", "HOME": "", **ENV}
    lines = sorted(f"{k}={v}" for k, v in full.items() if layout.RELEVANT_ENV_RE.match(k))
    return "\n".join(lines)


def test_both_scripts_carry_the_rule_file_as_generated():
    assert generate.main(["--check"]) == 0
    assert generate.sh_rules() in SH and generate.ps1_rules() in PS1
    # control: a rule changed in the file is a drift the check sees
    data = generate.raw()
    data["rule"][0]["find"] += "x"
    original = generate.raw
    try:
        generate.raw = lambda: data
        assert generate.sh_rules() not in SH and generate.ps1_rules() not in PS1
    finally:
        generate.raw = original
    assert "\u00abredacted\u00bb" == MASK


@pytest.mark.parametrize("awk", awks())
def test_collect_sh_redacts_as_the_analyzer_does(tmp_path, awk):
    env_txt, log_txt, manifest = run_sh(tmp_path, awk)
    scrub = Scrubber()
    for line in env_txt.splitlines():
        name, _, value = line.partition("=")
        if name in ENV:
            assert line == f"{name}={scrub.variable(name, ENV[name])}", line
    assert log_txt == Redactor().text(LOG)
    assert "planted" not in env_txt and "planted" not in log_txt
    for kept in KEPT:
        assert kept in env_txt.splitlines()
    assert f"AWS_SECRET_ACCESS_KEY={MASK}" in env_txt.splitlines()
    assert f"HTTP_PROXY=http://dev:{MASK}@127.0.0.1:4364" in env_txt.splitlines()
    assert "Compile requests                      7" in log_txt
    assert manifest["redactions"]["count"] >= 12
    assert {"secret-variable", "url-credentials"} <= set(manifest["redactions"]["kinds"])


def test_python_collector_masks_the_same_secrets_and_keeps_the_same_values():
    scrub = Scrubber()
    lines = [f"{name}={scrub.variable(name, value)}" for name, value in sorted(ENV.items())]
    text = "\n".join(lines)
    log = scrub.text(LOG)
    assert "planted" not in text and "planted" not in log, (text, log)
    for kept in KEPT:
        assert kept in lines
    assert scrub.summary()["count"] >= 12


def test_python_scrubber_reads_what_windows_tools_write():
    scrub = Scrubber()
    data = "AWS_SECRET_ACCESS_KEY=planted-secret-value\r\nSCCACHE_BUCKET=ci\r\n".encode("utf-16-le")
    out = scrub.data(b"\xff\xfe" + data)
    assert out == f"AWS_SECRET_ACCESS_KEY={MASK}\r\nSCCACHE_BUCKET=ci\r\n".encode()


def test_python_scrubber_masks_a_private_key_across_its_lines():
    scrub = Scrubber()
    pem = "-----BEGIN RSA PRIVATE KEY-----\r\nMIIEowIBAAKCAQEAplanted0123456789\r\n-----END RSA PRIVATE KEY-----"
    out = scrub.text(f"[gcs]\r\nkey = {pem}\r\nbucket = ci-cache\r\n")
    assert out == (f"[gcs]\r\nkey = -----BEGIN RSA PRIVATE KEY-----\r\n{MASK}\r\n-----END RSA PRIVATE KEY-----\r\n"
                   "bucket = ci-cache\r\n")
    assert scrub.summary() == {"count": 1, "kinds": ["private-key"]}


def test_python_manifest_stays_json_when_a_value_in_it_is_masked(tmp_path):
    """A mask inside a JSON string must not swallow the escaped quote after it."""
    out = tmp_path / "b.zip"
    result = collector.collect(collector.Options(output=str(out), project=str(tmp_path), timeout=5,
                                                 label='ticket "password=planted-label"'),
                               environ={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    manifest = json.loads(members(out)["manifest.json"])
    assert manifest["label"] == f'ticket "password={MASK}'
    assert manifest == result.manifest
    assert manifest["redactions"]["count"] >= 1


@pytest.mark.skipif(not shutil.which("shellcheck"), reason="shellcheck not installed")
def test_collect_sh_passes_shellcheck():
    done = subprocess.run(["shellcheck", "-s", "sh", str(SCRIPTS / "collect.sh")], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout


@pytest.mark.parametrize("shell", ["sh", "bash", "dash", "busybox sh"])
def test_collect_sh_parses_in_every_shell_here(shell):
    if not shutil.which(shell.split()[0]):
        pytest.skip(f"{shell} not installed")
    done = subprocess.run([*shell.split(), "-n", str(SCRIPTS / "collect.sh")], capture_output=True, text=True,
                          env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")})
    assert done.returncode == 0, done.stderr
