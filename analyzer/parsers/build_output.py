"""Logs of C/C++ build tools that run sccache as a compiler launcher: ninja, make, CMake, MSBuild.

    [1/4] /home/dev/.cargo/bin/sccache /usr/bin/cc -c main.c    (ninja progress)
    FAILED: CMakeFiles/app.dir/main.c.o                          (ninja)
    gmake[2]: *** [CMakeFiles/app.dir/build.make:76: main.c.o] Error 1
    -- Check for working C compiler: /usr/bin/sccache             (CMake configure)
    ...Microsoft.CppCommon.targets(741,5): error MSB6006: "cl.exe" exited with code 2.

Every non-blank line is a record with the `tool` that wrote it (a line with no marker of its
own belongs to the tool seen last); failure lines carry `build-error`. sccache's own debug
lines inside the log keep their time, level and target.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from analyzer import timefmt
from analyzer.parsers import Item, register
from analyzer.parsers.sccache_log import ENV_LOGGER, LEVELS
from analyzer.records import Record, fields

KIND = "build-output"

# tool -> line markers. ninja: `[12/345] cmd`, `FAILED: out.o`, `ninja: build stopped: subcommand failed.`
TOOL_MARKERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("ninja", re.compile(r"^\[\d+/\d+\] |^FAILED: |^ninja: ")),
    # make[2]: *** [...] Error 2 | gmake[1]: Entering directory '/x' | [ 25%] Building C object x.o
    ("make", re.compile(r"^(?:g|mingw32-|n)?make(?:\.exe)?(?:\[\d+\])?: |^\[\s*\d+%\] ")),
    # -- The C compiler identification is GNU 12.2.0 | CMake Error at CMakeLists.txt:3 | CMAKE_C_COMPILER_LAUNCHER
    ("cmake", re.compile(r"^-- |^CMake (?:Error|Warning)|CMAKE_(?:C|CXX|CUDA)_COMPILER_LAUNCHER")),
    # MSBuild version 17.9.5 | error MSB6006: "cl.exe" exited with code 2. | Build FAILED. | x.vcxproj
    ("msbuild", re.compile(r"^MSBuild version|Microsoft \(R\) Build Engine|\b(?:error|warning) MSB\d+|^Build FAILED\.|\.vcxproj\b|^ClCompile:")),
)

# Lines that say the build failed, not only that a compiler complained.
BUILD_ERROR = re.compile(
    r"^FAILED: "                                          # FAILED: CMakeFiles/app.dir/main.c.o
    r"|^ninja: (?:build stopped|error:)"                  # ninja: build stopped: subcommand failed.
    r"|^\S*make(?:\.exe)?(?:\[\d+\])?: \*\*\* "           # make[2]: *** [x.o] Error 1
    r"|^CMake Error"                                      # CMake Error at CMakeLists.txt:3 (project):
    r"|\berror MSB\d+:"                                   # error MSB6006: "cl.exe" exited with code 2.
    r"|^Build FAILED\."                                   # Build FAILED.
    r"|\b(?:fatal )?error (?:C|LNK)\d{4}:"                # main.c(2): error C2065: 'x': undeclared identifier
    r"|^\s*sccache: error: "                              # sccache: error: failed to execute compile
)

# hyperscan syntax; `error` is never spent (any failure line may be the build's), `level` once
# enough errors and warnings are unexplained.
SCAN_HINTS: tuple[tuple[str, str], ...] = (
    ("error", BUILD_ERROR.pattern),
    ("level", r"^\[[^\]\n]*\s(?i:ERROR|WARN)"),
)

_SNIFF_STRONG = re.compile(
    r"^\[\d+/\d+\] |^ninja: |^FAILED: |^g?make(?:\[\d+\])?: |^\[\s*\d+%\] (?:Building|Linking|Built target)"
    r"|^-- (?:The (?:C|CXX) compiler identification|Configuring done|Generating done|Build files have been written|Check for working)"
    r"|CMAKE_(?:C|CXX)_COMPILER_LAUNCHER|^MSBuild version|Microsoft \(R\) Build Engine|\berror MSB\d+|\.vcxproj\b|^Build FAILED\.",
    re.MULTILINE,
)
_SNIFF_CARGO = re.compile(r"^\s+(?:Compiling|Checking) \S+ v\d|^error: could not compile|process didn't exit successfully", re.MULTILINE)


def tool_of(line: str) -> str | None:
    for tool, marker in TOOL_MARKERS:
        if marker.search(line):
            return tool
    return None


@register
class BuildOutputParser:
    kind = KIND

    def sniff(self, head: str, name: str) -> float:
        strong = len(_SNIFF_STRONG.findall(head))
        if not strong:
            return 0.0
        score = 0.9 if strong >= 3 else 0.75
        if _SNIFF_CARGO.search(head) and strong < 3:
            score = 0.35
        return score

    def parse(self, lines: Iterable[str], source: str) -> Iterator[Item]:
        return self.parse_numbered(enumerate(lines, 1), source)

    # The fast scan's interface (analyzer/fastscan): every line is a record; the lines needed
    # beyond the signatures' are failure lines and sccache's own errors and warnings.
    def scan_hints(self) -> tuple[tuple[str, str], ...]:
        return SCAN_HINTS

    def is_head(self, line: str) -> bool:
        return True

    def parse_numbered(self, numbered: Iterable[tuple[int, str]], source: str) -> Iterator[Item]:
        """Parse (line number, text) pairs. After a gap (lines the fast scan left out) an
        unmarked line's tool is not known: the lines that named it were not read."""
        current: str | None = None
        last = 0
        for number, line in numbered:
            if number != last + 1:
                current = None
            last = number
            if not line.strip():
                continue
            tool = tool_of(line)
            if tool:
                current = tool
            event = "build-error" if BUILD_ERROR.search(line) else None
            logged = ENV_LOGGER.match(line) if line.startswith("[") else None
            if logged:
                yield Record(source, KIND, number, logged["msg"],
                             time=timefmt.parse_timestamp(logged["ts"]),
                             level=LEVELS[logged["level"].upper()], target=logged["target"] or None,
                             event=event, fields=fields(tool=current))
                continue
            yield Record(source, KIND, number, line, event=event, fields=fields(tool=current))
