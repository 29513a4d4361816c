"""Logs of C/C++ build tools that run sccache as a compiler launcher: ninja, make, CMake, MSBuild.

    [1/4] /home/dev/.cargo/bin/sccache /usr/bin/cc -c main.c    (ninja progress)
    FAILED: CMakeFiles/app.dir/main.c.o                          (ninja)
    gmake[2]: *** [CMakeFiles/app.dir/build.make:76: main.c.o] Error 1
    -- Check for working C compiler: /usr/bin/sccache             (CMake configure)
    ...Microsoft.CppCommon.targets(741,5): error MSB6006: "cl.exe" exited with code 2.

Every non-blank line is a record with the `tool` that wrote it (a line with no marker of its
own belongs to the tool seen last); failure lines carry `build-error`, C/C++ compiler
diagnostics (`main.cpp:5:37: error: …`, `main.c(2): error C2065: …`) `compile-error`, and
ninja's last step, CMake's `[100%] Built target` and MSBuild's `Build succeeded.` `build-finished`;
the first compile commands with and without sccache in front carry `compile-command`. sccache's own debug
lines inside the log keep their time, level and target.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from analyzer import timefmt
from analyzer.parsers import Item, register
from analyzer.parsers.sccache_log import ENV_LOGGER, LEVELS
from analyzer.records import Fact, Record, fields

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

# A compile command as make, ninja or a verbose CMake build echoes it, with or without a launcher:
#   /home/dev/.cargo/bin/sccache gcc -O1 -c shapes.c -o shapes.o | g++ -O1 -c main.cpp -o main.o
#   C:\Users\dev\.cargo\bin\sccache.exe "C:\Program Files\...\cl.exe" /c /Zi main.c   (MSBuild)
_FOLDER = r'(?:"[^"\n]*[/\\]|[^\s"]*[/\\])?'  # quoted when it holds spaces
COMPILE_COMMAND = re.compile(
    r"^" + _FOLDER + r'(?:(?:sccache|ccache)(?:\.exe)?"?\s+)?' + _FOLDER
    + r"(?:[\w.+-]*-)?(?:gcc|g\+\+|cc|c\+\+|clang|clang\+\+|clang-cl|cl|nvcc|icx|icpx)(?:-\d+)?(?:\.exe)?"
    + r'"?\s(?=(?:.*\s)?[-/]c(?:\s|$))'
)
# C/C++ compiler diagnostics: gcc/clang `file:line:col: error: …`, MSVC `file(line): error C2065: …`.
C_DIAGNOSTIC_ERROR = re.compile(
    r"^(?:In file included from )?[^\s:][^:]*:\d+(?::\d+)?: (?:fatal )?error: "
    r"|^[^(]+\(\d+(?:,\d+)?\): (?:fatal )?error C\d{4}:"
)
# -- Building for: Visual Studio 17 2022 | -- Building for: Ninja   (CMake names its generator)
GENERATOR = re.compile(r"^-- Building for: (?P<generator>\S[^\n]{0,80}?)\s*$")
# Lines that say the build finished: ninja's last step, CMake's 100 %, MSBuild's summary.
FINISHED = re.compile(r"^\[(?P<done>\d+)/(?P=done)\] |^\[100%\] Built target |^Build succeeded\.")

# Lines that say the build failed, not only that a compiler complained.
BUILD_ERROR = re.compile(
    r"^FAILED: "                                          # FAILED: CMakeFiles/app.dir/main.c.o
    r"|^ninja: (?:build stopped|error:)"                  # ninja: build stopped: subcommand failed.
    r"|make(?:\.exe)?(?:\[\d+\])?: \*\*\* "              # make[2]: *** [x.o] Error 1 (anywhere: stderr
                                                          # interleaved without a newline glues it on)
    r"|^CMake Error"                                      # CMake Error at CMakeLists.txt:3 (project):
    r"|\berror MSB\d+:"                                   # error MSB6006: "cl.exe" exited with code 2.
    r"|^Build FAILED\."                                   # Build FAILED.
    r"|\b(?:fatal )?error (?:C|LNK)\d{4}:"                # main.c(2): error C2065: 'x': undeclared identifier
    r"|^\s*cl : Command line error D\d{4}"                  # cl : Command line error D8021 : invalid numeric argument
    r"|^\s*sccache: error: "                              # sccache: error: failed to execute compile
)

# A C/C++ compiler's own diagnostic: `src/a.c:3:5: error: …`, MSVC `a.cpp(3): error C2065: …`;
# not a wrapper's `sccache: error:` nor make's `*** […] Error 2`.
COMPILER_DIAGNOSTIC = re.compile(
    r"^\S+?(?::\d+(?::\d+)?: (?:fatal )?error:|\(\d+(?:,\d+)?\)\s*: (?:fatal )?error [A-Z]+\d+)")
# hyperscan syntax; `error` is never spent (any failure line may be the build's), `level` once
# enough errors and warnings are unexplained. Compile commands are searched without their
# lookahead (hyperscan has none): more lines are handed over, the parser decides.
SCAN_HINTS: tuple[tuple[str, str], ...] = (
    ("error", BUILD_ERROR.pattern),
    ("error", COMPILER_DIAGNOSTIC.pattern),
    ("error", C_DIAGNOSTIC_ERROR.pattern),
    ("event:build-finished", FINISHED.pattern.replace("(?P=done)", r"\d+")),  # no back-references either
    ("event:compile-command", COMPILE_COMMAND.pattern.split("(?=", 1)[0]),
    ("fact:cmake_generator", GENERATOR.pattern),
    ("level", r"^\[[^\]\n]*\s(?i:ERROR|WARN)"),
)

_SNIFF_STRONG = re.compile(
    r"^\[\d+/\d+\] |^ninja: |^FAILED: |^g?make(?:\[\d+\])?: |g?make(?:\[\d+\])?: \*\*\* |^\$ (?:make|ninja|cmake) |^\[\s*\d+%\] (?:Building|Linking|Built target)"
    r"|^-- (?:The (?:C|CXX) compiler identification|Configuring done|Generating done|Build files have been written|Check for working)"
    r"|CMAKE_(?:C|CXX)_COMPILER_LAUNCHER|^MSBuild version|Microsoft \(R\) Build Engine|\berror MSB\d+|\.vcxproj\b|^Build FAILED\.",
    re.MULTILINE,
)
# The first compile commands with and without sccache carry `compile-command` (enough to tell
# whether the build used the launcher; a whole build's worth would flood the timeline).
COMPILES_MARKED = 10
_SNIFF_COMPILES = 2  # compile command lines that count as one strong sign of a build log
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
        compiles = sum(1 for line in head.splitlines() if COMPILE_COMMAND.match(line))
        strong += compiles // _SNIFF_COMPILES
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
        compiles = {True: 0, False: 0}  # compile commands seen, with and without sccache
        generator_seen = False
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
            compile_seen = None
            if COMPILE_COMMAND.match(line.strip()):
                current = current or "make"
                wrapped = "sccache" in line.lower()
                compiles[wrapped] += 1
                compile_seen = compiles[wrapped] <= COMPILES_MARKED
            event = ("compile-error" if COMPILER_DIAGNOSTIC.search(line) or C_DIAGNOSTIC_ERROR.match(line)
                     else "build-error" if BUILD_ERROR.search(line)
                     else "build-finished" if FINISHED.match(line)
                     else "compile-command" if compile_seen else None)
            generator = GENERATOR.match(line) if line.startswith("-- Building for: ") else None
            if generator and not generator_seen:
                generator_seen = True
                yield Fact("cmake_generator", generator["generator"], source, number)
            logged = ENV_LOGGER.match(line) if line.startswith("[") else None
            if logged:
                yield Record(source, KIND, number, logged["msg"],
                             time=timefmt.parse_timestamp(logged["ts"]),
                             level=LEVELS[logged["level"].upper()], target=logged["target"] or None,
                             event=event, fields=fields(tool=current))
                continue
            yield Record(source, KIND, number, line, event=event, fields=fields(tool=current))
