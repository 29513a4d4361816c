"""Which files on the machine are evidence: sccache's config, cargo's config chain, cargo's
cached rustc probes, sccache's error log, and which sccache binary the build really runs.

The places are the ones the tools themselves read, so the bundle shows what the failing
build saw: sccache reads `SCCACHE_CONF` or its per-OS default; cargo reads
`.cargo/config.toml` (and the legacy `.cargo/config`) in the project and every folder above
it, then `$CARGO_HOME/config.toml`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Source:
    """A file to copy, and whether its absence is worth a line in the manifest."""

    path: str
    why: str
    report_absent: bool = False


def home(env: dict[str, str]) -> Path:
    return Path(env.get("HOME") or env.get("USERPROFILE") or Path.home())


def sccache_configs(env: dict[str, str], system: str) -> list[Source]:
    found = []
    if env.get("SCCACHE_CONF"):
        found.append(Source(env["SCCACHE_CONF"], "SCCACHE_CONF", report_absent=True))
    found.append(Source(str(default_sccache_config(env, system)), "sccache's default config file",
                        report_absent=True))
    return found


def default_sccache_config(env: dict[str, str], system: str) -> Path:
    """sccache's default config path (the `directories` crate's config dir for Mozilla/sccache)."""
    if system == "windows":
        appdata = env.get("APPDATA") or str(home(env) / "AppData" / "Roaming")
        return Path(appdata) / "Mozilla" / "sccache" / "config" / "config"
    if system == "macos":
        return home(env) / "Library" / "Application Support" / "Mozilla.sccache" / "config"
    base = env.get("XDG_CONFIG_HOME") or str(home(env) / ".config")
    return Path(base) / "sccache" / "config"


def cargo_configs(project: Path, env: dict[str, str]) -> list[Source]:
    """`.cargo/config.toml` and `.cargo/config` from the project up to the root, then CARGO_HOME's."""
    found: list[Source] = []
    for folder in [project, *project.parents]:
        for name in ("config.toml", "config"):
            candidate = folder / ".cargo" / name
            if candidate.is_file():
                found.append(Source(str(candidate), "cargo config"))
    cargo_home = Path(env.get("CARGO_HOME") or home(env) / ".cargo")
    for name in ("config.toml", "config"):
        candidate = cargo_home / name
        if candidate.is_file():
            found.append(Source(str(candidate), "cargo config (CARGO_HOME)"))
    return found


def rustc_info(project: Path, env: dict[str, str]) -> Source:
    target = Path(env.get("CARGO_TARGET_DIR") or "target")
    if not target.is_absolute():
        target = project / target
    return Source(str(target / ".rustc_info.json"), "cargo's cached rustc probes", report_absent=True)


def logs(env: dict[str, str], extra: list[str]) -> list[Source]:
    found = []
    if env.get("SCCACHE_ERROR_LOG"):
        found.append(Source(env["SCCACHE_ERROR_LOG"], "SCCACHE_ERROR_LOG", report_absent=True))
    found.extend(Source(path, "--log", report_absent=True) for path in extra)
    return found


def absolute(path: str) -> str:
    """The file's folder with links resolved, then its name: the same path the scripts compute."""
    folder, name = os.path.split(os.path.abspath(path))
    return os.path.join(os.path.realpath(folder), name)


def sccache_program(env: dict[str, str]) -> str:
    """The sccache the build uses: RUSTC_WRAPPER (or the workspace wrapper) when it is sccache."""
    for name in ("RUSTC_WRAPPER", "RUSTC_WORKSPACE_WRAPPER"):
        wrapper = env.get(name, "").strip().strip('"')
        stem = os.path.basename(wrapper.replace("\\", "/")).lower()
        if stem in ("sccache", "sccache.exe"):
            return wrapper
    return "sccache"
