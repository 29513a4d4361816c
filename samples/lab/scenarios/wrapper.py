"""How cargo finds the wrapper: a missing RUSTC_WRAPPER path, and a `rustc-wrapper` in
.cargo/config.toml that an empty RUSTC_WRAPPER disables but an unset one does not."""

from labkit import Lab

CONFIG = '[build]\nrustc-wrapper = "sccache"\n'


def wrapper_missing():
    """RUSTC_WRAPPER points at a path that does not exist: cargo cannot execute the wrapper at all."""
    lab = Lab("wrapper-missing", 4420)
    try:
        lab.copy_crate()
        env = lab.env(RUSTC_WRAPPER="/opt/sccache/bin/sccache")
        res = lab.cargo(env)
        lab.write_cargo(res, cmd="cargo build")
        lab.write_env(env)
        lab.copy_rustc_info()
        lab.expected(
            "Real cargo 1.95 with RUSTC_WRAPPER=/opt/sccache/bin/sccache, a path that does not exist.",
            "wrapper-not-found", "cache-wrapper", ["wrapper-not-found"],
            roles={"wrapper-not-found": "root-cause"},
            wrong=["source-compile-error", "toolchain-broken", "server-startup-timeout"])
    finally:
        lab.close()


def _config_project(lab: Lab) -> None:
    lab.copy_crate()
    (lab.project / ".cargo").mkdir(exist_ok=True)
    (lab.project / ".cargo" / "config.toml").write_text(CONFIG)
    lab.write(".cargo/config.toml", CONFIG)


def config_wrapper_empty_env():
    """config.toml sets rustc-wrapper = "sccache", RUSTC_WRAPPER is empty: build runs without sccache."""
    lab = Lab("config-wrapper-empty-env", 4422)
    try:
        _config_project(lab)
        # sccache on PATH would be found by name; the empty variable must win anyway
        env = lab.env(wrapper=False, RUSTC_WRAPPER="",
                      PATH=f"{lab.sccache.parent}:" + lab.env()["PATH"])
        res = lab.cargo(env, "-v")
        lab.write_cargo(res, cmd="cargo build -v")
        lab.write_env(env)
        lab.copy_rustc_info()
        lab.show_stats(env)
        lab.expected(
            "Real cargo 1.95: .cargo/config.toml has rustc-wrapper = \"sccache\" and RUSTC_WRAPPER= "
            "(empty) in the environment; cargo ran rustc directly and the build succeeded.",
            None, "none", ["wrapper-from-config"], roles={"wrapper-from-config": "benign"},
            wrong=["server-startup-timeout", "wrapper-not-found", "source-compile-error"])
    finally:
        lab.close()


def config_wrapper_unset_fails():
    """config.toml wrapper with RUSTC_WRAPPER unset: cargo runs sccache anyway and its start-up fails."""
    lab = Lab("config-wrapper-unset-fails", 4424)
    env = None
    try:
        _config_project(lab)
        (lab.project / "target").mkdir()
        endpoint = lab.port + 1
        lab.listen(endpoint, "http403")
        env = lab.env(wrapper=False, PATH=f"{lab.sccache.parent}:" + lab.env()["PATH"],
                      SCCACHE_BUCKET="acme-sccache", SCCACHE_REGION="us-east-1",
                      SCCACHE_ENDPOINT=f"http://127.0.0.1:{endpoint}", SCCACHE_S3_USE_SSL="false",
                      AWS_ACCESS_KEY_ID="AKIAIOSFODNN7EXAMPLE",
                      AWS_SECRET_ACCESS_KEY="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                      SCCACHE_DIR=None)
        env.pop("RUSTC_WRAPPER", None)
        lab.env_used = env
        res = lab.cargo(env)
        lab.write_cargo(res, cmd="cargo build")
        lab.write_env(env)
        lab.copy_rustc_info()
        lab.expected(
            "Real sccache 0.16 + cargo 1.95: RUSTC_WRAPPER unset, .cargo/config.toml has "
            "rustc-wrapper = \"sccache\" (found on PATH); the S3 endpoint answers 403 so the "
            "server start-up fails in the rustc -vV probe.",
            "remote-access-denied", "cache-backend",
            ["remote-access-denied", "wrapper-from-config", "rustc-probe-failed", "server-startup-failed"],
            roles={"wrapper-from-config": "contributing"},
            wrong=["source-compile-error", "toolchain-broken", "wrapper-not-found"])
    finally:
        lab.close(env)


SCENARIOS = {
    "wrapper-missing": wrapper_missing,
    "config-wrapper-empty-env": config_wrapper_empty_env,
    "config-wrapper-unset-fails": config_wrapper_unset_fails,
}
