"""A small stand-in for the Actions runner: runs a composite action's steps here, with bash.

It does what the runner does for `run` steps — `${{ }}` expressions in `env` and `if` evaluated
(the subset action.yml uses: `inputs.*`, `steps.<id>.outputs.*`, `job.status`,
`strategy.job-index`, string literals, `==`, `!=`, `&&`, `||`), a fresh `$GITHUB_OUTPUT` file per
step read back into `steps.<id>.outputs`, `bash --noprofile --norc -eo pipefail` — and records
`uses` steps with their evaluated `with` instead of running them. Anything else in an expression
fails the test, so the action cannot quietly depend on what this runner does not model.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import yaml

EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
REFERENCE = re.compile(r"^[A-Za-z_][A-Za-z0-9_\-]*(?:\.[A-Za-z_][A-Za-z0-9_\-]*)*$")


@dataclass
class StepRun:
    id: str | None
    name: str
    ran: bool
    exit_code: int | None = None
    stdout: str = ""
    stderr: str = ""
    outputs: dict[str, str] = field(default_factory=dict)
    uses: str | None = None
    with_: dict[str, str] = field(default_factory=dict)


@dataclass
class ActionRun:
    steps: list[StepRun]
    outputs: dict[str, str]

    def step(self, step_id: str) -> StepRun:
        return next(s for s in self.steps if s.id == step_id)

    @property
    def failed(self) -> bool:
        return any(s.exit_code not in (None, 0) for s in self.steps)

    @property
    def stdout(self) -> str:
        return "".join(s.stdout for s in self.steps)


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def run_action(path: Path, inputs: dict[str, str], *, job_status: str, env: dict[str, str], workdir: Path) -> ActionRun:
    action = load(path)
    given = {name: str(spec.get("default", "")) for name, spec in (action.get("inputs") or {}).items()}
    unknown = set(inputs) - set(given)
    assert not unknown, f"inputs the action does not declare: {unknown}"
    given.update(inputs)
    context = {"inputs": given, "steps": {}, "job": {"status": job_status}, "strategy": {"job-index": ""}}
    runs, failed = [], False
    for number, step in enumerate(action["runs"]["steps"]):
        condition = step.get("if", "success()")
        ran = (not failed) and truthy(evaluate(str(condition), context))
        record = StepRun(step.get("id"), step.get("name", f"step {number}"), ran, uses=step.get("uses"))
        runs.append(record)
        if step.get("id"):
            context["steps"][step["id"]] = {"outputs": record.outputs, "outcome": "skipped"}
        if not ran:
            continue
        if "uses" in step:
            record.with_ = {k: interpolate(str(v), context) for k, v in (step.get("with") or {}).items()}
            continue
        output = workdir / f"output-{number}"
        output.write_text("", encoding="utf-8")
        step_env = {**env, "GITHUB_OUTPUT": str(output), "GITHUB_ACTION_PATH": str(path.resolve().parent)}
        step_env.update({k: interpolate(str(v), context) for k, v in (step.get("env") or {}).items()})
        assert step.get("shell") == "bash", f"{record.name}: every run step says `shell: bash`"
        assert not EXPRESSION.search(step["run"]), f"{record.name}: expressions belong in env, not in the script"
        script = workdir / f"step-{number}.sh"
        script.write_text(step["run"], encoding="utf-8")
        done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)], env=step_env,
                              cwd=env.get("GITHUB_WORKSPACE", str(workdir)), capture_output=True, text=True,
                              timeout=900, check=False)
        record.exit_code, record.stdout, record.stderr = done.returncode, done.stdout, done.stderr
        record.outputs.update(read_outputs(output))
        if step.get("id"):
            context["steps"][step["id"]]["outcome"] = "success" if done.returncode == 0 else "failure"
        failed = failed or done.returncode != 0
    outputs = {name: interpolate(str(spec["value"]), context) for name, spec in (action.get("outputs") or {}).items()}
    return ActionRun(runs, outputs)


def read_outputs(path: Path) -> dict[str, str]:
    outputs, lines = {}, path.read_text(encoding="utf-8").splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            end = lines.index(delimiter, index + 1)
            outputs[name] = "\n".join(lines[index + 1:end])
            index = end + 1
            continue
        name, _, value = line.partition("=")
        outputs[name] = value
        index += 1
    return outputs


def interpolate(text: str, context: dict) -> str:
    return EXPRESSION.sub(lambda m: as_text(evaluate(m.group(1), context)), text)


def evaluate(expression: str, context: dict):
    expression = expression.strip()
    if expression.startswith("${{") and expression.endswith("}}"):
        expression = expression[3:-2].strip()
    for operator in ("||", "&&"):
        parts = split_outside_quotes(expression, operator)
        if len(parts) > 1:
            values = [evaluate(p, context) for p in parts]
            return any(map(truthy, values)) if operator == "||" else all(map(truthy, values))
    for operator in ("==", "!="):
        parts = split_outside_quotes(expression, operator)
        if len(parts) == 2:
            left, right = (as_text(evaluate(p, context)).lower() for p in parts)
            return (left == right) if operator == "==" else (left != right)
    if expression in ("success()", "always()"):
        return True
    if expression.startswith("'") and expression.endswith("'"):
        return expression[1:-1].replace("''", "'")
    assert REFERENCE.match(expression), f"expression this runner does not model: {expression!r}"
    value = context
    for part in expression.split("."):
        value = value.get(part, "") if isinstance(value, dict) else ""
    return value


def split_outside_quotes(text: str, operator: str) -> list[str]:
    parts, start, quoted, index = [], 0, False, 0
    while index < len(text):
        if text[index] == "'":
            quoted = not quoted
        elif not quoted and text.startswith(operator, index):
            parts.append(text[start:index])
            start = index = index + len(operator)
            continue
        index += 1
    parts.append(text[start:])
    return [p.strip() for p in parts]


def truthy(value) -> bool:
    return bool(value) and value not in ("false", "0")


def as_text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def base_env(**extra: str) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "PIP_FIND_LINKS", "PIP_CONSTRAINT",
                                                         "PIP_CERT", "PIP_DEFAULT_TIMEOUT", "PIP_EXTRA_INDEX_URL",
                                                         "PIP_INDEX_URL", "SSL_CERT_FILE")}
    return {**keep, "CI": "true", "GITHUB_ACTIONS": "true", "GITHUB_JOB": "build", "GITHUB_RUN_ID": "42",
            "GITHUB_REPOSITORY": "acme/app", **extra}
