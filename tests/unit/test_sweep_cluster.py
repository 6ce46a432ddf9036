"""The sweep's local cluster: what its workers log when it closes."""

from __future__ import annotations

import logging
import os

import pytest

from planalign_core.sweep.cluster import connect
from planalign_core.sweep.worker_log import (
    HEARTBEAT_FAILURE,
    ClosingHeartbeatFilter,
    quiet_closing_heartbeats,
)


def test_a_closing_heartbeat_failure_is_dropped_and_other_worker_errors_are_kept(
    caplog: pytest.LogCaptureFixture,
) -> None:
    worker_log = logging.getLogger("distributed.worker")
    before = list(worker_log.filters)
    try:
        quiet_closing_heartbeats()
        quiet_closing_heartbeats()  # once is enough: a second call adds nothing
        added = [f for f in worker_log.filters if isinstance(f, ClosingHeartbeatFilter)]
        assert len(added) == 1
        with caplog.at_level(logging.ERROR, logger="distributed.worker"):
            worker_log.error(f"{HEARTBEAT_FAILURE}.")
            worker_log.error("Unexpected exception during heartbeat. Closing worker.")
        assert [r.getMessage() for r in caplog.records] == [
            "Unexpected exception during heartbeat. Closing worker."
        ]
    finally:
        worker_log.filters[:] = before  # this process is not a worker: leave its logger as it was


def test_every_worker_the_local_cluster_starts_is_quieted_replacements_included() -> None:
    """The filter is a worker preload: it is in place in each worker before any task, and in
    the workers that replace them (a restart starts new worker processes)."""

    def _quieted() -> bool:  # nested: sent to the workers by value
        filters = logging.getLogger("distributed.worker").filters
        return any(isinstance(f, ClosingHeartbeatFilter) for f in filters)

    with connect(workers=2, scheduler=None) as client:
        first = client.run(_quieted)
        pids = client.run(os.getpid)
        client.restart()
        again = client.run(_quieted)
        assert set(client.run(os.getpid).values()).isdisjoint(pids.values())
    assert list(first.values()) == [True, True]
    assert list(again.values()) == [True, True]
