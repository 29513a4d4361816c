"""A C build through sccache whose server cannot start: GNU make with `CC="sccache gcc"`, the S3
endpoint a loopback listener that accepts and never answers. The client gives up after 10 s and
make stops with `Error 2`: a wrapper failure, not a code error."""

from labkit import Lab

HELLO = "#include <stdio.h>\nint main(void) { puts(\"hello\"); return 0; }\n"
UTIL = "int add(int a, int b) { return a + b; }\n"
MAKEFILE = "CC ?= cc\nhello: hello.o util.o\n\t$(CC) -o $@ $^\n%.o: %.c\n\t$(CC) -c -o $@ $<\n"


def make_startup_timeout():
    lab = Lab("make-startup-timeout", 4444)
    env = None
    endpoint = lab.port + 1
    lab.extra_ports.add(endpoint)
    try:
        lab.project.mkdir(parents=True)
        for name, text in (("hello.c", HELLO), ("util.c", UTIL), ("Makefile", MAKEFILE)):
            (lab.project / name).write_text(text)
        lab.listen(endpoint, "stall")
        env = lab.env(wrapper=False, CC=f"{lab.sccache} gcc", SCCACHE_BUCKET="acme-ci",
                      SCCACHE_ENDPOINT=f"http://127.0.0.1:{endpoint}", SCCACHE_REGION="us-east-1",
                      AWS_ACCESS_KEY_ID="AKIAIOSFODNN7EXAMPLE",
                      AWS_SECRET_ACCESS_KEY="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                      AWS_EC2_METADATA_DISABLED="true", SCCACHE_DIR=None, SCCACHE_LOG="debug",
                      SCCACHE_ERROR_LOG=lab.home / "sccache-server.log")
        lab.capture_during(6.0)
        res = lab.run(["make"], env, 60)
        lab.write("make-output.txt", f"$ make\n{res.stdout}{res.stderr}")
        lab.write_env(env)
        lab.copy_file(lab.home / "sccache-server.log", "sccache-server.log")
        lab.expected(
            "Real sccache 0.16 + GNU make with CC=\"sccache gcc\": the S3 endpoint (SCCACHE_ENDPOINT) is a "
            "loopback listener that accepts and never answers, so the server's storage check stalls; the "
            "client gives up after 10 s with `Timed out waiting for server startup` and make stops with "
            f"`Error 2` (make exited {res.rc}); ss and ps taken 6 s into the wait.",
            "storage-check-slow", "cache-backend", ["storage-check-slow", "server-startup-timeout"],
            roles={"server-startup-timeout": "symptom"},
            wrong=["source-compile-error", "toolchain-broken"],
            notes="make's `*** [Makefile:5: hello.o] Error 2` follows the sccache client's error: it belongs to "
                  "the wrapper, not to the code (no `file:line: error:` diagnostic exists).")
    finally:
        lab.close(env)


SCENARIOS = {"make-startup-timeout": make_startup_timeout}
