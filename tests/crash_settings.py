"""The project's settings plus the crash hooks of ``tests/crash_hooks.py`` (``SCRAPY_SETTINGS_MODULE=crash_settings``)."""

from newscrawl.settings import *  # noqa: F403 - the project's settings, unchanged
from newscrawl.settings import EXTENSIONS, ITEM_PIPELINES

EXTENSIONS = {**EXTENSIONS, "crash_hooks.KillAfterExport": 0}
ITEM_PIPELINES = {**ITEM_PIPELINES, "crash_hooks.KillBeforeExport": 999}
CRASH_AT = None  # "exported:N" or "pending:N"
