"""Rebuild bundle/ of the seed-windows-oss-proxy sample from the text below.

Each file is written in the encoding and line endings of the tool that produced it on the
machine: Windows PowerShell 5.1 `>` -> UTF-16LE with BOM and CRLF; cmd.exe `>` on a Chinese
system -> GBK (code page 936) and CRLF; sccache's SCCACHE_ERROR_LOG and cargo's
.rustc_info.json -> UTF-8; Start-Transcript -> UTF-8 with BOM.

    python samples/seed-windows-oss-proxy/make_bundle.py
"""

from __future__ import annotations

import codecs
import json
import unicodedata
from pathlib import Path

BUNDLE = Path(__file__).resolve().parent / "bundle"
PROJECT = r"C:\proj\Genarrative\server-rs"
RUSTC = r"C:\Users\DSK\.rustup\toolchains\stable-x86_64-pc-windows-msvc\bin\rustc.exe"
TIMEOUT = "sccache: error: Timed out waiting for server startup. Maybe the remote service is unreachable?"
RERUN = "Run with SCCACHE_LOG=debug SCCACHE_NO_DAEMON=1 to get more information"
PS_WIDTH = 120  # console width PowerShell formats tables for


def write(name: str, text: str, encoding: str) -> None:
    """encoding: `utf-16le-bom`, `utf-8-bom`, `gbk`, `utf-8` (all CRLF) or `utf-8-lf`."""
    if encoding != "utf-8-lf":
        text = text.replace("\r\n", "\n").replace("\n", "\r\n")
    if encoding == "utf-16le-bom":
        data = codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    elif encoding == "utf-8-bom":
        data = codecs.BOM_UTF8 + text.encode("utf-8")
    elif encoding == "gbk":
        data = text.encode("gbk")
    else:
        data = text.encode("utf-8")
    (BUNDLE / name).write_bytes(data)


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def left(text: str, n: int) -> str:
    return text + " " * max(0, n - width(text))


def right(text: str, n: int) -> str:
    return " " * max(0, n - width(text)) + text


CARGO_CHECK = f"""cargo : error: process didn't exit successfully: `sccache {RUSTC} -vV` (exit code: 2)
所在位置 行:1 字符: 1
+ cargo check -p api-server 2>&1 > ..\\logs\\cargo-check.txt
+ ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
    + CategoryInfo          : NotSpecified: (error: process ...-vV` (exit code: 2):String) [], RemoteException
    + FullyQualifiedErrorId : NativeCommandError
{' '}
--- stderr
{TIMEOUT}
{RERUN}
"""

CONFIG_PATH = r"C:\Users\DSK\AppData\Roaming\Mozilla\sccache\config\config"
HOST = "genarrative-sccache.oss-rg-china-mainland.aliyuncs.com"
SERVER_LOG = f"""[2026-05-11T02:02:11Z DEBUG sccache::config] Attempting to read config file at "{CONFIG_PATH.replace(chr(92), chr(92) * 2)}"
[2026-05-11T02:02:11Z DEBUG sccache::config] Couldn't open config file: failed to open file `{CONFIG_PATH}`: 系统找不到指定的路径。 (os error 3)
[2026-05-11T02:02:11Z INFO  sccache::server] start_server: 127.0.0.1:4226
[2026-05-11T02:02:11Z DEBUG sccache::cache::cache] Init oss cache with bucket genarrative-sccache, endpoint Some("https://oss-rg-china-mainland.aliyuncs.com")
[2026-05-11T02:02:11Z DEBUG opendal::services] service=oss name=genarrative-sccache path=.sccache_check: read started
[2026-05-11T02:02:11Z DEBUG reqwest::connect] starting new connection: https://{HOST}/
[2026-05-11T02:02:11Z DEBUG reqwest::connect] proxy(http://127.0.0.1:7897/) intercepts 'https://{HOST}/'
[2026-05-11T02:02:19Z DEBUG opendal::services] service=oss name=genarrative-sccache path=.sccache_check: read finished
[2026-05-11T02:02:19Z DEBUG opendal::services] service=oss name=genarrative-sccache path=.sccache_check: write started
[2026-05-11T02:02:27Z DEBUG opendal::services] service=oss name=genarrative-sccache path=.sccache_check: write finished
[2026-05-11T02:02:27Z DEBUG sccache::cache::cache] storage check result: ReadWrite
[2026-05-11T02:02:27Z INFO  sccache::server] server has setup with ReadWrite
[2026-05-11T02:02:27Z INFO  sccache::server] No scheduler address configured, disabling distributed sccache
[2026-05-11T02:02:27Z INFO  sccache::server] server started, listening on 127.0.0.1:4226
[2026-05-11T02:02:28Z DEBUG sccache::server] handle_client: get_stats
[2026-05-11T02:03:41Z DEBUG sccache::server] handle_client: get_stats
"""


def netstat() -> str:
    rows = [
        ("TCP", "0.0.0.0:135", "0.0.0.0:0", "LISTENING", "1188"),
        ("TCP", "0.0.0.0:445", "0.0.0.0:0", "LISTENING", "4"),
        ("TCP", "0.0.0.0:5040", "0.0.0.0:0", "LISTENING", "8412"),
        ("TCP", "0.0.0.0:49664", "0.0.0.0:0", "LISTENING", "1012"),
        ("TCP", "127.0.0.1:7897", "0.0.0.0:0", "LISTENING", "6132"),
        ("TCP", "127.0.0.1:7897", "127.0.0.1:52190", "ESTABLISHED", "6132"),
        ("TCP", "127.0.0.1:9097", "0.0.0.0:0", "LISTENING", "6132"),
        ("TCP", "127.0.0.1:52188", "127.0.0.1:4226", "SYN_SENT", "15320"),
        ("TCP", "127.0.0.1:52190", "127.0.0.1:7897", "ESTABLISHED", "9804"),
        ("TCP", "192.168.1.23:139", "0.0.0.0:0", "LISTENING", "4"),
        ("TCP", "192.168.1.23:52191", "198.51.100.23:443", "ESTABLISHED", "6132"),
        ("TCP", "192.168.1.23:52102", "20.198.118.190:443", "TIME_WAIT", "0"),
        ("TCP", "[::]:135", "[::]:0", "LISTENING", "1188"),
        ("TCP", "[::]:445", "[::]:0", "LISTENING", "4"),
        ("UDP", "0.0.0.0:5353", "*:*", "", "2212"),
        ("UDP", "127.0.0.1:1900", "*:*", "", "5568"),
        ("UDP", "[::]:5353", "*:*", "", "2212"),
    ]
    out = ["", "活动连接", "", "  协议  本地地址          外部地址        状态           PID"]
    for proto, local, remote, state, pid in rows:
        out.append(f"  {left(proto, 7)}{left(local, 23)}{left(remote, 23)}{left(state, 16)}{pid}")
    return "\n".join(out) + "\n"


def tasklist() -> str:
    procs = [
        ("System Idle Process", "0", "Services", "0", "8 K"), ("System", "4", "Services", "0", "3,412 K"),
        ("Registry", "124", "Services", "0", "71,236 K"), ("smss.exe", "512", "Services", "0", "1,180 K"),
        ("csrss.exe", "788", "Services", "0", "6,204 K"), ("wininit.exe", "876", "Services", "0", "7,016 K"),
        ("services.exe", "1000", "Services", "0", "12,880 K"), ("lsass.exe", "1012", "Services", "0", "24,560 K"),
        ("svchost.exe", "1188", "Services", "0", "33,912 K"), ("svchost.exe", "2212", "Services", "0", "9,844 K"),
        ("explorer.exe", "7124", "Console", "1", "186,204 K"), ("WindowsTerminal.exe", "6880", "Console", "1", "121,552 K"),
        ("powershell.exe", "7716", "Console", "1", "98,552 K"), ("clash-verge.exe", "5920", "Console", "1", "88,316 K"),
        ("verge-mihomo.exe", "6132", "Console", "1", "64,100 K"), ("Code.exe", "9212", "Console", "1", "154,908 K"),
        ("rust-analyzer.exe", "12604", "Console", "1", "912,448 K"), ("cargo.exe", "14892", "Console", "1", "12,240 K"),
        ("sccache.exe", "15320", "Console", "1", "6,512 K"), ("cmd.exe", "11240", "Console", "1", "5,172 K"),
        ("conhost.exe", "11252", "Console", "1", "12,604 K"), ("tasklist.exe", "13348", "Console", "1", "9,380 K"),
    ]
    header = left("映像名称", 25) + " " + right("PID", 8) + " " + left("会话名", 16) + " " + right("会话#", 11) + " " + right("内存使用", 12)
    ruler = "========================= ======== ================ =========== ============"
    rows = [left(n, 25) + " " + right(p, 8) + " " + left(s, 16) + " " + right(k, 11) + " " + right(m, 12) for n, p, s, k, m in procs]
    return "\n".join(["", header, ruler, *rows]) + "\n"


ENV = [
    ("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAI5tGq7Xw2ZsKd9VbN4pRm"),
    ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "p9Xk2LmQ7vR4tZ8wN1cB6yH3sJ5dF0"),
    ("ALLUSERSPROFILE", r"C:\ProgramData"),
    ("APPDATA", r"C:\Users\DSK\AppData\Roaming"),
    ("CommonProgramFiles", r"C:\Program Files\Common Files"),
    ("CommonProgramFiles(x86)", r"C:\Program Files (x86)\Common Files"),
    ("CommonProgramW6432", r"C:\Program Files\Common Files"),
    ("COMPUTERNAME", "DESKTOP-7Q2M4KD"),
    ("ComSpec", r"C:\WINDOWS\system32\cmd.exe"),
    ("DriverData", r"C:\Windows\System32\Drivers\DriverData"),
    ("HOMEDRIVE", "C:"),
    ("HOMEPATH", r"\Users\DSK"),
    ("HTTP_PROXY", "http://127.0.0.1:7897"),
    ("HTTPS_PROXY", "http://127.0.0.1:7897"),
    ("LOCALAPPDATA", r"C:\Users\DSK\AppData\Local"),
    ("LOGONSERVER", r"\\DESKTOP-7Q2M4KD"),
    ("NUMBER_OF_PROCESSORS", "16"),
    ("OneDrive", r"C:\Users\DSK\OneDrive"),
    ("OS", "Windows_NT"),
    ("Path", r"C:\WINDOWS\system32;C:\WINDOWS;C:\WINDOWS\System32\Wbem;C:\WINDOWS\System32\WindowsPowerShell\v1.0\;"
             r"C:\WINDOWS\System32\OpenSSH\;C:\Program Files\Git\cmd;C:\Program Files\nodejs\;C:\Users\DSK\.cargo\bin;"
             r"C:\Users\DSK\AppData\Local\Microsoft\WindowsApps;C:\Users\DSK\AppData\Roaming\npm;"
             r"C:\Users\DSK\AppData\Local\Programs\Microsoft VS Code\bin;C:\Users\DSK\.spacetime\bin"),
    ("PATHEXT", ".COM;.EXE;.BAT;.CMD;.VBS;.VBE;.JS;.JSE;.WSF;.WSH;.MSC;.CPL"),
    ("PROCESSOR_ARCHITECTURE", "AMD64"),
    ("PROCESSOR_IDENTIFIER", "Intel64 Family 6 Model 183 Stepping 1, GenuineIntel"),
    ("PROCESSOR_LEVEL", "6"),
    ("PROCESSOR_REVISION", "b701"),
    ("ProgramData", r"C:\ProgramData"),
    ("ProgramFiles", r"C:\Program Files"),
    ("ProgramFiles(x86)", r"C:\Program Files (x86)"),
    ("ProgramW6432", r"C:\Program Files"),
    ("PSModulePath", r"C:\Users\DSK\Documents\WindowsPowerShell\Modules;C:\Program Files\WindowsPowerShell\Modules;"
                     r"C:\WINDOWS\system32\WindowsPowerShell\v1.0\Modules"),
    ("PUBLIC", r"C:\Users\Public"),
    ("SCCACHE_ERROR_LOG", r"C:\proj\Genarrative\logs\sccache-server.log"),
    ("SCCACHE_LOG", "debug"),
    ("SCCACHE_OSS_BUCKET", "genarrative-sccache"),
    ("SCCACHE_OSS_ENDPOINT", "https://oss-rg-china-mainland.aliyuncs.com"),
    ("SCCACHE_OSS_KEY_PREFIX", "genarrative"),
    ("SESSIONNAME", "Console"),
    ("SystemDrive", "C:"),
    ("SystemRoot", r"C:\WINDOWS"),
    ("TEMP", r"C:\Users\DSK\AppData\Local\Temp"),
    ("TMP", r"C:\Users\DSK\AppData\Local\Temp"),
    ("USERDOMAIN", "DESKTOP-7Q2M4KD"),
    ("USERDOMAIN_ROAMINGPROFILE", "DESKTOP-7Q2M4KD"),
    ("USERNAME", "DSK"),
    ("USERPROFILE", r"C:\Users\DSK"),
    ("windir", r"C:\WINDOWS"),
]


def env_table() -> str:
    """`Get-ChildItem Env:` as PowerShell 5.1 lays it out: names cut at 30 with `...`, values wrapped."""
    out = ["", "Name                           Value", "----                           -----"]
    room = PS_WIDTH - 1 - 31
    for name, value in ENV:
        shown = name if len(name) <= 30 else name[:27] + "..."
        chunks = [value[i:i + room] for i in range(0, len(value), room)] or [""]
        out.append((left(shown, 30) + " " + chunks[0]).rstrip())
        out += [" " * 31 + chunk for chunk in chunks[1:]]
    return "\n".join(out) + "\n\n\n"


RUSTC_VV = """rustc 1.86.0 (05f9846f8 2025-03-31)
binary: rustc
commit-hash: 05f9846f893b09a1be1fc8560e33fc3c815cfecb
commit-date: 2025-03-31
host: x86_64-pc-windows-msvc
release: 1.86.0
LLVM version: 19.1.7
"""


def rustc_info() -> str:
    entry = {"success": False, "status": "exit code: 2", "code": 2, "stdout": "", "stderr": f"{TIMEOUT}\n{RERUN}\n"}
    data = {"rustc_fingerprint": 9837201948821374650, "outputs": {"4614504638168036512": entry}, "successes": {}}
    return json.dumps(data, separators=(",", ":"))


CARGO_CONFIG = """[build]
rustc-wrapper = "sccache"
"""


def show_stats() -> str:
    stats = [
        ("Compile requests", "0"), ("Compile requests executed", "0"), ("Cache hits", "0"), ("Cache misses", "0"),
        ("Cache hits rate", "-"), ("Cache timeouts", "0"), ("Cache read errors", "0"), ("Forced recaches", "0"),
        ("Cache write errors", "0"), ("Cache errors", "0"), ("Compilations", "0"), ("Compilation failures", "0"),
        ("Non-cacheable compilations", "0"), ("Non-cacheable calls", "0"), ("Non-compilation calls", "0"),
        ("Unsupported compiler calls", "0"), ("Average cache write", "0.000 s"), ("Average compiler", "0.000 s"),
        ("Average cache read hit", "0.000 s"), ("Failed distributed compilations", "0"),
    ]
    lines = []
    for name, value in stats:
        number, _, unit = value.partition(" ")
        lines.append(name.ljust(30) + number.rjust(9) + (" " + unit if unit else ""))
    lines += ["", "Cache location".ljust(32) + "oss, name: genarrative-sccache, prefix: /genarrative/",
              "Version (client)".ljust(32) + "0.10.0"]
    return "\n".join(lines) + "\n"


def transcript() -> str:
    prompt = f"PS {PROJECT}>"
    return f"""**********************
Windows PowerShell transcript start
Start time: 20260511100157
Username: DESKTOP-7Q2M4KD\\DSK
RunAs User: DESKTOP-7Q2M4KD\\DSK
Configuration Name:{' '}
Machine: DESKTOP-7Q2M4KD (Microsoft Windows NT 10.0.22631.0)
Host Application: C:\\WINDOWS\\System32\\WindowsPowerShell\\v1.0\\powershell.exe
Process ID: 7716
PSVersion: 5.1.22621.4391
PSEdition: Desktop
PSCompatibleVersions: 1.0, 2.0, 3.0, 4.0, 5.0, 5.1.22621.4391
BuildVersion: 10.0.22621.4391
CLRVersion: 4.0.30319.42000
WSManStackVersion: 3.0
PSRemotingProtocolVersion: 2.3
SerializationVersion: 1.1.0.1
**********************
已启动脚本，输出文件为 C:\\proj\\Genarrative\\logs\\transcript.txt
{prompt} $env:SCCACHE_LOG = "debug"
{prompt} $env:SCCACHE_ERROR_LOG = "C:\\proj\\Genarrative\\logs\\sccache-server.log"
{prompt} cargo check -p api-server 2>&1 > ..\\logs\\cargo-check.txt
{prompt} sccache --show-stats
{show_stats()}{prompt} rustc -vV
{RUSTC_VV}{prompt} rustc -vV > ..\\logs\\rustc-vV.txt
{prompt} sccache --show-stats > ..\\logs\\show-stats.txt
{prompt} Get-ChildItem Env: > ..\\logs\\env.txt
{prompt} Copy-Item target\\.rustc_info.json ..\\logs\\rustc_info.json
{prompt} Copy-Item .cargo\\config.toml ..\\logs\\config.toml
{prompt} Stop-Transcript
**********************
Windows PowerShell transcript end
End time: 20260511100436
**********************
"""


def main() -> None:
    BUNDLE.mkdir(parents=True, exist_ok=True)
    write("cargo-check.txt", CARGO_CHECK, "utf-16le-bom")
    write("sccache-server.log", SERVER_LOG, "utf-8")
    write("netstat.txt", netstat(), "gbk")
    write("tasklist.txt", tasklist(), "gbk")
    write("env.txt", env_table(), "utf-16le-bom")
    write("rustc-vV.txt", RUSTC_VV, "utf-16le-bom")
    write("rustc_info.json", rustc_info(), "utf-8-lf")
    write("config.toml", CARGO_CONFIG, "utf-8")
    write("show-stats.txt", show_stats(), "utf-16le-bom")
    write("transcript.txt", transcript(), "utf-8-bom")


if __name__ == "__main__":
    main()
