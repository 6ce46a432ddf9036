"""A dbt session in-process: the project parsed once per process and its manifest handed to every
invocation, dbt's partial-parse file kept across processes, the scratch folder a build runs in,
and what each invocation cost (wall time, the nodes' SQL). The engine's driver
(``dbt_driver``) runs the years through it.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from importlib.resources import files
from pathlib import Path
from typing import Any

from planalign_core import cleanup
from planalign_core.engines import dbt_manifests, dbt_schemas
from planalign_core.errors import PlanalignError

PROJECT_ENV = "PLANALIGN_DBT_PROJECT_DIR"
DATABASE_ENV = "PLANALIGN_DBT_DATABASE"
DUCKDB_THREADS_ENV = "PLANALIGN_DBT_DUCKDB_THREADS"
CACHE_ENV = "PLANALIGN_DBT_CACHE"
# The scratch file is thrown away after the run: its commits need not reach the disk, and a
# checkpoint (DuckDB rewriting the file from its log, by default every 16 MB of log) would only
# cost time. The profile reads these; a file built by hand keeps DuckDB's defaults.
SCRATCH_SETTINGS = {
    "PLANALIGN_DBT_CHECKPOINT_THRESHOLD": "64GB",
    "PLANALIGN_DBT_FSYNC_MODE": "NONE",
}
# Where a scratch build puts its models: the in-memory database the profile attaches under this
# name (dbt_project.yml reads the variable; a build by hand, without it, puts them in the file).
# The inputs stay in the file. In memory a model's commit writes no log: the run's 110 commits
# took 0.53 s of DuckDB's time in the file (0.29 s now), and 5k x 5 whole processes ran 0.23-0.54 s
# faster in two sittings of 6 and 8 alternated pairs (28 November, docs/benchmarks.md).
MODELS_DATABASE_ENV = "PLANALIGN_DBT_MODELS_DATABASE"
MODELS_DATABASE = "planalign_models"
# Everything a scratch build sets in the environment of its invocations (and of its parse: the
# manifest kept between processes is keyed by it).
SCRATCH_ENV = {**SCRATCH_SETTINGS, MODELS_DATABASE_ENV: MODELS_DATABASE}
# The profile's default file name: parse and runs see one database name (the file's stem).
SCRATCH_NAME = "planalign_dbt.duckdb"
PARTIAL_PARSE = "partial_parse.msgpack"


_COMMON_FLAGS = (
    "--quiet",
    "--log-level-file",
    "none",
    "--no-write-json",
    "--no-send-anonymous-usage-stats",
    "--no-version-check",
    # No listing of the scratch file's relations before each invocation: a materialization asks
    # the file for the one it needs. dbt's own time an invocation 0.350 -> 0.289 s (the first),
    # 0.261 -> 0.243 s (later ones): 6 alternated in-process 5k x 4 runs a variant, 28 November.
    "--no-populate-cache",
)


class DbtEngineError(PlanalignError):
    """dbt could not build the project; the message names the failing models and tests."""


# vars every invocation passes that tell a reader nothing: the draw's constants, a row long
SHOWN_WITHOUT = ("planalign_rng",)


def shown(args: tuple[str, ...] | list[str]) -> str:
    """An invocation as a message shows it: ``--vars`` without the constants every run passes
    (``planalign_rng``, some 400 characters), so the year and the failing model stand out."""
    words = list(args)
    for at, word in enumerate(words[:-1]):
        if word == "--vars":
            given = json.loads(words[at + 1])
            words[at + 1] = json.dumps({k: v for k, v in given.items() if k not in SHOWN_WITHOUT})
    return " ".join(words)


def project_dir() -> Path:
    """The dbt project: ``$PLANALIGN_DBT_PROJECT_DIR``, the copy inside the installed package
    (wheels), or the repository's ``dbt/`` (a source checkout)."""
    candidates: list[Path] = []
    if os.environ.get(PROJECT_ENV):
        candidates.append(Path(os.environ[PROJECT_ENV]))
    candidates.append(Path(str(files("planalign_core").joinpath("dbt_project"))))
    candidates.append(Path(__file__).resolve().parents[2] / "dbt")
    for candidate in candidates:
        if (candidate / "dbt_project.yml").is_file():
            return candidate.resolve()
    raise DbtEngineError(
        "the dbt project was not found (looked in: "
        + ", ".join(str(c) for c in candidates)
        + f"); set {PROJECT_ENV} to the directory holding dbt_project.yml"
    )


@dataclass(frozen=True)
class Invocation:
    """One dbt invocation: what ran, how long it took, how long some node's SQL was running
    (``sql_seconds``), and each node's own SQL time."""

    args: tuple[str, ...]
    wall_seconds: float
    sql_seconds: float
    node_seconds: dict[str, float] = field(default_factory=dict)

    @property
    def overhead_seconds(self) -> float:
        """dbt's own time: everything but the nodes' SQL."""
        return max(self.wall_seconds - self.sql_seconds, 0.0)


def _node_messages(result: Any) -> list[str]:
    problems = []
    for node_result in getattr(result, "results", None) or []:
        status = str(getattr(node_result, "status", ""))
        if status.lower().endswith(("error", "fail")):
            node = node_result.node
            where = getattr(node, "original_file_path", "") or node.unique_id
            problems.append(f"{node.name} ({where}): {status}: {node_result.message}")
    return problems


def _execute_phases(result: Any) -> list[tuple[str, datetime, datetime]]:
    """Each node's "execute" phase in dbt's timing (running the node's SQL): name, start, end."""
    phases = []
    for node_result in getattr(result, "results", None) or []:
        for timing in getattr(node_result, "timing", None) or []:
            if timing.name == "execute" and timing.started_at and timing.completed_at:
                phases.append((node_result.node.name, timing.started_at, timing.completed_at))
    return phases


def _node_seconds(phases: list[tuple[str, datetime, datetime]]) -> dict[str, float]:
    seconds: dict[str, float] = {}
    for name, started, completed in phases:
        seconds[name] = seconds.get(name, 0.0) + (completed - started).total_seconds()
    return seconds


def _busy_seconds(phases: list[tuple[str, datetime, datetime]]) -> float:
    """How long some node's SQL was running: the union of the phases (dbt runs two nodes at a
    time where the graph allows, so their sum can exceed the invocation's wall time)."""
    total, reach = 0.0, None
    for _, started, completed in sorted(phases, key=lambda phase: phase[1]):
        if reach is None or started > reach:
            total += (completed - started).total_seconds()
            reach = completed
        elif completed > reach:
            total += (completed - reach).total_seconds()
            reach = completed
    return total


_MANIFESTS: dict[tuple[str, str], Any] = {}


def cache_dir(project: Path) -> Path | None:
    """Where dbt's partial parsing file of ``project`` is kept between runs:
    ``$PLANALIGN_DBT_CACHE`` or ``$XDG_CACHE_HOME/planalign/dbt`` (default ``~/.cache``), one
    folder per project path; None (no cache) when it cannot be created."""
    root = os.environ.get(CACHE_ENV) or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache", "planalign", "dbt"
    )
    folder = Path(root) / hashlib.sha256(str(project).encode()).hexdigest()[:16]
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return folder


_PROJECT_PARTS = ("dbt_project.yml", "profiles.yml", "models", "macros", "tests")


def project_fingerprint(project: Path) -> str:
    """SHA-256 over the project's files (names and contents): a parse is reused only while
    the files it read are unchanged."""
    digest = hashlib.sha256()
    for part in _PROJECT_PARTS:
        root = project / part
        paths = sorted(root.rglob("*")) if root.is_dir() else [root]
        for path in paths:
            if path.is_file():
                digest.update(str(path.relative_to(project)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def without_run_hooks(manifest: Any) -> Any:
    """``manifest`` without the project's on-run-start and on-run-end hooks, in place (the
    process's cached parse is the package's own; none of its invocations wants them). They
    serve a file built by hand (``dbt/macros/year.sql``, ``finish.sql``) and render nothing
    under the ``planalign_scratch`` var that every run of the package passes, yet dbt compiled
    and ran both around each invocation: 0.02-0.03 s of dbt's own time an invocation (5k, in one
    process, 5 alternated runs a variant, 28 November)."""
    hooks = [uid for uid, node in manifest.nodes.items() if node.resource_type == "operation"]
    if hooks:
        for uid in hooks:
            del manifest.nodes[uid]
        manifest.build_parent_and_child_maps()
    return manifest


def models_only(manifest: Any) -> Any:
    """A copy of ``manifest`` without its data and unit tests, for ``dbt run`` (which builds
    the models only). dbt links every node of the manifest into a graph and summarises it at
    each invocation, the project's 289 tests beside its 43 models: 0.01-0.02 s of dbt's own
    time an invocation (measured as :func:`without_run_hooks`). ``dbt test`` keeps them all."""
    state = {name: value for name, value in vars(manifest).items() if name != "_lock"}
    state["nodes"] = {uid: n for uid, n in manifest.nodes.items() if n.resource_type != "test"}
    state["unit_tests"] = {}
    models = dbt_manifests.restore(type(manifest), state)
    models.build_parent_and_child_maps()
    return models


class DbtSession:
    """dbt on one project and one scratch database: parse once, invoke many times."""

    def __init__(
        self, project: Path, workdir: Path, database: Path, duckdb_threads: int | None = None
    ) -> None:
        started = time.perf_counter()
        from dbt.cli.main import dbtRunner  # noqa: PLC0415 - dbt is heavy: import on use

        dbt_schemas.install(cache_dir(project))
        self._runner_class = dbtRunner
        self.startup_seconds = time.perf_counter() - started
        self.project = project
        self.workdir = workdir
        self.database = database
        self._env = {DATABASE_ENV: str(database), **SCRATCH_ENV}
        if duckdb_threads is not None:
            self._env[DUCKDB_THREADS_ENV] = str(duckdb_threads)
        self._paths = (
            "--project-dir",
            str(project),
            "--profiles-dir",
            str(project),
            "--target-path",
            str(workdir / "target"),
            "--log-path",
            str(workdir / "logs"),
        )
        self._runner: Any = None
        self._models_runner: Any = None  # for ``dbt run``: :func:`models_only`

    @contextmanager
    def _environment(self, values: Mapping[str, str] | None = None) -> Iterator[None]:
        """Point the committed profile at the scratch database for the call's duration."""
        values = {**self._env, **(values or {})}
        saved = {name: os.environ.get(name) for name in values}
        os.environ.update(values)
        try:
            yield
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value

    def parse(self) -> float:
        """Parse the project, or reuse this process's parse of the same project files: every
        invocation of every run takes the manifest instead of parsing again. Across processes,
        the manifest is kept in :func:`cache_dir` (``dbt_manifests``), and so is dbt's partial
        parsing file (for a parse that is needed: dbt re-reads only what changed)."""
        started = time.perf_counter()
        fingerprint = project_fingerprint(self.project)
        key = (str(self.project), fingerprint)
        manifest: Any = _MANIFESTS.get(key)
        if manifest is None:
            cache = cache_dir(self.project)
            kept = dbt_manifests.manifest_key(self.project, fingerprint, SCRATCH_ENV)
            manifest = None if cache is None else dbt_manifests.load(cache, kept)
            if manifest is None:
                manifest = self._parse()
                if cache is not None:
                    dbt_manifests.keep(cache, kept, manifest)
            _MANIFESTS[key] = manifest
        manifest = without_run_hooks(manifest)
        self._runner = self._runner_class(manifest=manifest)
        self._models_runner = self._runner_class(manifest=models_only(manifest))
        return time.perf_counter() - started

    def _parse(self) -> Any:
        cache = cache_dir(self.project)
        target = self.workdir / "parse"
        target.mkdir(parents=True, exist_ok=True)
        flags: tuple[str, ...] = ("--no-partial-parse",)
        # The profile is part of what partial parsing checks: parse against a fixed database
        # path. Its file name is the scratch file's, so the parsed relations name the same
        # database the runs then write.
        parse_env = {DATABASE_ENV: str(target / SCRATCH_NAME), **SCRATCH_ENV}
        if cache is not None:
            flags = ()
            parse_env[DATABASE_ENV] = str(cache / SCRATCH_NAME)
            if (cache / PARTIAL_PARSE).is_file():
                shutil.copyfile(cache / PARTIAL_PARSE, target / PARTIAL_PARSE)
        paths = (*self._paths[:4], "--target-path", str(target), *self._paths[6:])
        with self._environment(parse_env):
            result = self._runner_class().invoke(["parse", *paths, *_COMMON_FLAGS, *flags])
        if isinstance(result.exception, (KeyboardInterrupt, OSError)):
            raise result.exception
        if not result.success:
            raise DbtEngineError(f"dbt could not parse {self.project}: {result.exception}")
        if cache is not None and (target / PARTIAL_PARSE).is_file():
            fresh = cache / f".{os.getpid()}.{PARTIAL_PARSE}"
            shutil.copyfile(target / PARTIAL_PARSE, fresh)
            os.replace(fresh, cache / PARTIAL_PARSE)  # atomic: concurrent runs never see half
        return result.result

    def invoke(self, *args: str) -> Invocation:
        """Run one dbt command; a failure raises naming every failed node."""
        if self._runner is None:
            self.parse()
        started = time.perf_counter()
        with self._environment():
            runner = self._models_runner if args[0] == "run" else self._runner
            result = runner.invoke([*args, *self._paths, *_COMMON_FLAGS])
        wall = time.perf_counter() - started
        if isinstance(result.exception, (KeyboardInterrupt, OSError)):
            raise result.exception  # Ctrl-C, a full disk: the CLI names these plainly
        if not result.success:
            problems = _node_messages(result.result)
            detail = "\n  ".join(problems) if problems else str(result.exception)
            raise DbtEngineError(f"dbt {shown(args)} failed:\n  {detail}")
        phases = _execute_phases(result.result)
        return Invocation(tuple(args), wall, _busy_seconds(phases), _node_seconds(phases))

    def close(self) -> None:
        """Release dbt-duckdb's connection to the scratch file (it keeps one per process),
        without the checkpoint DuckDB would make at its close: the file is deleted next."""
        import duckdb  # noqa: PLC0415 - a plain connection shares dbt-duckdb's database
        from dbt.adapters.duckdb.connections import (  # noqa: PLC0415
            DuckDBConnectionManager,
        )

        if self.database.is_file():
            with duckdb.connect(str(self.database)) as connection:
                connection.execute("pragma disable_checkpoint_on_shutdown")
        manager: Any = DuckDBConnectionManager
        manager.close_all_connections()


SCRATCH_PREFIX = "planalign-dbt-"


def scratch_workdir() -> Path:
    """A private (0700) scratch folder named for this process; first, the folders of
    processes that no longer run (a run killed with SIGKILL cannot clean up; its folder holds
    the census, personal data) are removed."""
    root = Path(tempfile.gettempdir())
    for leftover in root.glob(f"{SCRATCH_PREFIX}*-*"):
        pid = leftover.name[len(SCRATCH_PREFIX) :].split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)) and leftover.is_dir():
            shutil.rmtree(leftover, ignore_errors=True)
    workdir = Path(tempfile.mkdtemp(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-", dir=root))
    cleanup.register(workdir)  # the CLI's interrupt deadline removes it too
    return workdir


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive, not ours to sweep
        return True
    return True
