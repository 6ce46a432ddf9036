"""The published site is self-contained (tools/bench_site.py) and the data lock is kept."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import asv
import pytest

from tools.asvtool import ToolError
from tools.bench_data import problems
from tools.bench_site import VENDORED, finish_site, vendor_assets

ASV_WWW = Path(asv.__file__).parent / "www"
EXTERNAL = re.compile(r'<(?:script|link)\b[^>]*(?:src|href)="https?://')
LOCAL = re.compile(r'<(?:script|link)\b[^>]*(?:src|href)="(vendor/[^"]+)"')


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """asv's own page templates, as ``asv publish`` copies them."""
    shutil.copytree(ASV_WWW, tmp_path / "html")
    return tmp_path / "html"


def test_every_cdn_tag_of_asv_points_at_a_vendored_file(site: Path) -> None:
    page = site / "index.html"
    assert EXTERNAL.search(page.read_text()), "asv's page no longer uses CDNs: drop the vendoring"
    assert vendor_assets(site) == len(VENDORED)
    text = page.read_text()
    assert not EXTERNAL.search(text)
    for relative in LOCAL.findall(text):
        assert (site / relative).is_file(), relative


def test_an_unknown_cdn_file_is_an_error(site: Path) -> None:
    """An asv upgrade that loads something new must not silently publish a broken site."""
    page = site / "index.html"
    extra = '<script src="https://cdn.example.org/new-lib.js"></script>\n</head>'
    page.write_text(page.read_text().replace("</head>", extra, 1))
    with pytest.raises(ToolError, match=r"new-lib\.js"):
        vendor_assets(site)


def test_finish_site_sets_commit_links_and_nojekyll(site: Path) -> None:
    (site / "index.json").write_text('{"show_commit_url": "#", "project": "planalign"}')
    finish_site(site, "https://github.com/owner/planalign/commit/")
    assert (site / ".nojekyll").is_file()
    assert (
        '"show_commit_url": "https://github.com/owner/planalign/commit/"'
        in (site / "index.json").read_text()
    )


def test_data_lock_names_changed_new_and_removed_getters() -> None:
    locked = {"kept": {"fingerprint": "a"}, "edited": {"fingerprint": "b"}, "gone": {}}
    found = {"kept": {"fingerprint": "a"}, "edited": {"fingerprint": "c"}, "added": {}}
    messages = problems(locked, found)
    assert len(messages) == 3
    assert any(m.startswith("edited: output changed") for m in messages)
    assert any(m.startswith("added: new getter") for m in messages)
    assert any(m.startswith("gone: locked getter was removed") for m in messages)
