"""Secrets planted the way real machines carry them never reach an output: any report format,
`inspect`, batch's fleet outputs, or a bundle either collector writes.

Each check has its control: the same input with `--no-redact` shows the secrets the format can
show at all, so a check that could not fail would be seen to. The counts are in
docs/guarantees.md; `test_readme_states_the_planted_counts` holds the two to each other.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zipfile
from functools import cache
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from analyzer.cli import main
from analyzer.collect import collector
from tests.collect.machine import SCRIPTS
from tests.hostile.planted import ENCODINGS, FORMS, KINDS, NESTINGS, artifact, build, encode, leaks, plantings

GUARANTEES = Path(__file__).resolve().parents[2] / "docs" / "guarantees.md"


def report_formats() -> list[str]:
    """Every format `analyze --format` offers on this branch."""
    command = main.get_command(click.Context(main), "analyze")
    option = next(p for p in command.params if p.name == "fmt")
    return list(option.type.choices)


def run(*args: str) -> str:
    done = CliRunner().invoke(main, list(args))
    assert done.exit_code in (0, 1), done.output
    return done.output


@cache
def report_counts(root: str) -> dict:
    """{format: (needles, shown without redaction, shown with it)} over every planted bundle."""
    counts: dict[str, list[int]] = {}
    leaked: dict[str, list[str]] = {}
    for bundle in build(Path(root)):
        for fmt in report_formats():
            plain = run("analyze", str(bundle.path), "--format", fmt, "--no-redact")
            redacted = run("analyze", str(bundle.path), "--format", fmt)
            total = counts.setdefault(fmt, [0, 0, 0])
            total[0] += len(bundle.needles)
            total[1] += len(leaks(plain, bundle.needles))
            found = leaks(redacted, bundle.needles)
            total[2] += len(found)
            leaked.setdefault(fmt, []).extend(f"{bundle.path.name}: {n}" for n in found)
        for fmt in ("text", "json"):
            out = run("inspect", str(bundle.path), "--format", fmt)
            leaked.setdefault(f"inspect-{fmt}", []).extend(leaks(out, bundle.needles))
    return {"counts": counts, "leaked": leaked}


@pytest.fixture(scope="module")
def planted_root(tmp_path_factory) -> str:
    return str(tmp_path_factory.mktemp("planted"))


def test_no_planted_secret_in_any_report_format_or_inspect(planted_root):
    result = report_counts(planted_root)
    assert {k: v for k, v in result["leaked"].items() if v} == {}
    # control: without redaction the structured formats show most of what was planted
    for fmt in ("json", "md", "html"):
        needles, shown, _ = result["counts"][fmt]
        assert shown >= needles // 3, (fmt, shown, needles)


def _batch_outputs(out: Path) -> str:
    texts = []
    for path in sorted(out.rglob("*")):
        if not path.is_file():
            continue
        if path.suffix == ".parquet":
            import pyarrow.parquet as pq

            texts.append(json.dumps(pq.read_table(path).to_pylist(), default=str))
        else:
            texts.append(path.read_bytes().decode("utf-8", "replace"))
    return "\n".join(texts)


def test_no_planted_secret_in_batch_outputs(tmp_path):
    bundles = build(tmp_path / "in")
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "analyzer", "batch", str(tmp_path / "in"), "-o", str(out),
                           "--jobs", "1"], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    text = _batch_outputs(out) + done.stdout + done.stderr
    assert leaks(text, [n for b in bundles for n in b.needles]) == []
    # control: the planted lines reached the outputs (redacted), so the check could have failed
    assert text.count("\u00abredacted\u00bb") >= len(bundles) * 10


def _collected_text(bundle: Path) -> str:
    with zipfile.ZipFile(bundle) as archive:
        return "\n".join(archive.read(n).decode("utf-8", "replace") if not archive.read(n).startswith(b"\xff\xfe")
                         else archive.read(n).decode("utf-16") for n in archive.namelist() if not n.endswith("/"))


def _collector_input(tmp_path: Path) -> tuple[dict[str, str], list[Path], list[str]]:
    """The environment (every NAME=value form as a variable) and logs in each encoding."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "LANG": "C.UTF-8"}
    needles = []
    start = 10_000
    for planting in plantings(start):
        first = planting.lines[0]
        name, eq, value = first.partition("=")
        if eq and re.fullmatch(r"[A-Z_]+", name) and len(planting.lines) == 1:
            env[name] = value
            needles += planting.needles
    logs = []
    for n, encoding in enumerate(ENCODINGS):
        for kind in KINDS:
            batch = plantings(start + 1000 * (n + 1) + 100 * KINDS.index(kind))
            needles += [x for p in batch for x in p.needles]
            path = tmp_path / f"{kind}-{encoding}.log"
            path.write_bytes(encode(artifact(kind, batch), encoding))
            logs.append(path)
    return env, logs, needles


def test_python_collector_writes_no_planted_secret(tmp_path):
    env, logs, needles = _collector_input(tmp_path)
    out = tmp_path / "bundle.zip"
    collector.collect(collector.Options(output=str(out), project=str(tmp_path), timeout=10,
                                        logs=[str(p) for p in logs], label="ci"), environ=env)
    text = _collected_text(out)
    assert leaks(text, needles) == []
    assert sum(n in "\n".join(p.read_bytes().decode("utf-8", "replace") for p in logs) for n in needles) > 0


@pytest.mark.skipif(sys.platform == "win32", reason="runs collect.sh")
def test_collect_sh_writes_no_planted_secret(tmp_path):
    env, logs, needles = _collector_input(tmp_path)
    out = tmp_path / "bundle.zip"
    args = ["sh", str(SCRIPTS / "collect.sh"), "-o", str(out), "--project", str(tmp_path), "--timeout", "10"]
    for log in logs:
        args += ["--log", str(log)]
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert leaks(_collected_text(out), needles) == []
    assert "env.txt" in zipfile.ZipFile(out).namelist()


def test_collect_writes_a_bundle_when_an_environment_value_is_not_utf8(tmp_path):
    if os.name != "posix":
        pytest.skip("POSIX environments carry bytes")
    out = tmp_path / "bundle.zip"
    odd = os.fsdecode(b"\xff\xfeodd")
    collector.collect(collector.Options(output=str(out), project=str(tmp_path), timeout=5),
                      environ={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "SCCACHE_DIR": odd,
                               "SCCACHE_REDIS_PASSWORD": odd + "pw"})
    env_txt = zipfile.ZipFile(out).read("env.txt").decode("utf-8")
    assert "SCCACHE_DIR=\\xff\\xfeodd" in env_txt
    assert "SCCACHE_REDIS_PASSWORD=\u00abredacted\u00bb" in env_txt


def test_readme_states_the_planted_counts(planted_root):
    """docs/guarantees.md quotes the generator's size and the counts per format."""
    section = GUARANTEES.read_text(encoding="utf-8")
    assert f"{len(FORMS)} forms" in section
    assert f"{len(KINDS)} artifact kinds" in section
    assert f"{len(ENCODINGS)} encodings" in section and f"{len(NESTINGS)} nestings" in section
    counts = report_counts(planted_root)["counts"]
    for fmt, (needles, shown, leaked) in counts.items():
        assert f"| {fmt} | {needles} | {shown} | {leaked} |" in section, (fmt, needles, shown, leaked)
