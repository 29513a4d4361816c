"""Which machine each input came from, so one `analyze` never merges several machines' facts.

Several inputs are fine when they are pieces of one machine's evidence (a log and a netstat
capture handed over separately). When they name different hosts, or different operating
systems, one verdict would mix their facts ("the oss cache took 16 s" from one machine, the
port of another), so `analyze` refuses and points at `batch`, which reports per machine.
"""

from __future__ import annotations

from dataclasses import dataclass

from analyzer.diagnose.context import env_map
from analyzer.diagnose.facts import merge_facts
from analyzer.diagnose.inputs import DiagnosisInput
from analyzer.ingest import Bundle, read_bundle

HOST_VARIABLES = ("COMPUTERNAME", "HOSTNAME")


@dataclass(frozen=True)
class Machine:
    input: str
    host: str | None
    os: str | None
    first: str | None
    last: str | None

    def describe(self) -> str:
        span = f"{self.first} → {self.last}" if self.first else "no timestamps"
        return f"{self.input}: host {self.host or 'unknown'}, OS {self.os or 'unknown'}, {span}"

    def to_json(self) -> dict:
        return {"input": self.input, "host": self.host, "os": self.os, "first_time": self.first,
                "last_time": self.last}


def identify(source: str) -> Machine:
    return _machine(source, read_bundle([source]))


def _machine(source: str, bundle) -> Machine:
    env = env_map([r for a in bundle.artifacts if a.kind == "env" for r in a.records])
    facts, _ = merge_facts(DiagnosisInput.of(bundle, []).facts, env)
    host = facts.get("host") or next((env[n] for n in HOST_VARIABLES if env.get(n)), None)
    times = sorted(r.time for a in bundle.artifacts for r in a.records if r.time)
    return Machine(source, str(host) if host else None, facts.get("os"), times[0] if times else None,
                   times[-1] if times else None)


def several(inputs: list[str]) -> list[Machine]:
    """The inputs' machines when they are more than one machine, else an empty list."""
    if len(inputs) < 2 or "-" in inputs:
        return []
    machines = [identify(source) for source in inputs]
    hosts = {m.host.lower() for m in machines if m.host}
    systems = {m.os for m in machines if m.os}
    return machines if len(hosts) > 1 or len(systems) > 1 else []


def within(bundle) -> list[Machine]:
    """One input holding several machines' folders (`bundles/host-a/…`, `bundles/host-b/…`):
    their machines when they differ, else an empty list."""
    groups: dict[str, list] = {}
    for artifact in bundle.artifacts:
        top, sep, _ = artifact.path.replace("\\", "/").partition("/")
        if not sep:
            return []
        groups.setdefault(top, []).append(artifact)
    if len(groups) < 2:
        return []
    machines = [_machine(top, Bundle(bundle.inputs, artifacts)) for top, artifacts in sorted(groups.items())]
    hosts = {m.host.lower() for m in machines if m.host}
    systems = {m.os for m in machines if m.os}
    return machines if len(hosts) > 1 or len(systems) > 1 else []
