"""Finish the site ``asv publish`` writes: self-contained, ready for GitHub Pages.

- Script and style tags that point at CDNs are rewritten to the vendored copies in
  ``tools/site_vendor`` (copied to ``vendor/``): the history opens without internet access.
  An external tag with no vendored copy is an error (asv changed its dependencies).
- Commit links point at this repository's GitHub home when it has one.
- ``.nojekyll``: GitHub Pages serves the files as they are.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Mapping
from pathlib import Path

from tools.asvtool import ToolError

VENDOR_DIR = Path(__file__).resolve().parent / "site_vendor"
FLOT = "https://cdnjs.cloudflare.com/ajax/libs/flot/0.8.3/"
BOOTSTRAP = "https://cdn.jsdelivr.net/npm/bootstrap@3.1.1/dist/"
# CDN address in asv 0.6.6's index.html -> vendored file.
VENDORED: Mapping[str, str] = {
    "https://code.jquery.com/jquery-3.3.1.min.js": "jquery-3.3.1.min.js",
    f"{FLOT}jquery.flot.min.js": "jquery.flot-0.8.3.min.js",
    f"{FLOT}jquery.flot.time.min.js": "jquery.flot-0.8.3.time.min.js",
    f"{FLOT}jquery.flot.selection.min.js": "jquery.flot-0.8.3.selection.min.js",
    f"{FLOT}jquery.flot.categories.min.js": "jquery.flot-0.8.3.categories.min.js",
    "https://cdn.jsdelivr.net/npm/flot-orderbars@1.0.0/js/jquery.flot.orderBars.js": (
        "jquery.flot.orderBars.js"
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/stupidtable/1.0.1/stupidtable.min.js": "stupidtable.js",
    "https://cdnjs.cloudflare.com/ajax/libs/blueimp-md5/2.19.0/js/md5.min.js": "md5.js",
    f"{BOOTSTRAP}js/bootstrap.min.js": "bootstrap-3.1.0.min.js",
    f"{BOOTSTRAP}css/bootstrap.min.css": "bootstrap-3.1.0.min.css",
}
EXTERNAL_TAG = re.compile(r'<(script|link)\b[^>]*?\b(?:src|href)="(https?://[^"]+)"[^>]*>')


def local_tag(match: re.Match[str]) -> str:
    kind, url = match.group(1), match.group(2)
    if url not in VENDORED:
        raise ToolError(f"the site loads {url}, which tools/site_vendor has no copy of")
    if kind == "script":
        return f'<script src="vendor/{VENDORED[url]}" onerror="js_load_failure()">'
    return f'<link rel="stylesheet" href="vendor/{VENDORED[url]}">'


def vendor_assets(html_dir: Path) -> int:
    """Point every page at the vendored files; the number of tags rewritten."""
    shutil.copytree(VENDOR_DIR, html_dir / "vendor", dirs_exist_ok=True)
    rewritten = 0
    for page in html_dir.glob("*.html"):
        text, count = EXTERNAL_TAG.subn(local_tag, page.read_text())
        page.write_text(text)
        rewritten += count
    return rewritten


def set_commit_url(html_dir: Path, url: str) -> None:
    index = html_dir / "index.json"
    data = json.loads(index.read_text())
    data["show_commit_url"] = url
    index.write_text(json.dumps(data))


def finish_site(html_dir: Path, commit_url: str | None) -> None:
    """Everything the published site needs after ``asv publish`` (see the module docstring)."""
    vendor_assets(html_dir)
    if commit_url is not None:
        set_commit_url(html_dir, commit_url)
    (html_dir / ".nojekyll").touch()
