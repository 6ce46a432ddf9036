"""Keep asv results on a dedicated git branch (CI has no disk that outlives a job).

``restore`` fetches the branch and unpacks it into the results directory (results already there
win; nothing is deleted). ``save`` commits the results directory as the branch's next commit in
a temporary worktree and pushes it, so the branch's own history shows every publishing run.
"""

from __future__ import annotations

import argparse
import io
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Sequence
from pathlib import Path

from tools.asvtool import REPO_ROOT, ToolError, git, load_config, repo_path

DEFAULT_BRANCH = "asv-results"
BOT = ("github-actions[bot]", "41898282+github-actions[bot]@users.noreply.github.com")


def fetch(remote: str, branch: str) -> str | None:
    """The branch's head on the remote after fetching it, or None when it does not exist."""
    done = subprocess.run(
        ["git", "fetch", "--quiet", remote, f"+refs/heads/{branch}:refs/asv/{branch}"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        if "couldn't find remote ref" in done.stderr:
            return None
        raise ToolError(f"git fetch {remote} {branch} failed: {done.stderr.strip()}")
    return git("rev-parse", f"refs/asv/{branch}")


def restore(results_dir: Path, remote: str, branch: str) -> int:
    """Unpack the branch's files into ``results_dir``; the number of files written."""
    commit = fetch(remote, branch)
    if commit is None:
        print(f"no branch {branch!r} on {remote}: starting a new history")
        return 0
    archive = subprocess.run(
        ["git", "archive", "--format=tar", commit], cwd=REPO_ROOT, capture_output=True, check=True
    ).stdout
    written = 0
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        for member in tar.getmembers():
            target = results_dir / member.name
            if member.isfile() and not target.exists():
                _write_member(tar, member, results_dir)
                written += 1
    print(f"restored {written} result file(s) from {branch} ({commit[:8]})")
    return written


def _write_member(tar: tarfile.TarFile, member: tarfile.TarInfo, root: Path) -> None:
    """Write one regular file of the archive under ``root``, refusing a path that leaves it.

    By hand rather than ``extract(filter="data")``: that filter exists from Python 3.11.4 on, and
    ``requires-python`` admits Debian 12's 3.11.2.
    """
    target = (root / member.name).resolve()
    if not target.is_relative_to(root.resolve()):
        raise ToolError(f"refusing archive member {member.name!r}: outside {root}")
    source = tar.extractfile(member)
    if source is None:
        raise ToolError(f"archive member {member.name!r} has no content")
    target.parent.mkdir(parents=True, exist_ok=True)
    with source, target.open("wb") as out:
        shutil.copyfileobj(source, out)


def save(results_dir: Path, remote: str, branch: str, message: str) -> bool:
    """Commit ``results_dir`` as the branch's next commit and push it; False if unchanged.

    The commit is assembled in a scratch worktree (its index holds exactly the results) with
    ``write-tree``/``commit-tree``: no local branch is created or moved.
    """
    if not results_dir.is_dir():
        raise ToolError(f"no results in {results_dir}: nothing to save")
    parent = fetch(remote, branch)
    with tempfile.TemporaryDirectory(prefix="asv-results-") as temp:
        tree_dir = Path(temp) / "tree"
        git("worktree", "add", "--detach", "--no-checkout", str(tree_dir), "HEAD")
        try:
            shutil.copytree(results_dir, tree_dir, dirs_exist_ok=True)
            git("add", "--all", ".", cwd=tree_dir)
            tree = git("write-tree", cwd=tree_dir)
            if parent is not None and tree == git("rev-parse", f"{parent}^{{tree}}"):
                print(f"results unchanged; {branch} stays at {parent[:8]}")
                return False
            name, email = BOT
            identity = [f"user.name={name}", f"user.email={email}"]
            options = [arg for pair in identity for arg in ("-c", pair)]
            commit = git(*options, "commit-tree", tree, "-m", message,
                         *(["-p", parent] if parent else []))  # fmt: skip
            git("push", "--quiet", remote, f"{commit}:refs/heads/{branch}")
        finally:
            git("worktree", "remove", "--force", str(tree_dir))
    print(f"pushed results to {remote}/{branch} ({commit[:8]})")
    return True


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.bench_store", description=__doc__)
    parser.add_argument("action", choices=["restore", "save"])
    parser.add_argument("--branch", default=DEFAULT_BRANCH, help="(default %(default)s)")
    parser.add_argument("--remote", default="origin", help="(default %(default)s)")
    parser.add_argument("--message", default="Benchmark results", help="commit message (save)")
    args = parser.parse_args(argv)
    results_dir = repo_path(load_config().results_dir)
    try:
        if args.action == "restore":
            results_dir.mkdir(parents=True, exist_ok=True)
            restore(results_dir, args.remote, args.branch)
        else:
            save(results_dir, args.remote, args.branch, args.message)
    except ToolError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
