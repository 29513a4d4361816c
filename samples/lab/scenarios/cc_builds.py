"""C and C++ builds through sccache, as CMake, Ninja and Make run them: a launcher the build never
reads, a launcher wrapped around the archiver, sccache named as the compiler itself, a compiler
sccache cannot recognise, a real compiler error with a healthy cache, the server failing its
storage check in the middle of a recursive make, limits of sccache's argument parser, coverage
builds with and without the notes file where sccache expects it, and the idle timeout during a
long link."""

from __future__ import annotations

from cclab import copy_cproject, expected, sh, show_stats_json, transcript, trim_log, write_env
from labkit import Lab

CMAKE_NINJA = "cmake -G Ninja -S . -B build -DCMAKE_BUILD_TYPE=Release"


def _log_env(lab: Lab, level: str = "debug", **extra) -> dict:
    from cclab import cc_env
    return cc_env(lab, SCCACHE_LOG=level, SCCACHE_ERROR_LOG=lab.home / "sccache-server.log", **extra)


def _finish(lab: Lab, env: dict, steps: list, json_stats: bool = False) -> None:
    transcript(lab, steps)
    write_env(lab, env)
    lab.show_stats(env)
    if json_stats:
        show_stats_json(lab, env)
    trim_log(lab, lab.home / "sccache-server.log", "sccache-server.log")


def launcher_ignored():
    """Plain make with CMAKE_<LANG>_COMPILER_LAUNCHER in the environment: make never reads it."""
    lab = Lab("cc-launcher-ignored", 4440)
    env = None
    try:
        copy_cproject(lab)
        env = _log_env(lab, "info", CMAKE_C_COMPILER_LAUNCHER=lab.sccache, CMAKE_CXX_COMPILER_LAUNCHER=lab.sccache)
        steps = [("sccache --start-server", sh(lab, f"{lab.sccache} --start-server", env)),
                 ("make", sh(lab, "make", env))]
        _finish(lab, env, steps, json_stats=True)
        expected(lab, "Real sccache 0.16, GNU make 4.3, gcc 12: a plain Makefile project built with "
                 "CMAKE_C_COMPILER_LAUNCHER/CMAKE_CXX_COMPILER_LAUNCHER=sccache exported; make "
                 "runs cc and c++ directly, the build passes, and the started server counts no "
                 "compile request.", "launcher-not-applied", "environment", ["launcher-not-applied"],
                 "cache-ineffective",
                 wrong=["source-compile-error", "server-startup-timeout", "cache-write-errors"])
    finally:
        lab.close(env)


def launcher_wraps_archiver():
    """CMake's RULE_LAUNCH_LINK=sccache also wraps ar and ranlib; sccache rejects them."""
    lab = Lab("cc-launcher-wraps-ar", 4441)
    env = None
    try:
        copy_cproject(lab)
        (lab.project / "launch.cmake").write_text(
            'set_property(GLOBAL PROPERTY RULE_LAUNCH_COMPILE "sccache")\n'
            'set_property(GLOBAL PROPERTY RULE_LAUNCH_LINK "sccache")\n')
        env = _log_env(lab, "info")
        env["PATH"] = f"{lab.sccache.parent}:{env['PATH']}"
        configure = "cmake -G 'Unix Makefiles' -S . -B build -DCMAKE_PROJECT_INCLUDE=launch.cmake"
        steps = [(configure, sh(lab, configure, env)),
                 ("cmake --build build", sh(lab, "cmake --build build", env))]
        _finish(lab, env, steps)
        expected(lab, "Real sccache 0.16, CMake 3.25 (Unix Makefiles), gcc 12: the global "
                 "RULE_LAUNCH_LINK property puts sccache in front of the archiver too; sccache "
                 "runs `ar -E` to detect a compiler, rejects it (`Compiler not supported`), and "
                 "gmake stops with Error 2.", "launcher-wraps-non-compiler", "environment",
                 ["launcher-wraps-non-compiler"], "build-failed",
                 wrong=["source-compile-error", "compiler-not-supported", "server-startup-failed"])
    finally:
        lab.close(env)


def wrapper_without_compiler():
    """CC=sccache: make calls sccache with compiler flags and no compiler."""
    lab = Lab("cc-wrapper-without-compiler", 4442)
    env = None
    try:
        copy_cproject(lab)
        env = _log_env(lab, "info", CC=lab.sccache, CXX=lab.sccache)
        steps = [("make", sh(lab, "make CC=\"$CC\" CXX=\"$CXX\"", env))]
        _finish(lab, env, steps)
        expected(lab, "Real sccache 0.16, GNU make 4.3: CC and CXX set to sccache alone, so make runs "
                 "`sccache -O1 -c main.cpp -o main.o`; sccache's argument parser rejects the flag and "
                 "make stops.", "wrapper-invoked-without-compiler", "environment",
                 ["wrapper-invoked-without-compiler"], "build-failed",
                 wrong=["source-compile-error", "wrapper-not-found"])
    finally:
        lab.close(env)


COMPILER_DRIVER = """#!/bin/sh
# Project compiler driver: adds the project's flags, refuses to preprocess only.
for a in "$@"; do
  if [ "$a" = "-E" ]; then echo "cc-driver: preprocessing only is not supported" >&2; exit 1; fi
done
exec gcc -fno-common "$@"
"""


def compiler_not_supported():
    """CC="sccache ./tools/cc-driver": a driver script sccache cannot identify as a compiler."""
    lab = Lab("cc-compiler-not-supported", 4443)
    env = None
    try:
        copy_cproject(lab)
        driver = lab.project / "tools" / "cc-driver"
        driver.parent.mkdir()
        driver.write_text(COMPILER_DRIVER)
        driver.chmod(0o755)
        env = _log_env(lab, "debug")
        cmd = f'make CC="{lab.sccache} ./tools/cc-driver" CXX="{lab.sccache} g++"'
        steps = [(cmd.replace(str(lab.sccache), "sccache"), sh(lab, cmd, env))]
        _finish(lab, env, steps)
        expected(lab, "Real sccache 0.16, GNU make 4.3: CC is a project driver script in front of "
                 "gcc that refuses `-E`; sccache cannot detect what compiler it is "
                 "(`Compiler not supported`) and the compile fails.", "compiler-not-supported",
                 "cache-wrapper", ["compiler-not-supported"], "build-failed",
                 wrong=["source-compile-error", "launcher-wraps-non-compiler"])
    finally:
        lab.close(env)


BROKEN_CPP = """#include <iostream>
#include "shapes.h"

int main() {
    std::cout << area_circle(1.5) + area_triangle(2.0) << std::endl;
    return 0;
}
"""


def compile_error_healthy():
    """CMake + Ninja with CMAKE_CXX_COMPILER_LAUNCHER=sccache and a real C++ error."""
    lab = Lab("cc-compile-error-healthy-cache", 4444)
    env = None
    try:
        copy_cproject(lab)
        (lab.project / "main.cpp").write_text(BROKEN_CPP)
        env = _log_env(lab, "info", CMAKE_C_COMPILER_LAUNCHER=lab.sccache,
                       CMAKE_CXX_COMPILER_LAUNCHER=lab.sccache)
        steps = [(CMAKE_NINJA, sh(lab, CMAKE_NINJA, env)),
                 ("cmake --build build", sh(lab, "cmake --build build", env))]
        _finish(lab, env, steps)
        expected(lab, "Real sccache 0.16, CMake 3.25 + Ninja 1.11, g++ 12: the launcher comes from "
                 "CMAKE_<LANG>_COMPILER_LAUNCHER in the environment; main.cpp calls an undeclared "
                 "function, g++ reports the error through sccache and ninja stops.",
                 "source-compile-error", "source-code", ["source-compile-error"], "build-failed",
                 roles={"source-compile-error": "root-cause"},
                 wrong=["launcher-not-applied", "server-startup-timeout", "compiler-not-supported",
                        "cache-served-bad-artifact", "storage-check-failed"])
    finally:
        lab.close(env)


SUBDIR_MAKEFILE = """all:
\t$(MAKE) -C lib
\t$(MAKE) -C app

.PHONY: all
"""
LIB_MAKEFILE = """shapes.o: ../shapes.c ../shapes.h
\t$(CC) -O1 -I.. -c ../shapes.c -o $@
"""
APP_MAKEFILE = """main.o: ../main.cpp ../shapes.h
\t$(CXX) -O1 -I.. -c ../main.cpp -o $@
"""


def backend_failure_make():
    """Recursive make, CC="sccache gcc", S3 endpoint refusing connections: Error 2 at the top."""
    lab = Lab("cc-backend-failure-make", 4445)
    env = None
    try:
        copy_cproject(lab)
        for sub, text in (("lib", LIB_MAKEFILE), ("app", APP_MAKEFILE)):
            (lab.project / sub).mkdir()
            (lab.project / sub / "Makefile").write_text(text)
        (lab.project / "Makefile").write_text(SUBDIR_MAKEFILE)
        endpoint = lab.port + 1  # nothing listens there
        env = _log_env(lab, "debug", SCCACHE_BUCKET="acme-sccache", SCCACHE_REGION="us-east-1",
                       SCCACHE_ENDPOINT=f"http://127.0.0.1:{endpoint}",
                       AWS_ACCESS_KEY_ID="AKIAIOSFODNN7EXAMPLE",
                       AWS_SECRET_ACCESS_KEY="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
        cmd = f'make CC="{lab.sccache} gcc" CXX="{lab.sccache} g++"'
        steps = [('make CC="sccache gcc" CXX="sccache g++"', sh(lab, cmd, env))]
        _finish(lab, env, steps)
        expected(lab, "Real sccache 0.16, GNU make 4.3: recursive make with CC=\"sccache gcc\"; the "
                 "S3 endpoint (SCCACHE_ENDPOINT on a closed loopback port) refuses the server's "
                 "storage check, the first compile in lib/ fails and the top-level make stops with "
                 "Error 2.", "remote-unreachable", "network", ["remote-unreachable"], "build-failed",
                 wrong=["source-compile-error", "launcher-not-applied", "wrapper-invoked-without-compiler"])
    finally:
        lab.close(env)


LIMITS_MAKEFILE = """CC = sccache gcc
CXX = sccache g++

cdemo: main.cpp shapes.c shapes.h
\t$(CC) -O1 -save-temps -c shapes.c -o shapes.o
\t$(CXX) -O1 -c main.cpp shapes.c -x none
\t$(CXX) -o cdemo main.o shapes.o

clean:
\trm -f cdemo *.o *.i *.ii *.s
"""


def non_cacheable_limits():
    """Flags sccache's argument parser refuses to cache: -save-temps, several inputs in one call."""
    lab = Lab("cc-non-cacheable-limits", 4446)
    env = None
    try:
        copy_cproject(lab)
        (lab.project / "Makefile").write_text(LIMITS_MAKEFILE)
        env = _log_env(lab, "debug")
        env["PATH"] = f"{lab.sccache.parent}:{env['PATH']}"
        first = sh(lab, "make", env)
        second = sh(lab, "make clean >/dev/null && make", env)
        _finish(lab, env, [("make", first), ("make clean && make", second)], json_stats=True)
        expected(lab, "Real sccache 0.16, GNU make 4.3: a Makefile that compiles with -save-temps "
                 "and passes two sources to one g++ call, built twice; the build passes and no "
                 "call is ever cached (`-save-temps`, `multiple input files`).",
                 "non-cacheable-limitation", "cache-wrapper", ["non-cacheable-limitation"],
                 "cache-ineffective", wrong=["source-compile-error", "cache-write-errors"])
    finally:
        lab.close(env)


def coverage_healthy():
    """--coverage twice from clean: the .gcno notes come back from the cache with the object."""
    lab = Lab("cc-coverage-healthy", 4447)
    env = None
    try:
        copy_cproject(lab)
        env = _log_env(lab, "info")
        make = f'make CC="{lab.sccache} gcc" CXX="{lab.sccache} g++" CFLAGS=--coverage CXXFLAGS=--coverage LDFLAGS=--coverage'
        shown = 'make CC="sccache gcc" CXX="sccache g++" CFLAGS=--coverage CXXFLAGS=--coverage LDFLAGS=--coverage'
        first = sh(lab, make, env)
        second = sh(lab, f"make clean >/dev/null && {make} && ls *.gcno", env)
        _finish(lab, env, [(shown, first), (f"make clean && {shown} && ls *.gcno", second)])
        expected(lab, "Real sccache 0.16, gcc 12: --coverage builds, twice from clean; the second "
                 "build is served from the cache, .gcno files included.", None, "none", [],
                 "healthy", wrong=["expected-output-missing", "source-compile-error",
                                   "non-cacheable-limitation"])
    finally:
        lab.close(env)


def coverage_missing_output():
    """--coverage with -fprofile-note elsewhere: sccache looks for <obj>.gcno and fails the compile."""
    lab = Lab("cc-coverage-notes-moved", 4448)
    env = None
    try:
        copy_cproject(lab)
        env = _log_env(lab, "debug")
        flags = "--coverage -fprofile-note=$(CURDIR)/coverage/$(@:.o=.gcno)"
        make = (f"mkdir -p coverage && make CC=\"{lab.sccache} gcc\" CXX=\"{lab.sccache} g++\" "
                f"CFLAGS='{flags}' CXXFLAGS='{flags}' LDFLAGS=--coverage")
        steps = [(make.replace(str(lab.sccache), "sccache"), sh(lab, make, env))]
        _finish(lab, env, steps)
        expected(lab, "Real sccache 0.16, gcc 12: --coverage with -fprofile-note= sending the notes "
                 "file to coverage/; gcc writes it there, sccache expects it next to the object, "
                 "`failed to zip up compiler outputs`, the compile fails (exit 254) and make stops.",
                 "expected-output-missing", "cache-wrapper", ["expected-output-missing"],
                 "build-failed", wrong=["source-compile-error", "local-disk-cache-problem"])
    finally:
        lab.close(env)


IDLE_MAKEFILE = """cdemo: main.o shapes.o
\t@echo "linking (slow link step)"
\tsleep 6
\t$(CXX) -o $@ main.o shapes.o
\t$(MAKE) extra.o

main.o: main.cpp shapes.h
\t$(CXX) -O1 -c main.cpp -o $@

shapes.o: shapes.c shapes.h
\t$(CC) -O1 -c shapes.c -o $@

extra.o: shapes.c
\t$(CC) -O2 -c shapes.c -o $@
"""


def idle_timeout_link():
    """SCCACHE_IDLE_TIMEOUT=3 and a 6 s link: the server leaves during the link, the next compile
    starts a new one."""
    lab = Lab("cc-idle-timeout-link", 4449)
    env = None
    try:
        copy_cproject(lab)
        (lab.project / "Makefile").write_text(IDLE_MAKEFILE)
        env = _log_env(lab, "debug", SCCACHE_IDLE_TIMEOUT="3")
        cmd = f'make CC="{lab.sccache} gcc" CXX="{lab.sccache} g++"'
        steps = [('make CC="sccache gcc" CXX="sccache g++"', sh(lab, cmd, env))]
        _finish(lab, env, steps)
        text = (lab.home / "sccache-server.log").read_text(errors="replace")
        idle = "shutting down due to being idle" in text
        expected(lab, "Real sccache 0.16, GNU make 4.3: SCCACHE_IDLE_TIMEOUT=3 and a link step that "
                 "takes 6 s; the server shuts down while the linker runs and the next compile "
                 f"starts a fresh one (idle shutdown in the log: {'yes' if idle else 'no'}); the "
                 "build passes.", None, "none", ["server-idle-timeout"] if idle else [], "healthy",
                 wrong=["source-compile-error", "server-exited-midbuild", "server-startup-timeout"],
                 notes="The stats after the build come from the second server, so they count only "
                 "the compile after the link.")
    finally:
        lab.close(env)


SCENARIOS = {
    "cc-launcher-ignored": launcher_ignored,
    "cc-launcher-wraps-ar": launcher_wraps_archiver,
    "cc-wrapper-without-compiler": wrapper_without_compiler,
    "cc-compiler-not-supported": compiler_not_supported,
    "cc-compile-error-healthy-cache": compile_error_healthy,
    "cc-backend-failure-make": backend_failure_make,
    "cc-non-cacheable-limits": non_cacheable_limits,
    "cc-coverage-healthy": coverage_healthy,
    "cc-coverage-notes-moved": coverage_missing_output,
    "cc-idle-timeout-link": idle_timeout_link,
}
