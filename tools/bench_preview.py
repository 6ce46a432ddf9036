"""Serve the published benchmark site on this machine (``make bench-preview``).

asv's site loads its data with HTTP requests, so it must be served, not opened as a file.
This binds to 127.0.0.1 only; ``--port 0`` picks a free port (the URL line says which).
"""

from __future__ import annotations

import argparse
import functools
import sys
from collections.abc import Sequence
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from tools.asvtool import load_config, repo_path


class QuietHandler(SimpleHTTPRequestHandler):
    """Serves files without a log line per request."""

    def log_message(self, format: str, *args: Any) -> None:
        return


def make_server(site: Path, host: str = "127.0.0.1", port: int = 0) -> ThreadingHTTPServer:
    """An HTTP server for ``site`` (not yet serving: call ``serve_forever``)."""
    handler = functools.partial(QuietHandler, directory=str(site))
    return ThreadingHTTPServer((host, port), handler)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tools.bench_preview", description=__doc__)
    parser.add_argument("--port", type=int, default=8080, help="port (default %(default)s)")
    parser.add_argument("--host", default="127.0.0.1", help="address (default %(default)s)")
    parser.add_argument("--site", help="directory to serve (default: asv.conf.json's html_dir)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    site = Path(args.site) if args.site else repo_path(load_config().html_dir)
    if not (site / "index.html").is_file():
        print(f"error: no published site in {site}; run `make history` first", file=sys.stderr)
        return 2
    server = make_server(site, args.host, args.port)
    port = server.server_address[1]
    print(f"Serving {site} at http://{args.host}:{port}/ (Ctrl-C stops)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
