"""The bad-input corpus: every shape of broken or hostile bundle, generated at test time.

Each `Case` builds its input under a folder it is given (large inputs are made there, never
checked in) and says what the command line must answer: exit 0 with a report that lists the
problem (`expect` are substrings of the report's problems), or exit 2 with a one-line reason
(`expect` are substrings of that line), within `seconds` of wall time and `memory_mb` of peak
memory. tests/hostile/test_corpus.py runs them all; docs/guarantees.md quotes the bounds.
"""

from __future__ import annotations

import bz2
import codecs
import gzip
import io
import os
import random
import stat
import struct
import tarfile
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import regex

from tests.shared import ROOT

MB = 1024 * 1024
DEFAULT_SECONDS = 20.0
DEFAULT_MEMORY_MB = 150

SERVER_LOG = (
    "[2026-11-21T05:23:31Z INFO  sccache::server] start_server: 127.0.0.1:4226\n"
    "[2026-11-21T05:23:31Z DEBUG sccache::cache::cache] Init oss cache with bucket acme-sccache, endpoint "
    'Some("https://oss-cn-hangzhou.aliyuncs.com")\n'
    "[2026-11-21T05:23:31Z DEBUG opendal::services] service=oss name=acme-sccache path=.sccache_check: read started\n"
    "[2026-11-21T05:23:47Z DEBUG sccache::cache::cache] storage check result: ReadWrite\n"
    "[2026-11-21T05:23:47Z INFO  sccache::server] server started, listening on 127.0.0.1:4226\n"
)
CLIENT_ERROR = "sccache: error: Timed out waiting for server startup. Maybe the remote service is unreachable?\n"
TERMINAL_ATTACKS = (
    "\x1b]0;PWNED-TITLE\x07",        # OSC: set the window title
    "\x1b]2;title two\x1b\\",        # OSC with ST terminator
    "\x1b[2J\x1b[H",                 # clear screen, cursor home
    "\x1b[3J",                       # clear scrollback
    "\x1bc",                         # full reset
    "\x1b]8;;https://evil.example/\x07link\x1b]8;;\x07",  # OSC 8 hyperlink
    "\x1b]52;c;cm0gLXJmIH4=\x07",    # OSC 52: write the clipboard
    "\x9b2J",                        # 8-bit CSI
    "\x1bP+q544e\x1b\\",             # DCS request
)
HTML_ATTACKS = (
    "<script>alert('x')</script>",
    "<img src=x onerror=alert(1)>",
    "</code></pre><script>alert(2)</script>",
    '"><svg onload=alert(3)>',
    "javascript:alert(4)",
    "``` \n</details><script>alert(5)</script>",
    "[click](javascript:alert(6))",
    "<!-- <iframe src=//evil> -->",
)
SECRET = "FAKEsecretFAKEsecretFAKEsecret12"

# What no output meant for a terminal may carry raw: C0 controls but tab and newline, DEL, C1
# controls (8-bit CSI/OSC), and the bidi controls that reorder what a reader sees.
TERMINAL_UNSAFE = regex.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def outside_code(md: str) -> str:
    """A Markdown report with its fenced blocks and inline code spans taken out: the part a
    reader's renderer would interpret."""
    md = regex.sub(r"(?ms)^(`{3,})[^\n]*\n.*?^\1\s*$", "", md)  # fenced blocks
    return regex.sub(r"(`+)(?:(?!\1).)+?\1", "", md)  # inline code spans


@dataclass(frozen=True)
class Case:
    name: str
    build: Callable[[Path], list[str]]
    exit: int
    expect: tuple[str, ...] = ()
    seconds: float = DEFAULT_SECONDS
    memory_mb: int = DEFAULT_MEMORY_MB
    env: dict[str, str] = field(default_factory=dict)
    stdin: str | None = None  # file (under the case folder) to pipe in; then the input is "-"
    slow: bool = False


CASES: list[Case] = []


def case(exit: int, *expect: str, **options) -> Callable:
    def register(build: Callable[[Path], list[str]]) -> Callable[[Path], list[str]]:
        CASES.append(Case(build.__name__.replace("_", "-"), build, exit, expect, **options))
        return build
    return register


def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def zip_bytes(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as archive:
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name), data, method)
    return buf.getvalue()


def tar_bytes(members: dict[str, bytes], mode: str = "w", links: dict[str, tuple[bytes, str]] | None = None) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode=mode) as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
        for name, (kind, target) in (links or {}).items():
            info = tarfile.TarInfo(name)
            info.type, info.linkname = kind, target
            archive.addfile(info)
    return buf.getvalue()


# -- truncated and broken text ------------------------------------------------------------------

@case(0, "not valid utf-8")
def truncated_log(root: Path) -> list[str]:
    """A server log cut mid-record, in the middle of a multi-byte character, no final newline."""
    data = (SERVER_LOG + "[2026-11-21T05:23:48Z ERROR sccache::server] 服务器").encode("utf-8")
    write(root / "bundle" / "sccache-server.log", data[:-2])
    write(root / "bundle" / "cargo.txt", CLIENT_ERROR[:40])
    return ["bundle"]


@case(0, "invalid JSON", "stats JSON could not be read")
def truncated_json(root: Path) -> list[str]:
    for name, fixture in (("rustc_info.json", "rustc-info/probe-failed.rustc_info.json"),
                          ("show-stats.json", "sccache-stats/show-stats-0.16.0.json")):
        data = (ROOT / "tests" / "fixtures" / fixture).read_bytes()
        write(root / "bundle" / name, data[: len(data) // 2])
    write(root / "bundle" / "config.toml", '[cache.s3]\nbucket = "acme\n[build')
    return ["bundle"]


@case(0, "binary data, not text; not read")
def binary_files(root: Path) -> list[str]:
    rng = random.Random(8)
    write(root / "bundle" / "core.dmp", bytes(rng.getrandbits(8) for _ in range(256 * 1024)))
    write(root / "bundle" / "sccache.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + bytes(range(256)) * 64)
    write(root / "bundle" / "shot.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(32)) * 100)
    write(root / "bundle" / "sccache-server.log", SERVER_LOG)
    return ["bundle"]


@case(2, "binary data, not text; not read")
def binary_only(root: Path) -> list[str]:
    rng = random.Random(9)
    write(root / "junk.bin", bytes(rng.getrandbits(8) for _ in range(64 * 1024)))
    return ["junk.bin"]


@case(0, "longer than 1048576 bytes; truncated", memory_mb=200)
def long_line_50mb(root: Path) -> list[str]:
    with open(write(root / "bundle" / "cargo.txt", CLIENT_ERROR), "ab") as handle:
        handle.write(b"x" * (50 * MB))
        handle.write(b"\n" + CLIENT_ERROR.encode())
    return ["bundle"]


@case(0, "99950 more unreadable timestamps")
def every_line_broken(root: Path) -> list[str]:
    """A problem on each of 100 000 lines (under the size where big logs take the fast scan)."""
    line = "[2026-13-45T99:99:99Z INFO  sccache::server] handle_client: compile\n"
    write(root / "bundle" / "sccache-server.log", line * 100_000)
    return ["bundle"]


@case(0, "NUL bytes dropped")
def nul_bytes(root: Path) -> list[str]:
    data = SERVER_LOG.encode() + b"\x00" * 200_000 + b"\n" + CLIENT_ERROR.encode() + b"half\x00line\n"
    write(root / "bundle" / "sccache-server.log", data)
    return ["bundle"]


@case(0, "not valid utf-8; bad bytes replaced")
def invalid_utf8(root: Path) -> list[str]:
    data = SERVER_LOG.encode() * 2000 + b"[2026-11-21T05:23:50Z ERROR sccache::server] bad \xff\xfe\xc0\x80 bytes\n"
    write(root / "bundle" / "sccache-server.log", data)
    return ["bundle"]


@case(0, "odd number of bytes in UTF-16 text")
def odd_length_utf16(root: Path) -> list[str]:
    text = "PS> sccache --show-stats\r\nCompile requests                     12\r\nCache hits                 6\r\n"
    write(root / "bundle" / "show-stats.txt", codecs.BOM_UTF16_LE + text.encode("utf-16-le") + b"\x41")
    return ["bundle"]


@case(0, "not valid UTF-8; read as GBK", "not valid utf-8; bad bytes replaced")
def mixed_encodings(root: Path) -> list[str]:
    data = (SERVER_LOG.encode("utf-8")
            + "[2026-11-21T05:23:48Z WARN  sccache::server] 服务器 UTF-8 行\n".encode()
            + "[2026-11-21T05:23:49Z ERROR sccache::server] 错误: 拒绝访问。 (os error 5)\n".encode("gbk")
            + "[2026-11-21T05:23:50Z WARN  sccache::server] café crème brûlée\n".encode("latin-1")
            + "PS> sccache --stop-server\r\n".encode("utf-16-le")
            + CLIENT_ERROR.encode("utf-8"))
    write(root / "bundle" / "sccache-server.log", data)
    return ["bundle"]


# -- names, links and loops ---------------------------------------------------------------------

TRAVERSAL = {"../evil.log": b"e", "../../evil2.log": b"e", "/tmp/abs-evil.log": b"p", "C:\\evil.log": b"c",
             "ok/../../evil3.log": b"e", "logs/./sccache-server.log": SERVER_LOG.encode()}
TRAVERSAL_REASON = "absolute or parent-relative member name; skipped"


@case(0, TRAVERSAL_REASON)
def zip_traversal_names(root: Path) -> list[str]:
    write(root / "bundle.zip", zip_bytes(TRAVERSAL))
    return ["bundle.zip"]


@case(0, TRAVERSAL_REASON)
def tar_traversal_names(root: Path) -> list[str]:
    write(root / "bundle.tar.gz", tar_bytes(TRAVERSAL, "w:gz"))
    return ["bundle.tar.gz"]


@case(0, "link member (to /etc/passwd) not followed", "link member (to ../../outside/secret.txt) not followed")
def tar_links_out(root: Path) -> list[str]:
    links = {"passwd": (tarfile.SYMTYPE, "/etc/passwd"), "hard": (tarfile.LNKTYPE, "../../outside/secret.txt"),
             "up": (tarfile.SYMTYPE, "../..")}
    write(root / "bundle.tar", tar_bytes({"sccache-server.log": SERVER_LOG.encode()}, "w", links))
    return ["bundle.tar"]


@case(0, "link member not followed")
def zip_symlink_member(root: Path) -> list[str]:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("sccache-server.log", SERVER_LOG)
        info = zipfile.ZipInfo("passwd")
        info.create_system = 3
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(info, "/etc/passwd")
    write(root / "bundle.zip", buf.getvalue())
    return ["bundle.zip"]


@case(0, "link points outside the bundle (or nowhere); not followed", "directory link not followed")
def folder_links_out(root: Path) -> list[str]:
    """Symlinks to a file and a folder outside, a dangling one, and a hard link to a file outside
    (on disk a hard link is a file of the folder like any other: read, never written)."""
    outside = write(root / "outside" / "secret.txt", f"AWS_SECRET_ACCESS_KEY={SECRET}\n")
    bundle = root / "bundle"
    write(bundle / "sccache-server.log", SERVER_LOG)
    (bundle / "secret-link.txt").symlink_to(outside)
    (bundle / "outside-dir").symlink_to(outside.parent, target_is_directory=True)
    (bundle / "dangling.log").symlink_to(root / "gone.log")
    os.link(outside, bundle / "hard-env.txt")
    return ["bundle"]


@case(0, "directory link not followed", "link loop; not followed")
def symlink_loops(root: Path) -> list[str]:
    bundle = root / "bundle"
    write(bundle / "sub" / "sccache-server.log", SERVER_LOG)
    (bundle / "sub" / "up").symlink_to("..", target_is_directory=True)
    (bundle / "sub" / "self").symlink_to("../sub", target_is_directory=True)
    (bundle / "a.log").symlink_to("b.log")
    (bundle / "b.log").symlink_to("a.log")
    return ["bundle"]


@case(0, "evil\\xff\\xfe?[2J?]0;t?.log")
def control_characters_in_names(root: Path) -> list[str]:
    bad_name = os.fsencode(root / "bundle") + b"/evil\xff\xfe\x1b[2J\x1b]0;t\x07.log"
    (root / "bundle").mkdir(parents=True)
    with open(bad_name, "wb") as handle:
        handle.write(CLIENT_ERROR.encode())
    return ["bundle"]


@case(0)
def folder_nested_1200_deep(root: Path) -> list[str]:
    """Deeper than Python's recursion limit: a recursive walk (os.walk in Python 3.11) raises."""
    folder = root / "bundle"
    folder.mkdir()
    for _ in range(1200):
        folder = folder / "d"
        folder.mkdir()
    (folder / "sccache-server.log").write_text(SERVER_LOG, encoding="utf-8")
    return ["bundle"]


@case(0, "not a regular file; skipped")
def fifo_in_folder(root: Path) -> list[str]:
    write(root / "bundle" / "sccache-server.log", SERVER_LOG)
    os.mkfifo(root / "bundle" / "pipe.log")  # reading it would block forever
    return ["bundle"]


# -- bombs, nesting, counts ---------------------------------------------------------------------

def _declare_size(data: bytes, size: int) -> bytes:
    """Rewrite the uncompressed size a one-member zip declares (local and central headers)."""
    patched = bytearray(data)
    struct.pack_into("<I", patched, 22, size)
    struct.pack_into("<I", patched, patched.find(b"PK\x01\x02") + 24, size)
    return bytes(patched)


def _zeros_deflated(size: int) -> bytes:
    """A raw deflate stream of `size` zero bytes, about 1/1000 of that, made in milliseconds:
    one fully flushed block of 1 MiB of zeros refers to nothing before it, so it can repeat;
    `03 00` is an empty final block."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = packer.compress(bytes(MB)) + packer.flush(zlib.Z_FULL_FLUSH)
    return block * (size // MB) + b"\x03\x00"


@case(0, "compression ratio limit")
def zip_bomb(root: Path) -> list[str]:
    """A member declaring 4 GB, holding 1 GiB of zeros in 1 MB; a good archive before it."""
    write(root / "bundle" / "a-good.zip", zip_bytes({"sccache-server.log": SERVER_LOG.encode()}))
    write(root / "bundle" / "b-bomb.zip", _raw_deflated_zip("zeros.log", _zeros_deflated(1024 * MB), 4_000_000_000))
    return ["bundle"]


def _raw_deflated_zip(name: str, deflated: bytes, size: int, crc: int = 0) -> bytes:
    """A one-member zip around a ready deflate stream, declaring `size` uncompressed bytes."""
    encoded = name.encode()
    local = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(deflated), size, len(encoded), 0)
    central = struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 8, 0, 0, crc, len(deflated), size,
                          len(encoded), 0, 0, 0, 0, 0, 0)
    offset = len(local) + len(encoded) + len(deflated)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 1, 1, len(central) + len(encoded), offset, 0)
    return local + encoded + deflated + central + encoded + end


@case(0, "compression ratio limit")
def bz2_bomb_16gb(root: Path) -> list[str]:
    """16 GiB of zeros in 46 KB: 1024 concatenated bzip2 streams of 16 MiB each."""
    stream = bz2.compress(bytes(16 * MB), 9)
    write(root / "bundle" / "sccache-server.log.bz2", stream * 1024)
    write(root / "bundle" / "cargo.txt", CLIENT_ERROR)
    return ["bundle"]


@case(2, "compression ratio limit", stdin="bomb.gz")
def gzip_bomb_on_stdin(root: Path) -> list[str]:
    """4 GiB of zeros from 4 MB on standard input: 4 concatenated gzip members of 1 GiB."""
    member = gzip.compress(bytes(0), 9)[:10] + _zeros_deflated(1024 * MB) + struct.pack("<2L", 0, 0)
    write(root / "bomb.gz", member * 4)
    return ["-"]


@case(0, "header size limit")
def tar_header_bomb(root: Path) -> list[str]:
    """A pax header declaring 1 GiB (tarfile would read it all into memory), after a good member."""
    log = SERVER_LOG.encode()
    info = tarfile.TarInfo("sccache-server.log")
    info.size = len(log)
    good = info.tobuf(format=tarfile.USTAR_FORMAT) + log + bytes(-len(log) % 512)  # no end-of-archive blocks
    header = tarfile.TarInfo("././@PaxHeader")
    header.type, header.size = tarfile.XHDTYPE, 1024 * MB
    packer = zlib.compressobj(6, zlib.DEFLATED, 31)
    parts = [packer.compress(good + header.tobuf(format=tarfile.USTAR_FORMAT))]
    parts.append(packer.compress(b"9 a=b\n" * (MB // 6)))  # the rest need not exist: it is never read
    parts.append(packer.flush())
    write(root / "bundle.tar.gz", b"".join(parts))
    return ["bundle.tar.gz"]


@case(0, "archive nested deeper than 4 levels (depth limit); not opened")
def zip_nested_30_deep(root: Path) -> list[str]:
    data = zip_bytes({"deepest.log": CLIENT_ERROR.encode()})
    for level in range(30, 0, -1):
        data = zip_bytes({f"level{level + 1}.zip": data, f"level{level}.log": CLIENT_ERROR.encode()})
    write(root / "nested.zip", data)
    return ["nested.zip"]


@case(0, "archive nested deeper than 4 levels (depth limit); not opened")
def tgz_nested_30_deep(root: Path) -> list[str]:
    data = gzip.compress(CLIENT_ERROR.encode())
    for level in range(30, 0, -1):
        data = tar_bytes({f"level{level + 1}.tar.gz": data, f"level{level}.log": CLIENT_ERROR.encode()}, "w:gz")
    write(root / "nested.tar.gz", data)
    return ["nested.tar.gz"]


@case(0)
def thousands_of_tiny_files(root: Path) -> list[str]:
    bundle = root / "bundle"
    for folder in range(30):
        (bundle / f"d{folder:02}").mkdir(parents=True)
    for i in range(3000):
        (bundle / f"d{i % 30:02}" / f"f{i:05}.log").write_text(f"line {i}\n" if i != 1234 else CLIENT_ERROR)
    return ["bundle"]


@case(0, "more than 20000 members (member count limit); the rest is not read", seconds=40, memory_mb=300)
def zip_over_the_member_limit(root: Path) -> list[str]:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("00000-sccache-server.log", SERVER_LOG)
        for i in range(1, 20_100):
            archive.writestr(f"{i:05}.txt", b"x\n")
    write(root / "many.zip", buf.getvalue())
    return ["many.zip"]


@case(0, "the analysis reached its time limit of 2 s", seconds=20, memory_mb=300,
      env={"SCCACHE_FORENSICS_TIME_LIMIT": "2"})
def time_limit(root: Path) -> list[str]:
    """30 MB of one-character lines would take two minutes; the time limit cuts it after 2 s
    (checked at every MiB read, so one more MiB of lines is still parsed)."""
    write(root / "bundle" / "cargo.txt", CLIENT_ERROR + "a\n" * (15 * MB))
    return ["bundle"]


@case(0, "more than 256 dots on one line", "invalid TOML: nested too deep")
def toml_that_stalls_parsers(root: Path) -> list[str]:
    """Settings files shaped to stall a TOML reader: a 1 MB dotted key (tomllib is quadratic in
    its parts: two minutes), an array left open for 300 000 lines (quadratic in a naive scan),
    and arrays nested 5 000 deep (recursion)."""
    head = '[cache.s3]\nbucket = "acme"\nregion = "eu-west-1"\n'
    write(root / "bundle" / "config.toml", head + "0." * (512 * 1024) + " = 1\n")
    write(root / "bundle" / "sccache.toml", head + "endpoint = [\n" + "1,\n" * 300_000)
    write(root / "bundle" / "deep.toml", head + "key_prefix = " + "[" * 5000 + "]" * 5000 + "\n")
    return ["bundle"]


@case(0, seconds=10, env={"SCCACHE_FORENSICS_TIME_LIMIT": "2"})
def regex_backtracking_line_1mib(root: Path) -> list[str]:
    """One 1 MiB log line of a repeated hyper error: a signature's open-ended gap once scanned to
    the end of the line from every occurrence (a 200 KB line took 48 s under a 2 s limit)."""
    line = "error sending request for url (https://acme.oss-cn-hangzhou.aliyuncs.com/.sccache_check): "
    write(root / "bundle" / "sccache-server.log",
          SERVER_LOG + "[2026-11-21T05:23:40Z ERROR sccache::server] " + line * (MB // len(line)) + "\n")
    return ["bundle"]


@case(0, "empty member name; skipped")
def zip_member_with_an_empty_name(root: Path) -> list[str]:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("q", "x")
        archive.writestr("sccache-server.log", SERVER_LOG + CLIENT_ERROR)
        archive.filelist[0].filename = ""  # the central directory's name; zipfile cannot write it
    write(root / "bundle.zip", buffer.getvalue())
    return ["bundle.zip"]


@case(0, "unreadable timestamp '0001-01-01T00:00:00+05:00'")
def timestamps_with_no_utc_time(root: Path) -> list[str]:
    write(root / "bundle" / "sccache-server.log",
          "[0001-01-01T00:00:00+05:00 INFO  sccache::server] start_server: 127.0.0.1:4226\n"
          "[0001-01-01T00:00:00 INFO  sccache::server] start_server: 127.0.0.1:4226\n" + SERVER_LOG + CLIENT_ERROR)
    return ["bundle"]


@case(0)
def planted_secrets(root: Path) -> list[str]:
    """Every planted secret form in every artifact kind (tests/hostile/planted.py)."""
    from tests.hostile.planted import KINDS, artifact, plantings

    for n, kind in enumerate(KINDS):
        write(root / "bundle" / f"{kind}.txt", artifact(kind, plantings(100 * n)))
    return ["bundle"]


# -- empty ----------------------------------------------------------------------------------------

@case(2, "no files")
def empty_folder(root: Path) -> list[str]:
    (root / "bundle").mkdir()
    return ["bundle"]


@case(2, "no files")
def empty_zip(root: Path) -> list[str]:
    write(root / "bundle.zip", zip_bytes({}))
    return ["bundle.zip"]


@case(2, "none with a line of text")
def empty_files(root: Path) -> list[str]:
    write(root / "bundle" / "sccache-server.log", b"")
    write(root / "bundle" / "blank.txt", b"\n\r\n   \n\t\n")
    return ["bundle"]


@case(2, "none with a line of text", stdin="empty")
def empty_stdin(root: Path) -> list[str]:
    write(root / "empty", b"")
    return ["-"]


@case(2, "cannot open: No such file or directory")
def missing_input(root: Path) -> list[str]:
    return ["no-such-bundle.zip"]


# -- corrupt archives -------------------------------------------------------------------------------

@case(0, "corrupt or unreadable zip archive", "corrupt or unreadable gzip archive", "cannot open member")
def corrupt_archives(root: Path) -> list[str]:
    bundle = root / "bundle"
    write(bundle / "sccache-server.log", SERVER_LOG)
    write(bundle / "garbage.zip", b"PK\x03\x04" + bytes(range(256)) * 8)
    packed = tar_bytes({"a.log": os.urandom(20_000), "b.log": SERVER_LOG.encode()}, "w:gz")
    write(bundle / "cut.tar.gz", packed[: len(packed) // 2])
    good = zip_bytes({"x.log": CLIENT_ERROR.encode()})
    write(bundle / "bad-method.zip", good.replace(b"\x08\x00", b"\x63\x00"))  # method 99 (AES)
    write(bundle / "bad-crc.zip", _raw_deflated_zip("crc.log", zlib.compress(CLIENT_ERROR.encode())[2:-4],
                                                    len(CLIENT_ERROR), crc=1))
    write(bundle / "cut.zip", good[:-30])
    return ["bundle"]


# -- hostile text -------------------------------------------------------------------------------------

def injection_lines() -> str:
    lines = []
    for index, attack in enumerate(TERMINAL_ATTACKS + HTML_ATTACKS):
        lines.append(f"[2026-11-21T05:23:{31 + index:02}Z ERROR sccache::server] failed to start server: {attack} end")
    lines.append(f"sccache: error: Timed out waiting for server startup AWS_SECRET_ACCESS_KEY={SECRET} "
                 "\u202eevil\u202c \u2066x\u2069 " + "".join(TERMINAL_ATTACKS + HTML_ATTACKS))
    return "\n".join(lines) + "\n"


@case(0)
def injection(root: Path) -> list[str]:
    """Log lines carrying terminal escape sequences and HTML/JS/Markdown payloads, in every
    kind of artifact that quotes its text into the report."""
    bundle = root / "bundle"
    write(bundle / "sccache-server.log", injection_lines())
    write(bundle / "cargo.txt", "".join(f"error: could not compile `x{i}` {a}\n"
                                        for i, a in enumerate(TERMINAL_ATTACKS + HTML_ATTACKS)))
    write(bundle / "env.txt", "".join(f"SCCACHE_X{i}={a}\n" for i, a in enumerate(HTML_ATTACKS))
          + f"AWS_SECRET_ACCESS_KEY={SECRET}\n")
    return ["bundle"]


def timestamp_log() -> str:
    return (
        "[2026-11-21T05:23:31Z INFO  sccache::server] start_server: 127.0.0.1:4226\n"
        "[2026-11-21T13:23:30+08:00 DEBUG sccache::cache::cache] Init oss cache with bucket b, endpoint None\n"
        "[2099-12-31T23:59:59Z INFO  sccache::server] server started, listening on 127.0.0.1:4226\n"
        "[2026-11-21T00:23:32-05:00 DEBUG sccache::cache::cache] storage check result: ReadWrite\n"
        "[2019-01-01T00:00:00.123456789Z INFO  sccache::server] server has setup with ReadWrite\n"
        "[2026-13-45T99:99:99Z INFO  sccache::server] impossible date\n"
        "[2026-11-21T05:23:33+14:00 WARN  sccache::server] far east\n"
        "[2026-11-21T05:23:33-12:00 WARN  sccache::server] far west\n"
        "[0001-01-01T00:00:00Z WARN  sccache::server] year one\n"
        "[9999-12-31T23:59:59+00:00 WARN  sccache::server] year 9999\n"
        "[2026-11-21T05:23:34+99:99 WARN  sccache::server] bad zone\n"
        + CLIENT_ERROR
    )


@case(0, "unreadable timestamp")
def timestamps_out_of_order(root: Path) -> list[str]:
    """Times going backwards, in the far future and past, and in several zones."""
    write(root / "bundle" / "sccache-server.log", timestamp_log())
    write(root / "bundle" / "transcript.txt",
          "**********************\nWindows PowerShell transcript start\nStart time: 20991231235959\n"
          "**********************\nPS C:\\src> cargo build\n" + CLIENT_ERROR)
    return ["bundle"]


def case_named(name: str) -> Case:
    return next(c for c in CASES if c.name == name)
