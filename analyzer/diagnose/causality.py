"""Which finding explains which, and how deep each cause sits.

The verdict goes to the deepest well-supported cause; a finding that a higher-ranked
root cause explains becomes its symptom. Data, not code, so a new ID is one line here.
"""

from __future__ import annotations

# Findings that only describe what the user saw. Never the verdict while a cause is known.
SYMPTOMS = frozenset({
    "server-startup-timeout", "server-startup-failed", "rustc-probe-failed", "ipc-broken",
    "daemon-not-listening", "server-not-running", "stop-server-failed", "storage-check-failed",
})

# Findings that are never the verdict: they describe conditions, not failures.
NEVER_ROOT = frozenset({
    "proxy-in-path", "config-file-missing", "unhandled-compile-passthrough", "low-cache-hit-rate",
    "non-cacheable-calls", "wrapper-from-config", "setting-ignored",
})

# Default roles for IDs that have no pattern file (rule-only IDs).
DEFAULT_ROLES = {
    "storage-check-slow": "root-cause",
    "daemon-not-listening": "symptom",
    "server-not-running": "symptom",
    "server-port-in-use": "root-cause",
    "server-port-reserved": "root-cause",
    "server-stale-environment": "root-cause",
    "rustc-info-cached-failure": "contributing",
    "wrapper-from-config": "contributing",
    "compile-interrupted-by-kill": "root-cause",
    "source-compile-error": "root-cause",
    "toolchain-broken": "root-cause",
    "sccache-known-defect": "contributing",
    "low-cache-hit-rate": "benign",
    "non-cacheable-calls": "benign",
    "cache-write-errors": "contributing",
    "cache-read-errors": "contributing",
    "remote-cache-slow": "contributing",
    "server-idle-timeout": "root-cause",
    "setting-ignored": "contributing",
    "launcher-not-applied": "root-cause",
    "non-cacheable-limitation": "contributing",
    "backend-not-in-use": "root-cause",
}

# cause -> what it explains (its symptoms in a report where it is the verdict)
EXPLAINS = {
    "storage-check-slow": {"server-startup-timeout", "rustc-probe-failed", "daemon-not-listening",
                           "server-not-running", "ipc-broken", "stop-server-failed"},
    "storage-check-failed": {"server-startup-failed", "rustc-probe-failed", "server-not-running"},
    "remote-credentials-missing": {"storage-check-failed", "server-startup-failed", "rustc-probe-failed",
                                   "cache-write-errors", "cache-read-errors"},
    "aws-imds-credentials": {"remote-credentials-missing", "storage-check-failed", "server-startup-failed",
                             "rustc-probe-failed", "cache-write-errors"},
    "remote-access-denied": {"storage-check-failed", "server-startup-failed", "rustc-probe-failed",
                             "cache-write-errors", "cache-read-errors"},
    "remote-unreachable": {"storage-check-failed", "server-startup-failed", "rustc-probe-failed",
                           "server-startup-timeout", "cache-write-errors", "cache-read-errors"},
    "backend-misconfigured": {"storage-check-failed", "server-startup-failed", "rustc-probe-failed",
                              "remote-access-denied", "remote-unreachable"},
    "backend-api-incompatible": {"storage-check-failed", "server-startup-failed", "rustc-probe-failed"},
    "server-port-in-use": {"ipc-broken", "server-startup-failed", "rustc-probe-failed", "stop-server-failed",
                           "server-startup-timeout"},
    "server-port-reserved": {"server-startup-failed", "rustc-probe-failed", "server-startup-timeout"},
    "server-version-mismatch": {"ipc-broken", "rustc-probe-failed"},
    "server-exited-midbuild": {"ipc-broken"},
    "cache-served-bad-artifact": {"source-compile-error"},
    "server-idle-timeout": {"ipc-broken", "server-exited-midbuild"},
    "compile-interrupted-by-kill": {"ipc-broken", "server-exited-midbuild", "unhandled-compile-passthrough"},
    "rustc-info-cached-failure": {"rustc-probe-failed", "server-startup-timeout", "server-startup-failed"},
    "wrapper-not-found": {"rustc-probe-failed"},
    "local-disk-cache-problem": {"cache-write-errors", "cache-read-errors", "server-startup-failed"},
    "source-compile-error": set(),
    "toolchain-broken": {"rustc-probe-failed"},
    "server-stale-environment": {"server-startup-timeout", "storage-check-failed"},
    "launcher-wraps-non-compiler": {"compiler-not-supported"},
    "backend-rate-limited": {"cache-write-errors", "cache-read-errors", "remote-cache-slow"},
    "backend-not-in-use": {"low-cache-hit-rate"},
    "dist-builder-sandbox-failed": {"dist-fallback-local"},
    "dist-toolchain-packaging-failed": {"dist-fallback-local"},
    "dist-toolchain-incomplete": {"dist-fallback-local"},
    "dist-scheduler-unreachable": {"dist-fallback-local"},
    "dist-client-cache-problem": {"dist-scheduler-unreachable", "dist-fallback-local"},
    "non-cacheable-limitation": {"non-cacheable-calls", "low-cache-hit-rate", "unhandled-compile-passthrough"},
    "launcher-not-applied": {"low-cache-hit-rate"},
}

# Tie-break among root-cause candidates of equal confidence: deeper causes first.
DEPTH = {
    "aws-imds-credentials": 9, "remote-credentials-missing": 8, "backend-misconfigured": 8,
    "remote-access-denied": 7, "backend-api-incompatible": 7, "storage-check-slow": 7,
    "server-port-reserved": 7, "server-port-in-use": 7, "server-version-mismatch": 6,
    "remote-unreachable": 6, "server-stale-environment": 6, "local-disk-cache-problem": 6,
    "compile-interrupted-by-kill": 6, "server-idle-timeout": 6, "wrapper-not-found": 6,
    "source-compile-error": 5, "toolchain-broken": 5, "rustc-info-cached-failure": 4,
    "server-exited-midbuild": 4, "cache-served-bad-artifact": 5, "sccache-known-defect": 3,
    "storage-check-failed": 3,
    "launcher-wraps-non-compiler": 7, "wrapper-invoked-without-compiler": 6, "compiler-not-supported": 5,
    "expected-output-missing": 5, "launcher-not-applied": 6, "backend-not-in-use": 7, "backend-rate-limited": 7,
    "non-cacheable-limitation": 5, "dist-client-cache-problem": 8, "dist-builder-sandbox-failed": 7,
    "dist-toolchain-packaging-failed": 7, "dist-toolchain-incomplete": 7, "dist-scheduler-unreachable": 6,
    "dist-fallback-local": 2,
    # Symptoms, for the promotion of the best one when no cause is known: what the server or
    # the channel did sits deeper than cargo's view of it.
    "server-startup-failed": 2, "server-startup-timeout": 2, "daemon-not-listening": 2, "ipc-broken": 2,
    "server-not-running": 1, "stop-server-failed": 1, "rustc-probe-failed": 0,
}
