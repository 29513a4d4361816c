"""Compiler arguments as sccache logs them, and what they say about a compile.

sccache prints the argument vector with Rust's `{:?}`: `["--crate-name", "util", "-C",
"debuginfo=2"]`, each string quoted with `\\"`, `\\\\`, `\\n`, `\\t`, `\\u{..}` escapes. A line cut
short (a truncated log) yields the arguments read so far.
"""

from __future__ import annotations

import re

MAX_ARGS = 2000
MAX_ARG_CHARS = 4096
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "\\": "\\", '"': '"', "'": "'"}
# "…" strings with backslash escapes; the closing quote may be missing on a cut line.
_QUOTED = re.compile(r'"([^"\\]*(?:\\.[^"\\]*)*)(?:"|\\?$)', re.DOTALL)
_ESCAPE = re.compile(r"\\(?:u\{([0-9a-fA-F]{1,6})\}|(.))", re.DOTALL)

C_LANGUAGES = {".c": "C", ".i": "C", ".cc": "C++", ".cpp": "C++", ".cxx": "C++", ".c++": "C++", ".C": "C++",
               ".ii": "C++", ".m": "ObjC", ".mm": "ObjC++", ".cu": "CUDA", ".s": "Assembler", ".S": "Assembler"}
_X_LANGUAGES = {"c": "C", "c++": "C++", "objective-c": "ObjC", "objective-c++": "ObjC++", "cu": "CUDA",
                "cuda": "CUDA", "assembler": "Assembler", "assembler-with-cpp": "Assembler"}


def parse_list(text: str) -> list[str]:
    """The strings of a `{:?}`-printed Vec<OsString>; never raises. A string cut short by the
    end of the line is kept as far as it goes."""
    start = text.find("[")
    if start < 0:
        return []
    out: list[str] = []
    for match in _QUOTED.finditer(text, start + 1):
        body = match[1]
        if "\\" in body:
            body = _ESCAPE.sub(_unescape, body)
        out.append(body[:MAX_ARG_CHARS])
        if len(out) >= MAX_ARGS:
            break
    return out


def _unescape(match: re.Match) -> str:
    code = match[1]
    if code is not None:
        value = int(code, 16)
        return chr(value) if value <= 0x10FFFF and not 0xD800 <= value <= 0xDFFF else "\ufffd"
    return _ESCAPES.get(match[2], match[2])


def is_rust(args: list[str]) -> bool:
    return "--crate-name" in args or any(a.startswith("--crate-name=") for a in args)


def option_value(args: list[str], name: str) -> str | None:
    """The value of `name VALUE` or `name=VALUE` (the first)."""
    for i, arg in enumerate(args):
        if arg == name and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith(name + "="):
            return arg[len(name) + 1:]
    return None


def c_input(args: list[str]) -> str | None:
    """The source file of a C-family compile: the argument after `-c`, or the last one with
    a source extension."""
    value = option_value(args, "-c")
    if value and not value.startswith("-"):
        return value
    for arg in reversed(args):
        if not arg.startswith("-") and _suffix(arg) in C_LANGUAGES:
            return arg
    return None


def subject_of(args: list[str]) -> str | None:
    """What sccache prints in brackets: the crate name, else the output file's name."""
    if is_rust(args):
        return option_value(args, "--crate-name")
    output = output_of(args)
    return output.replace("\\", "/").rsplit("/", 1)[-1] if output else None


def output_of(args: list[str]) -> str | None:
    """The output as given (`CMakeFiles/core.dir/src/core.c.o`): two objects of the same
    name in different directories stay apart when compiles are matched across bundles."""
    if is_rust(args):
        return None
    return option_value(args, "-o") or option_value(args, "/Fo") or c_input(args)


def language_of(args: list[str]) -> str | None:
    if is_rust(args) or args == ["-vV"]:
        return "Rust"
    lang = option_value(args, "-x")
    if lang in _X_LANGUAGES:
        return _X_LANGUAGES[lang]
    source = c_input(args)
    return C_LANGUAGES.get(_suffix(source)) if source else None


def compiler_of(args: list[str]) -> str:
    return "rustc" if is_rust(args) or args == ["-vV"] else "C/C++"


def is_probe(args: list[str], why: str | None) -> bool:
    """cargo's and CMake's toolchain questions (`rustc -vV`, `rustc - --print=...`,
    `cc -E -dM`), which sccache refuses to cache by design: not misses."""
    if args in (["-vV"], ["-V"], ["--version"]):
        return True
    if any(a.startswith("--print") for a in args):
        return True
    return why is not None and why.split(",")[0].strip() in ("-", "missing input", "-E")


def _suffix(path: str) -> str:
    name = path.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    dot = name.rfind(".")
    if dot <= 0:
        return ""
    suffix = name[dot:]
    return suffix if suffix in (".C", ".S") else suffix.lower()
