"""What the crawl process imports at start-up: not what it does not use (aiohttp, datasketch, scipy, the extractor)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from scrapy.utils.project import get_project_settings
from scrapy.utils.test import get_crawler

ROOT = Path(__file__).resolve().parents[1]

_CODE = """
import sys
from scrapy.utils.project import get_project_settings
from scrapy.utils.reactor import install_reactor
from scrapy.utils.test import get_crawler
from newscrawl.spiders.news import NewsSpider
install_reactor("twisted.internet.asyncioreactor.AsyncioSelectorReactor")
# get_crawler builds the extensions as a crawl does (Crawler._apply_settings); the other components are imported
# as the engine imports them
crawler = get_crawler(NewsSpider, settings_dict={**get_project_settings().copy_to_dict(), **dict(a.split("=", 1) for a in sys.argv[1:])})
from scrapy.utils.misc import load_object
for name in ("ITEM_PIPELINES", "SPIDER_MIDDLEWARES", "DOWNLOADER_MIDDLEWARES"):
    for path, order in crawler.settings.getwithbase(name).items():
        if order is not None:
            load_object(path)
print(sorted(m for m in ("aiohttp", "scrapy.extensions.remote_control", "datasketch", "scipy", "newscrawl.extraction.dates",
                          "trafilatura") if m in sys.modules))
print(sorted(type(e).__module__ + "." + type(e).__name__ for e in crawler.extensions.middlewares))
"""


def _crawler_modules(*settings: str) -> tuple[str, str]:
    proc = subprocess.run([sys.executable, "-c", _CODE, *settings], cwd=ROOT, capture_output=True, text=True, check=True)
    imported, extensions = proc.stdout.strip().splitlines()[-2:]
    return imported, extensions


def test_the_crawl_process_imports_no_aiohttp_while_remote_control_is_off() -> None:
    """With the project settings, Scrapy's remote-control module (and aiohttp with it) is never imported."""
    imported, extensions = _crawler_modules()
    assert imported == "[]"
    assert "RemoteControl" not in extensions and "newscrawl.extensions.CrawlSummary" in extensions


def test_remote_control_still_works_when_switched_on() -> None:
    """REMOTE_CONTROL_ENABLED=True gives Scrapy's own RemoteControl extension, through newscrawl's stand-in."""
    imported, extensions = _crawler_modules("REMOTE_CONTROL_ENABLED=True")
    assert "'scrapy.extensions.remote_control'" in imported
    assert "scrapy.extensions.remote_control.RemoteControl" in extensions


def test_scrapys_other_extensions_are_all_kept() -> None:
    """EXTENSIONS_BASE is Scrapy's, less RemoteControl only (its stand-in is in EXTENSIONS)."""
    from scrapy.settings import default_settings  # noqa: PLC0415

    settings = get_project_settings()
    ours = settings.getdict("EXTENSIONS_BASE")
    assert ours == {k: v for k, v in default_settings.EXTENSIONS_BASE.items() if not k.endswith(".RemoteControl")}
    assert len(ours) == len(default_settings.EXTENSIONS_BASE) - 1
    assert settings.getdict("EXTENSIONS")["newscrawl.extensions.RemoteControl"] == 0
    assert get_crawler(settings_dict={"EXTENSIONS_BASE": ours}) is not None
