"""A remote cache behind a proxy that accepts the tunnel and then never answers: the server's
start-up storage check outlives the client's 10 s wait during cargo's `rustc -vV` probe."""

import time

from labkit import Lab

PROXY_ENV = {"HTTPS_PROXY": "http://127.0.0.1:{proxy}", "HTTP_PROXY": "http://127.0.0.1:{proxy}"}

BACKENDS = {
    "oss": {
        "SCCACHE_OSS_BUCKET": "acme-sccache",
        "SCCACHE_OSS_ENDPOINT": "https://oss-cn-hangzhou.aliyuncs.com",
        "SCCACHE_OSS_KEY_PREFIX": "acme",
        "ALIBABA_CLOUD_ACCESS_KEY_ID": "LTAI5tFAKEFAKEFAKE1234567",
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "FAKEsecretFAKEsecretFAKEsecret12",
    },
    "s3": {
        "SCCACHE_BUCKET": "acme-sccache",
        "SCCACHE_REGION": "us-east-1",
        "SCCACHE_S3_KEY_PREFIX": "ci/",
        "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
        "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "AWS_EC2_METADATA_DISABLED": "true",
    },
}


def stall(name: str, backend: str, port: int, debug_log: bool = True) -> None:
    lab = Lab(name, port)
    env = None
    proxy = lab.port + 1
    lab.extra_ports.add(proxy)
    try:
        lab.copy_crate()
        (lab.project / "target").mkdir()  # an earlier build left target/, so cargo stores the probe
        lab.listen(proxy, "connect-stall")
        extra = dict(BACKENDS[backend])
        extra.update({k: v.format(proxy=proxy) for k, v in PROXY_ENV.items()})
        extra["SCCACHE_DIR"] = None
        if debug_log:
            extra.update(SCCACHE_LOG="debug", SCCACHE_ERROR_LOG=lab.home / "sccache-server.log")
        env = lab.env(**extra)
        lab.capture_during(6.0)
        res = lab.cargo(env)
        time.sleep(3)  # let the server write what it does after the client gave up
        lab.write_cargo(res, cmd="cargo build")
        lab.write_env(env)
        lab.copy_rustc_info()
        if debug_log:
            lab.copy_file(lab.home / "sccache-server.log", "sccache-server.log")
        log = "the server's debug log (SCCACHE_ERROR_LOG), " if debug_log else "no server log, "
        lab.expected(
            f"Real sccache 0.16 + cargo 1.95: {backend.upper()} backend env with fake keys, HTTPS_PROXY "
            "to a loopback proxy that accepts CONNECT and then never forwards; cargo build with an "
            f"existing target/; {log}ss/ps taken 6 s into the client's wait.",
            "storage-check-slow", "network",  # the proxy holds unread bytes: the stall is in the network path
            ["storage-check-slow", "proxy-in-path", "server-startup-timeout", "rustc-probe-failed",
             "rustc-info-cached-failure"],
            roles={"storage-check-slow": "root-cause", "proxy-in-path": "contributing",
                   "server-startup-timeout": "symptom"},
            wrong=["source-compile-error", "toolchain-broken", "server-port-in-use",
                   "remote-credentials-missing"])
    finally:
        lab.close(env)
    return lab


def oss_stalling_proxy():
    """OSS backend + HTTPS_PROXY that stalls after CONNECT: start-up timeout in the rustc -vV probe."""
    stall("oss-stalling-proxy", "oss", 4400)


def s3_stalling_proxy():
    """S3 backend + HTTPS_PROXY that stalls after CONNECT: start-up timeout in the rustc -vV probe."""
    stall("s3-stalling-proxy", "s3", 4402)


def oss_stalling_proxy_nolog():
    """As oss-stalling-proxy but without SCCACHE_LOG/SCCACHE_ERROR_LOG: cargo output, ss, ps only."""
    stall("oss-stalling-proxy-nolog", "oss", 4404, debug_log=False)


SCENARIOS = {
    "oss-stalling-proxy": oss_stalling_proxy,
    "s3-stalling-proxy": s3_stalling_proxy,
    "oss-stalling-proxy-nolog": oss_stalling_proxy_nolog,
}
