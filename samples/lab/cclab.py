"""What the C/C++ and sccache-dist scenarios add to the lab kit: a copy of the small CMake/Make
project, build commands run through a shell and written as one transcript, an env dump that
keeps the compiler and launcher settings, and expected.json with the build's `status`."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from labkit import LAB, Lab, Result

CPROJECT = LAB / "cproject"

#: Variables a C/C++ build's env dump keeps (compiler, launcher, sccache; no secrets).
CC_ENV_KEEP = re.compile(r"^(SCCACHE_.*|CC|CXX|CFLAGS|CXXFLAGS|LDFLAGS|CMAKE_.*_LAUNCHER|CMAKE_GENERATOR|"
                         r"RUSTC_WRAPPER|.*_PROXY|.*_proxy|AWS_.*)$")


def copy_cproject(lab: Lab) -> Path:
    shutil.copytree(CPROJECT, lab.project, dirs_exist_ok=True)
    return lab.project


def cc_env(lab: Lab, **extra) -> dict:
    """The lab's clean environment without cargo's wrapper, plus the C/C++ settings given."""
    env = lab.env(wrapper=False, **extra)
    for key in ("CARGO_TARGET_DIR", "CARGO_NET_OFFLINE", "RUSTUP_HOME", "CARGO_HOME"):
        env.pop(key, None)
    return env


def sh(lab: Lab, command: str, env: dict, timeout: float = 180) -> Result:
    """Run one shell command line in the project, as a developer would type it."""
    return lab.run(["sh", "-c", command], env, timeout)


def transcript(lab: Lab, steps: list[tuple[str, Result]], name: str = "build.txt") -> None:
    """The commands and everything they printed, in order, as one terminal session."""
    parts = [f"$ {shown}\n{res.stdout}{res.stderr}" for shown, res in steps]
    lab.write(name, "".join(p if p.endswith("\n") else p + "\n" for p in parts))


def write_env(lab: Lab, env: dict, name: str = "env.txt") -> None:
    lines = [f"{k}={v}" for k, v in sorted(env.items()) if CC_ENV_KEEP.match(k)]
    lab.write(name, "\n".join(lines) + "\n")


def show_stats_json(lab: Lab, env: dict, name: str = "show-stats.json") -> Result:
    env = {k: v for k, v in env.items() if k not in ("SCCACHE_LOG", "SCCACHE_ERROR_LOG")}
    res = lab.run([lab.sccache, "--show-stats", "--stats-format=json"], env, 20)
    if res.rc == 0 and res.stdout.strip().startswith("{"):
        lab.write(name, res.stdout)
    return res


def expected(lab: Lab, description: str, root_cause, layer: str, findings: list, status: str,
             **kwargs) -> None:
    """expected.json as the lab kit writes it, plus the build's status (build-failed,
    cache-ineffective or healthy)."""
    lab.expected(description, root_cause, layer, findings, **kwargs)
    path = lab.sample / "expected.json"
    doc = json.loads(path.read_text())
    doc["status"] = status
    path.write_text(json.dumps(doc, indent=2) + "\n")


def trim_log(lab: Lab, src: Path, rel: str, limit: int = 400_000) -> bool:
    """Copy a server log, keeping its head and tail when a debug log grows past `limit` chars."""
    if not src.exists():
        return False
    text = src.read_text(errors="replace")
    if len(text) > limit:
        head, tail = text[: limit // 2], text[-limit // 2:]
        head = head[: head.rfind("\n") + 1]
        tail = tail[tail.find("\n") + 1:]
        text = head + tail
    lab.write(rel, text)
    return True
