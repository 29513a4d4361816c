"""action.yml: valid action metadata, and its steps run here as the runner would run them.

The `run` steps execute with bash against a fake job (a step-summary file, a workspace, a
runner temp folder); the tool is installed from this checkout into a fresh virtualenv, exactly
as on a runner. `uses` steps (the artifact uploads) are checked for what they would upload.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.action.composite import base_env, load, run_action
from tests.shared import ROOT

ACTION = ROOT / "action.yml"
SEED = ROOT / "samples" / "seed-windows-oss-proxy" / "bundle"
PLANTED = "ghs_PlantedRuntimeToken0123456789abcdefXYZ"


def test_action_metadata_is_valid():
    """SchemaStore's schema for action metadata, through check-jsonschema (it vendors the schema)."""
    pytest.importorskip("check_jsonschema")
    done = subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-actions",
                           str(ACTION)], capture_output=True, text=True, check=False, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_action_metadata_rules_the_schema_leaves_out():
    action = load(ACTION)
    assert action["runs"]["using"] == "composite"
    ids = [s["id"] for s in action["runs"]["steps"] if "id" in s]
    assert len(ids) == len(set(ids))
    text = ACTION.read_text(encoding="utf-8")
    for name in re.findall(r"inputs\.([A-Za-z0-9_-]+)", text):
        assert name in action["inputs"], f"inputs.{name} is used but not declared"
    for step_id in re.findall(r"steps\.([A-Za-z0-9_-]+)\.", text):
        assert step_id in ids, f"steps.{step_id} is not a step of the action"
    for step in action["runs"]["steps"]:
        assert ("run" in step) != ("uses" in step)
        if "run" in step:
            assert step.get("shell") == "bash", "a composite run step needs its shell"
        else:
            assert step["uses"].startswith("actions/upload-artifact@v")
    assert action["inputs"]["fail-on"]["default"] == "never", "never fails the job unless asked"


@pytest.fixture(scope="module")
def job(tmp_path_factory):
    """A failed job's runner: a workspace with a project, the seed's logs, a step summary."""
    root = tmp_path_factory.mktemp("job")
    workspace = root / "work" / "app"
    (workspace / ".cargo").mkdir(parents=True)
    (workspace / ".cargo" / "config.toml").write_text('[build]\nrustc-wrapper = "sccache"\n', encoding="utf-8")
    logs = root / "logs"
    shutil.copytree(SEED, logs)
    summary = root / "step_summary.md"
    summary.write_text("", encoding="utf-8")
    temp = root / "runner-temp"
    temp.mkdir()
    env = base_env(GITHUB_WORKSPACE=str(workspace), GITHUB_STEP_SUMMARY=str(summary), RUNNER_TEMP=str(temp),
                   ACTIONS_RUNTIME_TOKEN=PLANTED, ACTIONS_CACHE_URL="https://artifactcache.actions.githubusercontent.com/x/",
                   RUNNER_OS="Linux", ImageOS="ubuntu24")
    log_list = "\n".join(str(logs / name) for name in ("sccache-server.log", "cargo-check.txt", "env.txt",
                                                        "netstat.txt", "rustc-vV.txt"))
    inputs = {"project": str(workspace), "logs": log_list, "python": shutil.which("python3") or sys.executable}
    first = run_action(ACTION, inputs, job_status="failure", env=env, workdir=root)
    return {"root": root, "env": env, "inputs": inputs, "summary": summary, "temp": temp, "run": first}


@pytest.mark.slow  # installs the tool from this checkout into a fresh virtualenv
def test_failed_job_gets_summary_annotations_artifacts_and_stays_green(job):
    run = job["run"]
    install = run.step("install")
    assert install.exit_code == 0 and install.outputs.get("python"), install.stdout + install.stderr
    assert not run.failed, [(s.name, s.exit_code, s.stderr[-2000:]) for s in run.steps]
    analyze = run.step("analyze")
    errors = [line for line in analyze.stdout.splitlines() if line.startswith("::error ")]
    assert len(errors) == 1 and "storage-check-slow" in errors[0]
    assert run.outputs["root-cause"] == "storage-check-slow"
    assert run.outputs["status"] == "build-failed"
    summary = job["summary"].read_text(encoding="utf-8")
    assert "## sccache-forensics:" in summary and "storage-check-slow" in summary
    uploads = [s for s in run.steps if s.uses]
    assert [s.ran for s in uploads] == [True, True]
    for upload in uploads:
        assert upload.with_["name"].startswith("sccache-forensics-build-")
        for path in filter(None, (p.strip() for p in upload.with_["path"].splitlines())):
            assert Path(path).is_file(), f"{upload.name} would upload a missing {path}"
    assert Path(run.outputs["report"]).read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    fail = next(s for s in run.steps if s.name.startswith("Fail on"))
    assert not fail.ran, "fail-on: never skips the failing step"


@pytest.mark.slow  # installs the tool from this checkout into a fresh virtualenv
def test_no_planted_token_in_anything_the_action_writes(job):
    import zipfile

    run = job["run"]
    written = [job["summary"].read_text(encoding="utf-8"), run.stdout]
    out = job["temp"] / "sccache-forensics"
    written += [(out / name).read_text(encoding="utf-8") for name in ("report.html", "report.json")]
    with zipfile.ZipFile(out / "bundle.zip") as bundle:
        members = {name: bundle.read(name).decode("utf-8", "replace") for name in bundle.namelist()}
    written += members.values()
    assert not [w for w in written if PLANTED in w]
    assert "ACTIONS_CACHE_URL=https://artifactcache" in members["env.txt"], "the CI context is in the bundle"
    assert "ACTIONS_RUNTIME_TOKEN" not in members["env.txt"], "the runtime token is never collected"


@pytest.mark.slow  # installs the tool from this checkout into a fresh virtualenv
def test_fail_on_root_cause_fails_the_step(job):
    run = run_action(ACTION, {**job["inputs"], "fail-on": "root-cause"}, job_status="failure", env=job["env"],
                     workdir=job["root"])
    fail = next(s for s in run.steps if s.name.startswith("Fail on"))
    assert fail.ran and fail.exit_code == 1 and "storage-check-slow" in fail.stdout


@pytest.mark.slow  # installs the tool from this checkout into a fresh virtualenv
def test_successful_job_is_left_alone_unless_always(job, tmp_path):
    env = {**job["env"], "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md")}
    run = run_action(ACTION, job["inputs"], job_status="success", env=env, workdir=tmp_path)
    assert run.step("decide").outputs["run"] == "false"
    assert not any(s.ran for s in run.steps[1:]) and not run.failed
    assert not (tmp_path / "summary.md").exists()
