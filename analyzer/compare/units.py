"""Compiler arguments as comparable options: `-C debuginfo=2`, `--cfg lab_feature`,
`-D LAB_LEVEL=1`, each an option with its value, so two argument lists differ by whole options
(a multiset difference) rather than by positions.

Paths are compared after the project root is replaced by `$ROOT`: the same project from two
directories then differs only where the root itself matters.
"""

from __future__ import annotations

import shlex
from collections import Counter

RUST_VALUED = frozenset({"-C", "--codegen", "--cfg", "--crate-type", "-L", "--extern", "--out-dir", "--cap-lints",
                         "--check-cfg", "--crate-name", "--edition", "--emit", "--target", "-A", "-W", "-D", "-F",
                         "--error-format", "--json", "-o", "--remap-path-prefix", "--print", "--sysroot", "-l",
                         "-Z", "--env-set"})
C_VALUED = frozenset({"-o", "-MF", "-MT", "-MQ", "-I", "-D", "-U", "-include", "-isystem", "-iquote", "-x",
                      "-arch", "-target", "--target", "-Xclang", "-idirafter", "-imacros", "-c"})
C_JOINED = ("-D", "-U", "-I")
# Options cargo derives from everything else about a crate: they differ whenever anything does.
DERIVED = ("-C metadata=", "-C extra-filename=")
ROOT = "$ROOT"


def units(args: list[str] | tuple[str, ...], rust: bool) -> list[str]:
    """`["-C", "debuginfo=2", "-DX=1"]` -> `["-C debuginfo=2", "-D X=1"]`."""
    valued = RUST_VALUED if rust else C_VALUED
    out: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg in valued and i + 1 < len(args):
            out.append(f"{'-C' if arg == '--codegen' else arg} {args[i + 1]}")
            i += 2
            continue
        if "=" in arg and arg.startswith("--") and arg.split("=", 1)[0] in valued:
            name, value = arg.split("=", 1)
            out.append(f"{name} {value}")
        elif rust and arg.startswith("-C") and len(arg) > 2:
            out.append(f"-C {arg[2:]}")
        elif not rust and arg.startswith(C_JOINED) and len(arg) > 2:
            out.append(f"{arg[:2]} {arg[2:]}")
        else:
            out.append(arg)
        i += 1
    return out


def env_units(value: str, rust: bool) -> list[str]:
    """The options an environment value (RUSTFLAGS, CFLAGS) adds; CARGO_ENCODED_RUSTFLAGS
    separates them with 0x1f."""
    if "\x1f" in value:
        parts = value.split("\x1f")
    else:
        try:
            parts = shlex.split(value)
        except ValueError:
            parts = value.split()
    return units(parts, rust)


def rooted(text: str, root: str | None) -> str:
    if not root:
        return text
    return text.replace(root, ROOT)


def difference(base: list[str], cand: list[str]) -> tuple[list[str], list[str]]:
    """Options only in the baseline, only in the candidate (multiset difference, order kept)."""
    left, right = Counter(base), Counter(cand)
    only_base = list((left - right).elements())
    only_cand = list((right - left).elements())
    return only_base, only_cand


def is_derived(unit: str) -> bool:
    return unit.startswith(DERIVED)


def category(unit: str, rust: bool = False) -> str:
    """A difference id for an option nobody set through the environment."""
    if not rust and unit.startswith(("-D ", "-U ")):
        return "define:" + unit[3:].split("=", 1)[0]
    if unit.startswith("-C incremental"):
        return "codegen:incremental"
    if unit.startswith("-C "):
        return "codegen:" + unit[3:].split("=", 1)[0]
    if unit.startswith("--cfg "):
        return "cfg:" + unit[6:].split("=", 1)[0]
    if unit.startswith("--remap-path-prefix"):
        return "remap-path-prefix"
    return "flag:" + unit.split(" ", 1)[0]
