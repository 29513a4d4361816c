"""Loaded by tests/hostile/harness.py into the analyzer's own process (via PYTHONPATH).

When SCCACHE_FORENSICS_AUDIT_LOG names a file, an audit hook (PEP 578) writes one JSON line
there for every network call, which it also refuses, and for every file system change the
process makes: opening a file for writing, creating, renaming, removing, linking or changing
the mode or times of anything. The tests then compare those paths with the one output file.
At exit it adds the process's own peak memory.
"""

import atexit
import json
import os
import sys

_LOG = os.environ.get("SCCACHE_FORENSICS_AUDIT_LOG")

NETWORK = frozenset({
    "socket.connect", "socket.bind", "socket.getaddrinfo", "socket.gethostbyname",
    "socket.gethostbyaddr", "socket.sendto", "socket.sendmsg", "socket.getnameinfo",
    "urllib.Request", "http.client.connect", "ftplib.connect", "smtplib.connect",
    "poplib.connect", "imaplib.open", "telnetlib.Telnet.open", "nntplib.connect",
})
CHANGES = frozenset({
    "os.remove", "os.rename", "os.rmdir", "os.mkdir", "os.symlink", "os.link", "os.chmod",
    "os.chown", "os.utime", "os.truncate", "os.chflags", "os.lchflags", "os.mkfifo", "os.mknod",
    "shutil.copyfile", "shutil.copymode", "shutil.copystat", "shutil.move", "shutil.rmtree",
    "shutil.chown", "shutil.make_archive", "shutil.unpack_archive", "tempfile.mkstemp", "tempfile.mkdtemp",
})
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
_O_TMPFILE = getattr(os, "O_TMPFILE", 0)


def _install(log_path: str) -> None:
    fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)

    def note(kind: str, event: str, path, flags: int = 0) -> None:
        if isinstance(path, bytes):
            path = os.fsdecode(path)
        entry = {"kind": kind, "event": event, "path": str(path), "tmpfile": bool(_O_TMPFILE and
                                                                                  flags & _O_TMPFILE == _O_TMPFILE)}
        os.write(fd, (json.dumps(entry) + "\n").encode("utf-8", "backslashreplace"))

    def hook(event: str, args: tuple) -> None:
        if event in NETWORK:
            note("network", event, args[1] if event.startswith("socket.") and len(args) > 1 else args[0])
            raise PermissionError(f"network access refused under test: {event}")
        if event == "open":
            path, mode, flags = (tuple(args) + (None, None, 0))[:3]
            if isinstance(path, int) or path is None:
                return  # an already open descriptor: its opening was audited
            writing = (any(c in mode for c in "wax+") if isinstance(mode, str)
                       else bool((flags or 0) & _WRITE_FLAGS))
            if writing:
                note("write", event, path, flags or 0)
        elif event in CHANGES:
            note("change", event, args[0] if args else "")

    sys.addaudithook(hook)

    def peak_memory() -> None:
        """The peak resident size of this program since it started (VmHWM, Linux): unlike the
        rusage a parent reads, it does not include the memory of the process that forked it."""
        try:
            with open("/proc/self/status", encoding="ascii") as status:
                for line in status:
                    if line.startswith("VmHWM:"):
                        entry = {"kind": "memory", "event": "VmHWM", "path": "", "kb": int(line.split()[1])}
                        os.write(fd, (json.dumps(entry) + "\n").encode())
        except OSError:
            pass

    atexit.register(peak_memory)


if _LOG:
    _install(_LOG)
