"""What every benchmark command shares: the repository, git, the asv config, machine pinning.

asv is driven through its command line (``python -m asv``, the venv's own copy), so the tools
behave exactly like the commands documented in docs/benchmarks.md.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import re
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from asv.config import Config
from asv.machine import MachineCollection
from asv.util import load_json

REPO_ROOT = Path(__file__).resolve().parent.parent
CONFIG_FILE = "asv.conf.json"
MACHINE_ENV = "PLANALIGN_ASV_MACHINE"
NICE_ENV = "PLANALIGN_BENCH_NICE"
# Every re-measure (the pull-request check's confirmation, the history's step check) spawns its
# processes instead of forking them from a server that imported the suite: one server's children
# measured the pipeline with a between-process spread of 6.1 % against 3.4 % spawned
# (docs/benchmarks.md, "Cold first calls"), and a re-measure must not inherit a shared bias.
REMEASURE_LAUNCH = "--launch-method=spawn"


class ToolError(RuntimeError):
    """A problem the user must fix (missing branch, no results): printed without a traceback."""


def git(*args: str, cwd: Path = REPO_ROOT) -> str:
    """Run git and return its stripped standard output."""
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise ToolError(f"git {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout.strip()


def resolve_commit(ref: str) -> str:
    """Full hash of ``ref``, or a clear error (a shallow clone is the usual cause)."""
    try:
        return git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    except ToolError:
        raise ToolError(
            f"unknown commit {ref!r}: fetch it first (CI needs a full-depth checkout, "
            "`fetch-depth: 0`)"
        ) from None


def asv(*args: str, check: bool = False, config: Path | None = None) -> int:
    """Run ``python -m asv ARGS`` in the repository root, streaming its output.

    ``config`` is another asv configuration (:func:`scratch_config`). asv and the benchmarks it
    starts run at the priority :func:`raise_priority` sets (when the user may raise it).
    """
    options = ["--config", str(config)] if config else []
    command = [sys.executable, "-m", "asv", *options, *args]
    print("$ asv " + " ".join([*options, *args]), flush=True)
    code = subprocess.run(command, cwd=REPO_ROOT, check=False, preexec_fn=raise_priority).returncode
    if check and code != 0:
        raise ToolError(f"`asv {' '.join(args)}` exited with status {code}")
    return code


def priority() -> int:
    """The niceness benchmarks run at: ``PLANALIGN_BENCH_NICE`` (default -20, the highest).

    A neighbour at the default priority then gets about 1 % of a core the benchmark wants
    (CFS weights 88761 against 1024), so wall times measured beside a busy process stay close
    to a quiet machine's (docs/benchmarks.md, "How a verdict is made"). ``0`` turns it off.
    """
    return int(os.environ.get(NICE_ENV, "-20"))


def raise_priority() -> None:
    """In the child before asv starts: lower its niceness when allowed (root or CAP_SYS_NICE).

    Without the privilege the run goes on at the usual priority; :func:`priority_note` says so.
    """
    wanted = priority()
    if wanted >= 0:
        return
    with contextlib.suppress(PermissionError):
        os.setpriority(os.PRIO_PROCESS, 0, wanted)


def priority_note() -> str:
    """One line on the priority benchmarks get here, for the logs and the pull-request table."""
    wanted = priority()
    if wanted >= 0:
        return f"benchmarks ran at the normal priority ({NICE_ENV}={wanted})"
    if _may_renice(wanted):
        return f"benchmarks ran at niceness {wanted} (a busy neighbour gets ~1 % of their cores)"
    return (
        f"benchmarks ran at the normal priority (niceness {wanted} needs root or CAP_SYS_NICE): "
        "wall times include any neighbour's load"
    )


def _may_renice(wanted: int) -> bool:
    """Whether this user may lower a process's niceness to ``wanted`` (tried in a child)."""
    probe = "import os, sys; os.setpriority(os.PRIO_PROCESS, 0, int(sys.argv[1]))"
    done = subprocess.run(
        [sys.executable, "-c", probe, str(wanted)], capture_output=True, check=False
    )
    return done.returncode == 0


def scratch_config(results_dir: Path, html_dir: Path | None = None) -> Path:
    """An asv configuration that is the project's but stores results in ``results_dir``.

    The virtualenvs and built wheels are shared, so nothing is rebuilt; what is run with it
    never lands where ``asv publish`` reads (a confirmation pass, a quick or partial run).
    """
    raw = load_json(str(REPO_ROOT / CONFIG_FILE), js_comments=True)
    for key in ("repo", "benchmark_dir", "env_dir", "html_dir"):
        raw[key] = str((REPO_ROOT / raw.get(key, ".")).resolve())
    raw["results_dir"] = str(results_dir.resolve())
    if html_dir is not None:
        raw["html_dir"] = str(html_dir.resolve())
    results_dir.mkdir(parents=True, exist_ok=True)
    path = results_dir / "asv.conf.json"
    path.write_text(json.dumps(raw, indent=2) + "\n")
    return path


def load_config(path: Path | None = None) -> Any:
    """The asv configuration (or another, e.g. a :func:`scratch_config`), parsed by asv itself
    (it allows comments in the JSON)."""
    return Config.load(str(path or REPO_ROOT / CONFIG_FILE))


def repo_path(relative: str) -> Path:
    """A path from asv.conf.json, which asv reads relative to the repository root."""
    return (REPO_ROOT / relative).resolve()


@dataclass(frozen=True)
class Machine:
    """What asv records about the machine; every field is part of each graph's path."""

    name: str
    os: str
    arch: str
    cpu: str
    num_cpu: str
    ram: str

    def as_dict(self) -> dict[str, str]:
        return {
            "machine": self.name, "os": self.os, "arch": self.arch, "cpu": self.cpu,
            "num_cpu": self.num_cpu, "ram": self.ram,
        }  # fmt: skip


def cpu_model() -> str:
    """The CPU's model name (from /proc/cpuinfo on Linux), else the platform's processor."""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        match = re.search(r"^model name\s*:\s*(.+)$", cpuinfo.read_text(), re.MULTILINE)
        if match:
            return " ".join(match.group(1).split())
    return platform.processor() or "unknown"


def cpu_slug(cpu: str) -> str:
    """A short, file-name-safe form of a CPU model ("AMD EPYC 7763 64-Core" -> "amd-epyc-7763")."""
    words = re.findall(r"[a-z0-9]+", cpu.lower())
    kept = [w for w in words if w not in {"processor", "cpu", "core", "with", "r", "tm"}][:4]
    return "-".join(kept) or "unknown-cpu"


def this_machine(name: str | None = None) -> Machine:
    """This host, described with stable values only.

    The kernel release and the exact RAM in bytes change with updates and would split the
    history into many series; the OS name and RAM rounded to whole GiB do not. The CPU is always
    the real model: a fixed name shared by many hosts (``PLANALIGN_ASV_MACHINE``, as CI sets for
    its hosted runners) gets the CPU's slug appended, so runners with different CPUs never form
    one series (docs/benchmarks.md, "An honest history").
    """
    cpu = cpu_model()
    shared = os.environ.get(MACHINE_ENV)
    if name is None and shared:
        name = f"{shared}-{cpu_slug(cpu)}"
    ram_gib = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30)
    return Machine(
        name=name or socket.gethostname(),
        os=platform.system(),
        arch=platform.machine(),
        cpu=cpu,
        num_cpu=str(os.cpu_count() or 1),
        ram=f"{ram_gib}GiB",
    )


def pin_machine(machine: Machine) -> None:
    """Record the machine description asv files results under (``~/.asv-machine.json``).

    Written through asv's own store rather than ``asv machine --yes``: that command drops
    ``--machine`` when the name equals the host name, and then fails.
    """
    MachineCollection.save(machine.name, machine.as_dict())
    print(f"asv machine {machine.name!r}: {machine.as_dict()}", flush=True)
