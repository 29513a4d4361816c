"""One ordered fix plan across the findings, filled with the bundle's own facts.

The root cause's fix comes first, then what keeps the failure alive after the cause is gone
(a probe failure cargo replays, a server that still runs with the old settings), then the
rebuild that proves it. Every command uses the bundle's port, backend variables and paths; a
value the bundle does not state is sccache's default and is marked so in the step's `facts`.
The shell of the machine the bundle came from comes first (PowerShell on Windows, sh elsewhere).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DEFAULT_PORT = "4226"
DEFAULT_REBUILD = "cargo build"
# A transcript's command line: `PS C:\\proj> cargo check 2>&1 > out.txt`, `dev@host:~/work$ make`.
PROMPT = re.compile(r"^(?:PS (?P<cwd>[^>]+)> |[^\s$#]*?(?::(?P<path>[^\s$#]+))?[$#] )?(?P<command>.+)$")
REDIRECTION = re.compile(r"\s(?:\d?>>?|\||2>&1|;)")
BUILD_COMMAND = re.compile(r"^(?:cargo (?:build|check|test|run|clippy)|make|ninja|cmake --build|msbuild)\b", re.I)
BACKEND_VARIABLES = {
    "s3": ("SCCACHE_BUCKET", "SCCACHE_REGION", "SCCACHE_ENDPOINT", "SCCACHE_S3_KEY_PREFIX"),
    "oss": ("SCCACHE_OSS_BUCKET", "SCCACHE_OSS_ENDPOINT", "SCCACHE_OSS_KEY_PREFIX"),
    "gcs": ("SCCACHE_GCS_BUCKET", "SCCACHE_GCS_KEY_PREFIX"),
    "azure": ("SCCACHE_AZURE_CONNECTION_STRING", "SCCACHE_AZURE_BLOB_CONTAINER"),
    "redis": ("SCCACHE_REDIS_ENDPOINT",),
    "webdav": ("SCCACHE_WEBDAV_ENDPOINT",),
    "gha": ("SCCACHE_GHA_ENABLED",),
    "memcached": ("SCCACHE_MEMCACHED_ENDPOINT",),
    "cos": ("SCCACHE_COS_BUCKET", "SCCACHE_COS_ENDPOINT"),
}


@dataclass(frozen=True)
class Step:
    why: str
    text: str
    sh: tuple[str, ...] = ()
    powershell: tuple[str, ...] = ()


def _config_step(facts: dict, why: str) -> Step:
    timeout = 60000
    return Step(why, f"Raise the client's start-up wait to {timeout // 1000} s (`server_startup_timeout_ms` in the "
                     "sccache config file; there is no environment variable for it).",
                sh=('mkdir -p "${XDG_CONFIG_HOME:-$HOME/.config}/sccache"',
                    f'echo "server_startup_timeout_ms = {timeout}" >> "${{XDG_CONFIG_HOME:-$HOME/.config}}/sccache/config"'),
                powershell=('$configDir = Join-Path $env:APPDATA "Mozilla\\sccache\\config"',
                            "New-Item -ItemType Directory -Force -Path $configDir | Out-Null",
                            f'Add-Content -Encoding UTF8 -Path (Join-Path $configDir "config") '
                            f'-Value "server_startup_timeout_ms = {timeout}"'))


def _cd(facts: dict) -> tuple[str, ...]:
    return (f"cd {facts['_project_dir']}",) if facts.get("_project_dir") else ()


def _rustc_info_step(facts: dict, why: str) -> Step:
    target = facts.get("_rustc_info_dir") or "target"
    return Step(why, "Delete the failed probe cargo stored, or cargo replays the old error after the fix.",
                sh=(*_cd(facts), f"rm -f {target}/.rustc_info.json"),
                powershell=(*_cd(facts), f"Remove-Item -Force {target.replace('/', chr(92))}\\.rustc_info.json "
                            "-ErrorAction SilentlyContinue"))


def _port_step(facts: dict, why: str) -> Step:
    port = str(facts.get("server_port") or DEFAULT_PORT)
    free = str(int(port) + 1) if port.isdigit() else "4227"
    return Step(why, f"Find the program on port {port}, then stop it or move sccache to a free port.",
                sh=(f"ss -ltnp 'sport = :{port}'", f"export SCCACHE_SERVER_PORT={free}"),
                powershell=(f"Get-NetTCPConnection -LocalPort {port} -State Listen | Select-Object OwningProcess",
                            f"$env:SCCACHE_SERVER_PORT = '{free}'"))


def _backend_check_step(facts: dict, why: str) -> Step:
    backend = str(facts.get("backend") or "")
    names = BACKEND_VARIABLES.get(backend, ())
    endpoint = facts.get("endpoint")
    sh = [f"env | grep -E '^({'|'.join(names)})='"] if names else []
    ps = [f"Get-ChildItem Env: | Where-Object Name -in {', '.join(repr(n) for n in names)}"] if names else []
    if endpoint:
        sh.append(f"curl -sS -o /dev/null -w '%{{http_code}}\\n' {endpoint}")
        ps.append(f"Invoke-WebRequest -Method Head -Uri {endpoint} -UseBasicParsing")
    return Step(why, f"Check the {backend or 'cache'} backend's settings and that the endpoint answers.",
                sh=tuple(sh), powershell=tuple(ps))


def _imds_step(facts: dict, why: str) -> Step:
    version = facts.get("sccache_version")
    text = ("Give the server credentials it can use: upgrade sccache"
            + (f" (the bundle's {version} fetches instance-role credentials with IMDSv1 only)" if version else "")
            + ", or raise the instance's IMDS hop limit / allow IMDSv1, or set static keys for the build.")
    check = ("aws ec2 describe-instances --instance-ids <instance-id> "
             "--query 'Reservations[].Instances[].MetadataOptions'")
    return Step(why, text,
                sh=("cargo install sccache --locked", check),
                powershell=("cargo install sccache --locked", check))


def _credentials_step(facts: dict, why: str) -> Step:
    backend = str(facts.get("backend") or "s3")
    keys = {"s3": ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"), "oss": ("ALIBABA_CLOUD_ACCESS_KEY_ID",
            "ALIBABA_CLOUD_ACCESS_KEY_SECRET"), "gcs": ("SCCACHE_GCS_KEY_PATH",)}.get(backend, ())
    return Step(why, f"Give the sccache server credentials for the {backend} backend in the environment it starts "
                     "with (or a read-only/anonymous setting on purpose).",
                sh=tuple(f"export {k}=…" for k in keys), powershell=tuple(f"$env:{k} = '…'" for k in keys))


def _disk_step(facts: dict, why: str) -> Step:
    where = facts.get("_sccache_dir") or "$HOME/.cache/sccache"
    return Step(why, f"Make the disk cache directory usable: {where} must be a writable directory with free space.",
                sh=(f'ls -ld "{where}"; df -h "$(dirname "{where}")"',),
                powershell=(f'Get-Item "{where}"; Get-PSDrive',))


def _restart_step(facts: dict, why: str) -> Step:
    rebuild = facts.get("_rebuild") or DEFAULT_REBUILD
    return Step(why, "Stop the running server so the next build starts one with the fixed settings, then rebuild.",
                sh=(*_cd(facts), "sccache --stop-server", rebuild, "sccache --show-stats"),
                powershell=(*_cd(facts), "sccache --stop-server", rebuild, "sccache --show-stats"))


def _upgrade_step(facts: dict, why: str) -> Step:
    return Step(why, "Stop the stale server and use one sccache version for client and server.",
                sh=("sccache --stop-server", "sccache --version", "ps -o pid,args -C sccache"),
                powershell=("sccache --stop-server", "sccache --version",
                            "Get-Process sccache | Select-Object Id, Path"))


STEPS = {
    "storage-check-slow": _config_step, "server-startup-timeout": _config_step,
    "rustc-info-cached-failure": _rustc_info_step,
    "server-port-in-use": _port_step,
    "aws-imds-credentials": _imds_step,
    "remote-credentials-missing": _credentials_step, "remote-access-denied": _credentials_step,
    "backend-misconfigured": _backend_check_step, "remote-unreachable": _backend_check_step,
    "backend-api-incompatible": _backend_check_step,
    "local-disk-cache-problem": _disk_step,
    "server-version-mismatch": _upgrade_step, "server-stale-environment": _restart_step,
}
# What still holds the old failure after its cause is fixed: cleared after the cause, before the rebuild.
AFTER_CAUSE = ("rustc-info-cached-failure",)


def build(report: dict, os_name: str | None, knowledge) -> list[dict]:
    """The plan for a report: root causes, then lingering state, then restart and rebuild."""
    facts = dict(report.get("facts", {}))
    facts.update(_hidden_facts(report))
    facts["_defaulted"] = tuple(report.get("facts_defaulted", ()))
    windows = os_name == "windows"
    order: list[str] = [report["verdict"]["root_cause"]] if report["verdict"].get("root_cause") else []
    present = {f["id"]: f["role"] for f in report.get("findings", [])}
    order += [i for i in AFTER_CAUSE if i in present and i not in order]
    order += [f["id"] for f in report.get("findings", []) if f["role"] == "contributing" and f["id"] in STEPS
              and f["id"] not in order]
    plan: list[Step] = []
    seen_funcs = set()
    for finding_id in order:
        func = STEPS.get(finding_id)
        if func is None:
            plan.append(_from_knowledge(finding_id, knowledge, os_name))
            continue
        if func in seen_funcs:
            continue
        seen_funcs.add(func)
        plan.append(func(facts, finding_id))
    if plan and _restart_step not in seen_funcs and report["verdict"].get("status") != "nothing-recognised":
        plan.append(_restart_step(facts, plan[0].why))
    return [_to_json(n, step, windows, facts) for n, step in enumerate(plan, 1)]


def _from_knowledge(finding_id: str, knowledge, os_name: str | None) -> Step:
    steps = knowledge.remediation(finding_id, os_name)
    text = next((s["text"] for s in steps if s["text"]), knowledge.title(finding_id))
    sh = tuple(s["command"] for s in steps if s["shell"] == "sh" and s["command"])
    ps = tuple(s["command"] for s in steps if s["shell"] == "powershell" and s["command"])
    return Step(finding_id, text, sh=sh, powershell=ps)


def _hidden_facts(report: dict) -> dict:
    """Facts the plan needs that the report's `facts` do not carry: where the stored probe is,
    the build command the transcript shows, the disk cache directory."""
    found: dict[str, str] = {}
    for artifact in report.get("artifacts", []):
        if artifact.get("kind") == "rustc-info":
            path = artifact["path"].replace("\\", "/")
            parent = path.rsplit("/", 1)[0] if "/" in path else ""
            if parent.endswith("target"):
                found["_rustc_info_dir"] = parent
    for event in report.get("timeline", []):
        if event.get("event") != "command" or "_rebuild" in found:
            continue
        prompt = PROMPT.match(event.get("text") or "")
        command = REDIRECTION.split(prompt.group("command"))[0].strip() if prompt else ""
        if BUILD_COMMAND.match(command):
            found["_rebuild"] = command
            if prompt and prompt.group("cwd"):
                found["_project_dir"] = prompt.group("cwd").strip()
    return found


def _to_json(number: int, step: Step, windows: bool, facts: dict) -> dict:
    shells = [("powershell", step.powershell), ("sh", step.sh)]
    if not windows:
        shells.reverse()
    shell, commands = next(((s, c) for s, c in shells if c), (shells[0][0], ()))
    other = next(((s, c) for s, c in shells if c and s != shell), None)
    defaults = []
    for name in facts.get("_defaulted", ()):
        value = str(facts.get(name, ""))
        shown = re.compile(rf"(?<![\w.]){re.escape(value)}(?![\w.])") if value else None
        if shown and any(shown.search(c) for c in commands) or (name == "server_port" and any(
                "SCCACHE_SERVER_PORT" in c for c in commands)):
            defaults.append(f"{name}={value} (sccache's default; the bundle does not state it)")
    if not facts.get("_rebuild") and DEFAULT_REBUILD in commands:
        defaults.append(f"`{DEFAULT_REBUILD}` stands for the build (the bundle does not show the command)")
    item = {"step": number, "why": step.why, "text": step.text, "shell": shell, "commands": list(commands),
            "defaults": defaults}
    if other:
        item["other_shell"] = {"shell": other[0], "commands": list(other[1])}
    return item
