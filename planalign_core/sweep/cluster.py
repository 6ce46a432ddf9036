"""Dask distributed: a cluster to run on, the pairs as tasks, their outcomes as they finish.

Dask is imported here, inside the functions, and only the sweep command reaches them:
``planalign simulate`` and the rest of the package never load it.

- Without ``--scheduler`` a :class:`LocalCluster` is started: one worker process per core
  (``--workers`` to change), one thread each, and one Polars thread each
  (``POLARS_MAX_THREADS=1``), and each run without the engine's money thread
  (``task.run_pair``: ``overlap=False``): a sweep's parallelism is its runs, and a worker that
  also spread each run over more cores would only compete with the others.
- With ``--scheduler tcp://HOST:PORT`` the client connects to a running cluster; its workers
  need this planalign installed and the census, configurations and output folder at the same
  paths (a shared file system). A worker with several threads still runs one pair at a time
  (``task._ONE_RUN``).
- Each pair is one task, retried :data:`RETRIES` times on an error; a worker that dies takes its
  task with it and the scheduler runs it elsewhere (up to Dask's ``allowed-failures``). A task
  that still fails is reported with its scenario, seed and error; the others go on.
- Tasks return :class:`~planalign_core.sweep.task.PairResult` (counts, seconds): the client never
  gathers a table.
"""

from __future__ import annotations

import logging
import os
import uuid
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from planalign_core.errors import SweepError
from planalign_core.sweep import worker_log
from planalign_core.sweep.manifest import code_sha256
from planalign_core.sweep.task import PairJob, PairRefused, PairResult, run_pair

RETRIES = 2
CONNECT_TIMEOUT = "10s"
DASHBOARD_ADDRESS = "127.0.0.1:8787"  # another port is picked when it is taken
WORKER_ENV = {"POLARS_MAX_THREADS": "1"}


@dataclass(frozen=True)
class Failure:
    """A pair that failed after its retries, or that its inputs refused (``refused``: not
    retried, and it fails the same way again)."""

    scenario: str
    seed: int
    error: str
    refused: bool = False


def _distributed() -> Any:
    """The ``distributed`` module, imported on first use (untyped: used through ``Any``)."""
    return import_module("distributed")


def default_workers() -> int:
    """One worker per core this process may use."""
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity else os.cpu_count() or 1


@contextmanager
def connect(workers: int | None, scheduler: str | None) -> Iterator[Any]:
    """A :class:`distributed.Client`: of the cluster at ``scheduler``, or of a new local one."""
    distributed = _distributed()
    if scheduler is not None:
        if workers is not None:
            raise SweepError(
                "--workers and --scheduler exclude each other: the cluster has its own"
            )
        try:
            client = distributed.Client(scheduler, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError, ValueError) as exc:
            raise SweepError(
                f"--scheduler {scheduler}: no Dask scheduler answered ({exc})"
            ) from None
        with client:
            yield client
        return
    count = default_workers() if workers is None else workers
    if count < 1:
        raise SweepError(f"--workers: must be at least 1, got {count}")
    with warnings.catch_warnings():  # the dashboard's port moves when taken; its link says where
        warnings.filterwarnings("ignore", message="Port .* is already in use")
        cluster = distributed.LocalCluster(
            n_workers=count,
            threads_per_worker=1,
            processes=True,
            dashboard_address=DASHBOARD_ADDRESS,
            silence_logs=logging.ERROR,
            env=WORKER_ENV,
            preload=[worker_log.__name__],  # every worker it starts, replacements included
        )
    with cluster, distributed.Client(cluster) as client:
        yield client


def _prepare() -> str:
    """Run on every worker before the first task: imports the engine (Polars, the package)
    and hashes the package's source once, so the first run is not slowed by it."""
    return code_sha256()


def warm(client: Any) -> None:
    """Prepare the workers that are there now (a later one prepares on its first task)."""
    client.run(_prepare)


def dashboard_link(client: Any) -> str | None:
    """The Dask dashboard's address, when the scheduler serves one."""
    services = client.scheduler_info().get("services", {})
    return str(client.dashboard_link) if "dashboard" in services else None


def worker_count(client: Any) -> int:
    return len(client.scheduler_info().get("workers", {}))


def submit_all(
    client: Any,
    jobs: Sequence[PairJob],
    on_result: Callable[[PairResult | Failure], None],
) -> tuple[list[PairResult], list[Failure]]:
    """Run every job as a task, in the order given; hear each outcome as it comes."""
    tag = uuid.uuid4().hex[:8]
    futures = {
        client.submit(
            run_pair, job, key=f"planalign-{job.scenario}-{job.seed}-{tag}", retries=RETRIES,
            pure=False,
        ): job
        for job in jobs
    }  # fmt: skip
    results: list[PairResult] = []
    failures: list[Failure] = []
    for future in _distributed().as_completed(futures):
        job = futures.pop(future)
        outcome = future.result() if future.status == "finished" else None
        if isinstance(outcome, PairResult):
            results.append(outcome)
            on_result(outcome)
        elif isinstance(outcome, PairRefused):
            refused = Failure(outcome.scenario, outcome.seed, outcome.error, refused=True)
            failures.append(refused)
            on_result(refused)
        else:
            failure = Failure(job.scenario, job.seed, _error_text(future))
            failures.append(failure)
            on_result(failure)
        future.release()
    return results, failures


def _error_text(future: Any) -> str:
    """A failed task's error, one line (a cancelled task has none to fetch)."""
    if future.status != "error":
        return f"the task was {future.status} (the scheduler lost it)"
    error = future.exception()
    first = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"{type(error).__name__}: {first}".rstrip(": ")
