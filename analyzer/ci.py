"""Which CI system a bundle comes from, from the variables the collectors record.

Every collector keeps the CI variables that place a failure (layout.RELEVANT_ENV): the provider,
the runner's OS and image, the job's URL, and — for GitHub Actions, whose cache backend (`gha`)
talks to one of two cache services — which cache-service variables the job had:
`ACTIONS_CACHE_URL` (the legacy service), `ACTIONS_RESULTS_URL` with `ACTIONS_CACHE_SERVICE_V2`
(the current one). Tokens among them (`ACTIONS_RUNTIME_TOKEN`, `CI_JOB_TOKEN`, `CI_JOB_JWT`,
`SYSTEM_ACCESSTOKEN`) are redacted by the collectors before anything is written.

    GITHUB_ACTIONS=true, RUNNER_OS=Linux, ImageOS=ubuntu24, ImageVersion=20250105.1.0
      -> ci_provider=github-actions, ci_runner_os=Linux, ci_runner_image=ubuntu24 20250105.1.0
"""

from __future__ import annotations

from collections.abc import Mapping

# (provider, the variable that says so)
PROVIDERS = (("github-actions", "GITHUB_ACTIONS"), ("gitlab-ci", "GITLAB_CI"), ("azure-pipelines", "TF_BUILD"),
             ("buildkite", "BUILDKITE"), ("jenkins", "JENKINS_URL"))
# Variables naming the runner's OS and image, per provider, in order of preference.
RUNNER_OS = {"github-actions": ("RUNNER_OS",), "azure-pipelines": ("AGENT_OS",),
             "gitlab-ci": ("CI_RUNNER_EXECUTABLE_ARCH",), "buildkite": ("BUILDKITE_AGENT_META_DATA_OS",),
             "jenkins": ("NODE_LABELS",)}
RUNNER_IMAGE = {"github-actions": ("ImageOS", "ImageVersion"), "azure-pipelines": ("ImageOS", "ImageVersion"),
                "gitlab-ci": ("CI_JOB_IMAGE",), "buildkite": ("BUILDKITE_AGENT_META_DATA_IMAGE",),
                "jenkins": ()}
GITHUB_CACHE_VARIABLES = ("ACTIONS_CACHE_URL", "ACTIONS_RESULTS_URL", "ACTIONS_CACHE_SERVICE_V2")


def describe(env: Mapping[str, str]) -> dict[str, str]:
    """The CI context as facts (`ci_provider`, `ci_runner_os`, `ci_runner_image`, `ci_job_url`,
    `ci_cache_variables`); empty when no CI variable is there."""
    upper = {k.upper(): v for k, v in env.items() if isinstance(v, str) and v.strip()}
    provider = next((name for name, var in PROVIDERS if upper.get(var)), None)
    if provider is None:
        return {}
    facts = {"ci_provider": provider}
    runner_os = next((upper[v.upper()] for v in RUNNER_OS[provider] if upper.get(v.upper())), None)
    if runner_os:
        facts["ci_runner_os"] = runner_os
    image = " ".join(upper[v.upper()] for v in RUNNER_IMAGE[provider] if upper.get(v.upper()))
    if image:
        facts["ci_runner_image"] = image
    url = job_url(provider, upper)
    if url:
        facts["ci_job_url"] = url
    if provider == "github-actions":
        present = [f"{v}={upper[v]}" if v == "ACTIONS_CACHE_SERVICE_V2" else v
                   for v in GITHUB_CACHE_VARIABLES if upper.get(v)]
        facts["ci_cache_variables"] = ", ".join(present) if present else "none"
    return facts


def job_url(provider: str, env: Mapping[str, str]) -> str | None:
    if provider == "github-actions":
        server, repo, run = env.get("GITHUB_SERVER_URL", "https://github.com"), env.get("GITHUB_REPOSITORY"), \
            env.get("GITHUB_RUN_ID")
        if repo and run:
            attempt = env.get("GITHUB_RUN_ATTEMPT")
            return f"{server.rstrip('/')}/{repo}/actions/runs/{run}" + (f"/attempts/{attempt}" if attempt else "")
        return None
    if provider == "gitlab-ci":
        return env.get("CI_JOB_URL")
    if provider == "azure-pipelines":
        base, project, build = env.get("SYSTEM_COLLECTIONURI"), env.get("SYSTEM_TEAMPROJECT"), env.get("BUILD_BUILDID")
        return f"{base.rstrip('/')}/{project}/_build/results?buildId={build}" if base and project and build else None
    if provider == "buildkite":
        url, job = env.get("BUILDKITE_BUILD_URL"), env.get("BUILDKITE_JOB_ID")
        return f"{url}#{job}" if url and job else url
    return env.get("BUILD_URL")
