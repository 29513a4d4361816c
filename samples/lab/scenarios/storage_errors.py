"""S3 backends whose start-up storage check fails at once: no credentials, endpoint refusing,
endpoint resetting, endpoint answering 403. The server exits and the client relays the reason."""

import time

from labkit import Lab

S3 = {
    "SCCACHE_BUCKET": "acme-sccache",
    "SCCACHE_REGION": "us-east-1",
    "SCCACHE_S3_USE_SSL": "false",
    "AWS_EC2_METADATA_DISABLED": "true",
    "SCCACHE_DIR": None,
    "SCCACHE_LOG": "debug",
}
KEYS = {"AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
        "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}


WRONG = ["source-compile-error", "toolchain-broken", "server-startup-timeout", "storage-check-slow"]


def s3_failure(name: str, port: int, mode: str | None, expect: dict, keys: bool = True) -> Lab:
    """Run one cargo build against an S3 endpoint on 127.0.0.1:port+1 behaving as `mode`.

    `{endpoint}` in the description becomes that port as used in this run."""
    lab = Lab(name, port)
    env = None
    try:
        lab.copy_crate()
        (lab.project / "target").mkdir()
        endpoint = lab.port + 1
        lab.extra_ports.add(endpoint)
        if mode:
            lab.listen(endpoint, mode)
        extra = dict(S3, SCCACHE_ENDPOINT=f"http://127.0.0.1:{endpoint}",
                     SCCACHE_ERROR_LOG=lab.home / "sccache-server.log")
        if keys:
            extra.update(KEYS)
        env = lab.env(**extra)
        lab.capture_during(1.0)
        res = lab.cargo(env)
        time.sleep(1.5)
        lab.write_cargo(res, cmd="cargo build")
        lab.write_env(env)
        lab.copy_rustc_info()
        lab.copy_file(lab.home / "sccache-server.log", "sccache-server.log")
        lab.show_stats(env)
        lab.expected(**dict(expect, description=expect["description"].replace("{endpoint}", str(endpoint))))
    finally:
        lab.close(env)
    return lab


def s3_no_credentials():
    """S3 env without any AWS credentials, IMDS disabled: storage check fails before any I/O."""
    s3_failure("s3-no-credentials", 4406, "stall", keys=False, expect=dict(
        description="Real sccache 0.16 + cargo 1.95: S3 env (bucket, region, loopback endpoint) with "
        "no AWS_* credentials and AWS_EC2_METADATA_DISABLED=true; debug server log.",
        root_cause="remote-credentials-missing", layer="cache-backend",
        findings=["remote-credentials-missing", "storage-check-failed", "server-startup-failed",
                  "rustc-probe-failed", "rustc-info-cached-failure"],
        roles={"remote-credentials-missing": "root-cause"},
        wrong=WRONG + ["remote-access-denied", "remote-unreachable"]))


def s3_endpoint_refused():
    """SCCACHE_ENDPOINT points at a closed loopback port: connection refused during the check."""
    s3_failure("s3-endpoint-refused", 4408, None, expect=dict(
        description="Real sccache 0.16 + cargo 1.95: SCCACHE_ENDPOINT=http://127.0.0.1:{endpoint} with "
        "nothing listening; fake AWS keys; debug server log.",
        root_cause="remote-unreachable", layer="network",
        findings=["remote-unreachable", "storage-check-failed", "server-startup-failed",
                  "rustc-probe-failed", "rustc-info-cached-failure"],
        roles={"remote-unreachable": "root-cause"},
        wrong=WRONG + ["remote-credentials-missing", "remote-access-denied"]))


def s3_endpoint_reset():
    """SCCACHE_ENDPOINT accepts and resets every connection during the storage check."""
    s3_failure("s3-endpoint-reset", 4410, "reset", expect=dict(
        description="Real sccache 0.16 + cargo 1.95: SCCACHE_ENDPOINT is a loopback listener that "
        "reads the request and resets the connection; fake AWS keys; debug server log.",
        root_cause="remote-unreachable", layer="network",
        findings=["remote-unreachable", "storage-check-failed", "server-startup-failed",
                  "rustc-probe-failed", "rustc-info-cached-failure"],
        roles={"remote-unreachable": "root-cause"},
        wrong=WRONG + ["remote-credentials-missing", "remote-access-denied"]))


def s3_access_denied():
    """SCCACHE_ENDPOINT answers every request with HTTP 403 AccessDenied XML."""
    s3_failure("s3-access-denied", 4412, "http403", expect=dict(
        description="Real sccache 0.16 + cargo 1.95: SCCACHE_ENDPOINT is a loopback listener "
        "answering HTTP 403 with S3 AccessDenied XML; fake AWS keys; debug server log.",
        root_cause="remote-access-denied", layer="cache-backend",
        findings=["remote-access-denied", "storage-check-failed", "server-startup-failed",
                  "rustc-probe-failed", "rustc-info-cached-failure"],
        roles={"remote-access-denied": "root-cause"},
        wrong=WRONG + ["remote-credentials-missing", "remote-unreachable"]))


SCENARIOS = {
    "s3-no-credentials": s3_no_credentials,
    "s3-endpoint-refused": s3_endpoint_refused,
    "s3-endpoint-reset": s3_endpoint_reset,
    "s3-access-denied": s3_access_denied,
}
