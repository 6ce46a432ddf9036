"""Keep the suite's input data append-only: fingerprints of every ``benchmarks.common`` getter.

``--check`` (the test suite runs it) fails when a committed getter's output changed or a new
getter has no fingerprint yet; ``--lock`` records fingerprints for new getters only and never
rewrites an existing one. Changing data means appending a new getter, not editing an old one.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from benchmarks.common import DATASETS, fingerprint
from tools.asvtool import REPO_ROOT

LOCK_FILE = REPO_ROOT / "benchmarks" / "datasets.lock.json"


def current() -> dict[str, dict[str, object]]:
    """Fingerprint of each registered getter, called (uncached) with its probe arguments."""
    return {
        name: {"probe": dict(data.probe), "fingerprint": fingerprint(data.build(**data.probe))}
        for name, data in sorted(DATASETS.items())
    }


def read_lock(path: Path) -> dict[str, dict[str, object]]:
    return dict(json.loads(path.read_text())) if path.exists() else {}


def problems(
    locked: dict[str, dict[str, object]], found: dict[str, dict[str, object]]
) -> list[str]:
    """What breaks the append-only rule, one sentence each."""
    messages = []
    for name, entry in found.items():
        if name not in locked:
            messages.append(f"{name}: new getter without a fingerprint (run --lock)")
        elif locked[name] != entry:
            messages.append(
                f"{name}: output changed ({locked[name]} -> {entry}); committed data must not "
                "change: restore it and append a new getter instead"
            )
    messages += [f"{name}: locked getter was removed" for name in locked if name not in found]
    return messages


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.bench_data", description=__doc__)
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--check", action="store_true", help="fail on any change")
    action.add_argument("--lock", action="store_true", help="record new getters")
    args = parser.parse_args(argv)
    locked, found = read_lock(LOCK_FILE), current()
    if args.lock:
        added = {name: entry for name, entry in found.items() if name not in locked}
        LOCK_FILE.write_text(json.dumps({**locked, **added}, indent=2, sort_keys=True) + "\n")
        print(f"recorded {len(added)} new getter(s): {', '.join(added) or 'none'}")
    messages = problems(read_lock(LOCK_FILE), found)
    for message in messages:
        print(message, file=sys.stderr)
    return 1 if messages else 0


if __name__ == "__main__":
    sys.exit(main())
