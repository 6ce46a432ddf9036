"""What every benchmark command shares: the repository, git, the asv config, machine pinning.

asv is driven through its command line (``python -m asv``, the venv's own copy), so the tools
behave exactly like the commands documented in docs/benchmarks.md.
"""

from __future__ import annotations

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

REPO_ROOT = Path(__file__).resolve().parent.parent
CONFIG_FILE = "asv.conf.json"
MACHINE_ENV = "PLANALIGN_ASV_MACHINE"
CPU_LABEL_ENV = "PLANALIGN_ASV_CPU"


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


def asv(*args: str, check: bool = False) -> int:
    """Run ``python -m asv ARGS`` in the repository root, streaming its output."""
    command = [sys.executable, "-m", "asv", *args]
    print("$ asv " + " ".join(args), flush=True)
    code = subprocess.run(command, cwd=REPO_ROOT, check=False).returncode
    if check and code != 0:
        raise ToolError(f"`asv {' '.join(args)}` exited with status {code}")
    return code


def load_config() -> Any:
    """The asv configuration, parsed by asv itself (it allows comments in the JSON)."""
    return Config.load(str(REPO_ROOT / CONFIG_FILE))


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


def this_machine(name: str | None = None, cpu_label: str | None = None) -> Machine:
    """This host, described with stable values only.

    The kernel release and the exact RAM in bytes change with updates and would split the
    history into many series; the OS name and RAM rounded to whole GiB do not. CI passes a
    fixed ``cpu_label`` because hosted runners do not all have the same CPU model.
    """
    ram_gib = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30)
    return Machine(
        name=name or os.environ.get(MACHINE_ENV) or socket.gethostname(),
        os=platform.system(),
        arch=platform.machine(),
        cpu=cpu_label or os.environ.get(CPU_LABEL_ENV) or cpu_model(),
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
