"""What the workers of the sweep's local cluster log: a Dask worker preload (``dask_setup``).

A local cluster that closes races its workers' heartbeats: the scheduler's comms close first,
and ``distributed`` logs the failed heartbeat with a traceback although nothing failed (the
worker goes on either way). It reached the user's terminal at the end of a sweep that had
succeeded. A preload runs in every worker process the cluster starts, a replacement for a
worker that died included; the workers of a cluster given by ``--scheduler`` are not touched
(their logs are their operator's).
"""

from __future__ import annotations

import logging

HEARTBEAT_FAILURE = "Failed to communicate with scheduler during heartbeat"


class ClosingHeartbeatFilter(logging.Filter):
    """Drops a worker's heartbeat failure. A scheduler really lost during a sweep fails its
    futures on the client, which reports it, so nothing is hidden."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith(HEARTBEAT_FAILURE)


def quiet_closing_heartbeats() -> None:
    """Install :class:`ClosingHeartbeatFilter` on this process's worker logger, once."""
    worker_log = logging.getLogger("distributed.worker")
    if not any(isinstance(f, ClosingHeartbeatFilter) for f in worker_log.filters):
        worker_log.addFilter(ClosingHeartbeatFilter())


def dask_setup(worker: object) -> None:
    """Dask calls this in each worker process of the local cluster as it starts."""
    quiet_closing_heartbeats()
