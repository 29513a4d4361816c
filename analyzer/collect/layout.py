"""The bundle layout every collector writes (Python, `collect.sh`, `collect.ps1`).

Bundles from different machines are only comparable when the same evidence sits under the
same name, so the names live here once; the two scripts define the same keys (`F_ENV=env.txt`
in sh, `Env = 'env.txt'` in PowerShell) and a test holds the three together. Copied files go
under `files/` at their original absolute path, the root or drive letter made a folder:
`/home/dev/.cargo/config.toml` -> `files/home/dev/.cargo/config.toml`,
`C:\\proj\\app\\target\\.rustc_info.json` -> `files/C/proj/app/target/.rustc_info.json`.
"""

from __future__ import annotations

import re
from pathlib import PurePath, PurePosixPath, PureWindowsPath

# key -> member name at the top of the bundle
FILES = {
    "manifest": "manifest.json",
    "env": "env.txt",
    "sockets": "sockets.txt",
    "processes": "processes.txt",
    "rustc_version": "rustc-vV.txt",
    "cargo_version": "cargo-V.txt",
    "sccache_version": "sccache-version.txt",
    "stats_json": "sccache-stats.json",
    "stats_text": "sccache-stats.txt",
    "dist_status": "sccache-dist-status.txt",
    "run_output": "run-output.txt",
    "run_log": "run-sccache-error.log",
}
COPIES = "files"

# Variables worth handing over: what configures sccache, cargo, rustup, proxies and the cloud
# SDKs the cache backends use, the C/C++ build's compiler and launcher settings, the GitHub
# Actions cache addresses (never its token), plus the few that decide where tools and default
# files are, the machine's name, and the CI context (provider, runner OS and image, job URL:
# analyzer/ci.py reads them; any token among them is redacted like any secret).
# Matched case-insensitively against the whole name; written so that POSIX ERE (grep -E),
# .NET and Python read it alike (the scripts carry the same text).
RELEVANT_ENV = (
    "^(SCCACHE_[A-Z0-9_]*|RUSTC_WRAPPER|RUSTC_WORKSPACE_WRAPPER|RUSTC|RUSTFLAGS|RUSTDOCFLAGS"
    "|CARGO_[A-Z0-9_]*|RUSTUP_[A-Z0-9_]*|[A-Z0-9_]*_PROXY|AWS_[A-Z0-9_]*|ALIBABA_[A-Z0-9_]*"
    "|GOOGLE_[A-Z0-9_]*|AZURE_[A-Z0-9_]*|CC|CXX|CMAKE_[A-Z0-9_]*_COMPILER_LAUNCHER|CMAKE_GENERATOR"
    "|PATH|HOME|USERPROFILE|APPDATA|LOCALAPPDATA|XDG_CONFIG_HOME|XDG_CACHE_HOME|TMPDIR|TEMP|TMP"
    "|CI|GITHUB_(ACTIONS|SERVER_URL|REPOSITORY|RUN_ID|RUN_ATTEMPT|JOB|WORKFLOW)|RUNNER_(OS|ARCH|NAME|ENVI"
    "RONMENT)|IMAGEOS|IMAGEVERSION|ACTIONS_CACHE_URL|ACTIONS_RESULTS_URL|ACTIONS_CACHE_SERVICE_V2|GITLAB_CI|CI_(SERVER_URL|PROJECT_PATH|PIPELINE_URL|"
    "JOB_[A-Z0-9_]*|RUNNER_[A-Z0-9_]*)|TF_BUILD|AGENT_(OS|OSARCHITECTURE|NAME|MACHINENAME)|SYSTEM_(COLLEC"
    "TIONURI|TEAMPROJECT|JOBID|ACCESSTOKEN)|BUILD_BUILDID|BUILDKITE|BUILDKITE_(BUILD_URL|JOB_ID|AGENT_NAM"
    "E|AGENT_META_DATA_[A-Z0-9_]*|PIPELINE_SLUG|AGENT_ACCESS_TOKEN)|JENKINS_URL|BUILD_URL|JOB_NAME|NODE_N"
    "AME|NODE_LABELS|HOSTNAME|COMPUTERNAME"
    ")$"
)
RELEVANT_ENV_RE = re.compile(RELEVANT_ENV, re.IGNORECASE)


def copy_path(path: str, windows: bool | None = None) -> str:
    """Where a copied file goes in the bundle: `files/` + its absolute path, root made a folder.

    `\\\\server\\share\\x` -> `files/UNC/server/share/x`. `windows` picks the path flavour
    (default: a drive letter or backslash in the path means Windows).
    """
    if windows is None:
        windows = bool(re.match(r"^[A-Za-z]:[\\/]|^\\\\", path))
    if windows:
        pure: PurePath = PureWindowsPath(path)
        drive = pure.drive
        if drive.startswith("\\\\"):
            head = ["UNC", *[p for p in drive.strip("\\").split("\\") if p]]
        else:
            head = [drive.rstrip(":")] if drive else []
        rest = [p for p in pure.parts[1:] if p not in ("", "\\")] if pure.anchor else list(pure.parts)
    else:
        pure = PurePosixPath(path)
        head = []
        rest = [p for p in pure.parts if p != "/"]
    parts = [_safe(p) for p in head + rest]
    return "/".join([COPIES, *[p for p in parts if p]])


def _safe(part: str) -> str:
    """`..` and `.` never name a folder in the bundle; control characters become `_`."""
    if part in (".", ".."):
        return "_"
    return re.sub(r"[\x00-\x1f\x7f]", "_", part)
