"""A bad ``-s NEWSCRAWL_*`` value stops the crawl before any request, with one line naming it.

Without this check a value like ``-s NEWSCRAWL_VALIDATE_MIN_BODY_CHARS=abc``
surfaces as a traceback from whichever component reads it first, and a
misspelt name (``NEWSCRAWL_RETRY_AFTER_MAXDELAY``) is silently ignored.

:func:`settings_problems` checks every ``NEWSCRAWL_*`` setting against its
default in :mod:`newscrawl.settings`: a setting whose default is a bool,
an int or a float must read as one (and a number must not be negative);
a list or dict must parse; a name that ``settings.py`` does not define is
an error, with the closest known names. Settings whose default is None or
a string take any value (their component checks them).

:class:`SettingsCheck` runs it as the first extension on the settings users
give (``-s``, or spider arguments that set settings; the defaults in
``settings.py`` are checked by a test) and ends ``scrapy crawl`` with one
line per problem and exit status 2, as a bad spider argument does (see
:meth:`newscrawl.spiders.news.NewsSpider.from_crawler`).
"""

from __future__ import annotations

import difflib
import sys
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import NotConfigured
from scrapy.settings import SETTINGS_PRIORITIES

if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Self

    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings

PREFIX = "NEWSCRAWL_"


def declared_defaults() -> dict[str, Any]:
    """Every ``NEWSCRAWL_*`` setting :mod:`newscrawl.settings` defines, with its default."""
    from newscrawl import settings as project  # noqa: PLC0415

    return {name: getattr(project, name) for name in dir(project) if name.startswith(PREFIX)}


def _kind(default: Any) -> str | None:
    """The kind of value a default asks for: bool, int, float, list, dict, or None (anything)."""
    for kind in (bool, int, float, list, dict):  # bool before int: True is an int
        if isinstance(default, kind):
            return kind.__name__
    return None


_READERS = {"bool": "getbool", "int": "getint", "float": "getfloat", "list": "getlist", "dict": "getdict"}
_EXPECTED = {
    "bool": "True or False",
    "int": "a whole number, 0 or more",
    "float": "a number, 0 or more",
    "list": "a comma-separated list",
    "dict": "a JSON object",
}


def _function_problem(path: str) -> str | None:
    """Why ``module:function`` cannot be loaded (the module imported here, as the crawl would), or None."""
    from newscrawl.pool import load_function  # noqa: PLC0415 - light; the function's own module is the cost

    try:
        load_function(path)
    except (ImportError, AttributeError, ValueError, TypeError) as exc:
        return f"cannot be loaded ({type(exc).__name__}: {exc})"
    return None


# String settings that name something to load: checked by loading it, not by kind.
_LOADED = {"NEWSCRAWL_EXTRACT_FUNCTION": _function_problem}


def settings_problems(
    settings: BaseSettings, defaults: Mapping[str, Any] | None = None, *, min_priority: str = "default"
) -> list[str]:
    """One line per unusable ``NEWSCRAWL_*`` setting in ``settings`` (empty when all are fine).

    Only settings set at ``min_priority`` or above are checked (see
    Scrapy's ``SETTINGS_PRIORITIES``).
    """
    defaults = declared_defaults() if defaults is None else defaults
    floor = SETTINGS_PRIORITIES[min_priority]
    problems = []
    for name in sorted(k for k in settings if k.startswith(PREFIX) and (settings.getpriority(k) or 0) >= floor):
        value = settings[name]
        if name not in defaults:
            # compared without the shared prefix, which would make every name look close
            stems = {known.removeprefix(PREFIX): known for known in defaults}
            close = [stems[s] for s in difflib.get_close_matches(name.removeprefix(PREFIX), stems, n=2, cutoff=0.75)]
            hint = f"; did you mean {' or '.join(close)}?" if close else ""
            problems.append(f"{name}: unknown setting{hint}")
            continue
        if name in _LOADED and value:
            problem = _LOADED[name](str(value))
            if problem:
                problems.append(f"{name}={value}: {problem}")
            continue
        kind = _kind(defaults[name])
        if kind is None or value is None:
            continue
        try:
            read = getattr(settings, _READERS[kind])(name)
        except (TypeError, ValueError):
            read = None
        if read is None or (kind in ("int", "float") and read < 0):
            problems.append(f"{name}={value}: expected {_EXPECTED[kind]} (default {defaults[name]!r})")
    return problems


class SettingsCheck:
    """Checks the ``NEWSCRAWL_*`` settings before anything else runs; a problem ends the crawl (exit 2)."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        try:
            enabled = crawler.settings.getbool("NEWSCRAWL_SETTINGS_CHECK_ENABLED", True)
        except ValueError:
            enabled = True  # a bad value of this very setting is reported below
        if not enabled:
            raise NotConfigured("NEWSCRAWL_SETTINGS_CHECK_ENABLED is off")
        # what users give (-s, and spider arguments that set settings); settings.py is tested
        problems = settings_problems(crawler.settings, min_priority="spider")
        if problems:
            command = f"scrapy crawl {getattr(crawler.spidercls, 'name', '')}".rstrip()
            for problem in problems:
                print(f"{command}: error: -s {problem}", file=sys.stderr, flush=True)
            # Like a bad spider argument: SystemExit is the one exception that leaves
            # Scrapy's crawl task as a clean exit instead of a logged traceback.
            raise SystemExit(2)
        return cls()
