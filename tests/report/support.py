"""Shared by the report tests: sample reports (analysed once), planted secrets, headless Chromium."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from functools import cache
from pathlib import Path

from analyzer.analysis import analyze
from analyzer.report import render_github, render_html, render_json, render_junit, render_md, render_text
from tests.shared import ROOT, knowledge

SAMPLE_BUNDLES = sorted(p for p in (ROOT / "samples").glob("*/bundle") if p.is_dir())
SAMPLE_NAMES = [p.parent.name for p in SAMPLE_BUNDLES]
GOLDEN = Path(__file__).resolve().parent / "golden"
SEED = "seed-windows-oss-proxy"

# Written independently of analyzer/redact.py so the secret test does not grade its own homework.
SECRET_VAR = re.compile(r"(?i)(SECRET|PASSWORD|TOKEN|ACCESS_KEY(?!_ID))")
ENV_ROW = re.compile(r"^\s*(?:export\s+|set\s+|\$env:)?([A-Za-z_][A-Za-z0-9_()]*?)(?:\.\.\.)?(?:\s*=\s*|\s{1,})(\S.*?)\s*$")
KEY_ID = re.compile(r"\b(?:AKIA[A-Z0-9]{16}|LTAI[A-Za-z0-9]{12,30})\b")


@cache
def report(name: str, redact: bool = True) -> dict:
    return analyze([str(ROOT / "samples" / name / "bundle")], knowledge(), redact=redact).report


def render_all(rep: dict) -> dict[str, str]:
    return {"text": render_text.render(rep), "json": render_json.render(rep).decode("utf-8"),
            "md": render_md.render(rep), "html": render_html.render(rep), "github": render_github.render(rep),
            "junit": render_junit.render(rep)}


def read_text(path: Path) -> str:
    data = path.read_bytes()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    for codec in ("utf-8-sig", "gbk"):
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def planted_secrets(bundle: Path) -> set[str]:
    """Values of secret-named variables in the bundle's env files, and every AKIA…/LTAI… ID anywhere."""
    secrets: set[str] = set()
    for path in sorted(p for p in bundle.rglob("*") if p.is_file()):
        text = read_text(path)
        secrets.update(KEY_ID.findall(text))
        if "env" not in path.name.lower():
            continue
        for line in text.splitlines():
            match = ENV_ROW.match(line)
            if match and SECRET_VAR.search(match.group(1)) and len(match.group(2).strip("\"'")) >= 6:
                secrets.add(match.group(2).strip("\"'"))
    return secrets


def chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


def open_in_chromium(html_path: Path, screenshot: Path | None = None, fragment: str = "") -> tuple[str, list[str]]:
    """Load a file (at `#fragment`, when given) in headless Chromium; return (DOM after scripts ran,
    console messages)."""
    binary = chromium()
    assert binary, "no chromium binary"
    with tempfile.TemporaryDirectory() as profile:
        args = [binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
                "--enable-logging=stderr", "--v=0", "--window-size=1280,900"]
        target = html_path.resolve().as_uri() + (f"#{fragment}" if fragment else "")
        if screenshot is not None:
            subprocess.run(args + [f"--screenshot={screenshot}", target], capture_output=True, timeout=120,
                           env={**os.environ, "LANG": "C.UTF-8"}, check=False)
        done = subprocess.run(args + ["--dump-dom", target], capture_output=True, timeout=120,
                              env={**os.environ, "LANG": "C.UTF-8"}, check=False)
    console = [line for line in done.stderr.decode("utf-8", "replace").splitlines() if ":CONSOLE" in line]
    return done.stdout.decode("utf-8", "replace"), console


HOSTILE_SECRETS = ("Hunter2Pass9", "FAKEsecretFAKEsecretFAKEsecret12", "LTAI5tFAKEFAKEFAKE1234567",
                   "AKIAIOSFODNN7EXAMPLE")
SCRIPT_PAYLOAD = "<script>alert(1)</script>"
IMG_PAYLOAD = "<img src=x onerror=alert(1)>"


def hostile_bundle(folder: Path) -> Path:
    """A small bundle whose quoted lines carry secrets, HTML payloads and Markdown fences."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "env.txt").write_text(
        "ALIBABA_CLOUD_ACCESS_KEY_ID=LTAI5tFAKEFAKEFAKE1234567\n"
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET=FAKEsecretFAKEsecretFAKEsecret12\n"
        "HTTPS_PROXY=http://bob:Hunter2Pass9@127.0.0.1:4401\nSCCACHE_OSS_BUCKET=acme-sccache\n"
        "SCCACHE_OSS_KEY_PREFIX=genarrative\nRUST_BACKTRACE=1\n", encoding="utf-8")
    (folder / "sccache-server.log").write_text(
        "[2026-11-21T05:57:35Z INFO  sccache::server] start_server: 127.0.0.1:4400\n"
        '[2026-11-21T05:57:35Z DEBUG sccache::cache::cache] Init oss cache with bucket acme-sccache, endpoint '
        'Some("https://oss-cn-hangzhou.aliyuncs.com")\n'
        "[2026-11-21T05:57:35Z DEBUG opendal::services] service=oss name=acme-sccache path=.sccache_check: read started\n"
        "[2026-11-21T05:57:35Z DEBUG reqwest::connect] proxy(http://bob:Hunter2Pass9@127.0.0.1:4401/) intercepts "
        "'https://acme-sccache.oss-cn-hangzhou.aliyuncs.com/'\n", encoding="utf-8")
    (folder / "cargo-build.txt").write_text(
        f"sccache: error: Timed out waiting for server startup. {SCRIPT_PAYLOAD} {IMG_PAYLOAD} `` ``` x "
        "AKIAIOSFODNN7EXAMPLE ALIBABA_CLOUD_ACCESS_KEY_SECRET=FAKEsecretFAKEsecretFAKEsecret12\n",
        encoding="utf-8")
    return folder
