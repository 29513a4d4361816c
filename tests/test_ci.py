"""The CI context a bundle's environment dump carries: provider, runner, job URL, cache service."""

from __future__ import annotations

import pytest

from analyzer.analysis import analyze
from analyzer.ci import describe
from tests.shared import knowledge

CASES = [
    ({"GITHUB_ACTIONS": "true", "RUNNER_OS": "Linux", "ImageOS": "ubuntu24", "ImageVersion": "20250105.1.0",
      "GITHUB_SERVER_URL": "https://github.com", "GITHUB_REPOSITORY": "acme/app", "GITHUB_RUN_ID": "99",
      "GITHUB_RUN_ATTEMPT": "2", "ACTIONS_RESULTS_URL": "https://results-receiver.actions.githubusercontent.com/",
      "ACTIONS_CACHE_SERVICE_V2": "True"},
     {"ci_provider": "github-actions", "ci_runner_os": "Linux", "ci_runner_image": "ubuntu24 20250105.1.0",
      "ci_job_url": "https://github.com/acme/app/actions/runs/99/attempts/2",
      "ci_cache_variables": "ACTIONS_RESULTS_URL, ACTIONS_CACHE_SERVICE_V2=True"}),
    ({"GITHUB_ACTIONS": "true", "ACTIONS_CACHE_URL": "https://artifactcache.actions.githubusercontent.com/x/"},
     {"ci_provider": "github-actions", "ci_cache_variables": "ACTIONS_CACHE_URL"}),
    ({"GITLAB_CI": "true", "CI_JOB_URL": "https://gitlab.example.com/g/p/-/jobs/7", "CI_JOB_IMAGE": "rust:1.86"},
     {"ci_provider": "gitlab-ci", "ci_job_url": "https://gitlab.example.com/g/p/-/jobs/7", "ci_runner_image": "rust:1.86"}),
    ({"TF_BUILD": "True", "AGENT_OS": "Windows_NT", "ImageOS": "win22", "SYSTEM_COLLECTIONURI": "https://dev.azure.com/acme/",
      "SYSTEM_TEAMPROJECT": "app", "BUILD_BUILDID": "314"},
     {"ci_provider": "azure-pipelines", "ci_runner_os": "Windows_NT", "ci_runner_image": "win22",
      "ci_job_url": "https://dev.azure.com/acme/app/_build/results?buildId=314"}),
    ({"BUILDKITE": "true", "BUILDKITE_BUILD_URL": "https://buildkite.com/acme/app/builds/5", "BUILDKITE_JOB_ID": "j-1"},
     {"ci_provider": "buildkite", "ci_job_url": "https://buildkite.com/acme/app/builds/5#j-1"}),
    ({"JENKINS_URL": "https://ci.example.com/", "BUILD_URL": "https://ci.example.com/job/app/12/", "NODE_LABELS": "linux"},
     {"ci_provider": "jenkins", "ci_job_url": "https://ci.example.com/job/app/12/", "ci_runner_os": "linux"}),
    ({"PATH": "/usr/bin", "CI": "true"}, {}),
]


@pytest.mark.parametrize(("env", "expected"), CASES, ids=[c[1].get("ci_provider", "none") for c in CASES])
def test_describe(env, expected):
    assert describe(env) == expected


def test_ci_context_reaches_the_report_without_its_token(tmp_path):
    (tmp_path / "env.txt").write_text(
        "GITHUB_ACTIONS=true\nRUNNER_OS=Windows\nImageOS=win22\nACTIONS_CACHE_URL=https://artifactcache.actions."
        "githubusercontent.com/abc/\nACTIONS_RUNTIME_TOKEN=plantedRuntimeToken0123456789\nSCCACHE_GHA_ENABLED=true\n"
        "GITHUB_REPOSITORY=acme/app\nGITHUB_RUN_ID=7\n", encoding="utf-8")
    (tmp_path / "cargo.txt").write_text("sccache: error: Timed out waiting for server startup\n", encoding="utf-8")
    facts = analyze([str(tmp_path)], knowledge()).report
    assert "plantedRuntimeToken" not in str(facts)
    facts = facts["facts"]
    assert facts["ci_provider"] == "github-actions" and facts["ci_runner_image"] == "win22"
    assert facts["ci_cache_variables"] == "ACTIONS_CACHE_URL"
    assert facts["ci_job_url"] == "https://github.com/acme/app/actions/runs/7"
