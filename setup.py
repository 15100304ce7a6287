"""Only for scrapyd-deploy, which builds the egg it uploads to scrapyd with ``python setup.py bdist_egg``.

pip, ``make install`` and every other build use hatchling (pyproject.toml)
and never run this file. setuptools (77 or later, for the SPDX ``license``)
reads the name, dependencies and the ``scrapy`` entry point scrapyd needs
from pyproject.toml; this file adds what hatchling computes there: the
version and the package list (only ``newscrawl``, not tests or benchmarks).
"""

import re
from pathlib import Path

from setuptools import find_packages, setup

_INIT = (Path(__file__).resolve().parent / "newscrawl" / "__init__.py").read_text("utf-8")
VERSION = re.search(r'^__version__ = "([^"]+)"', _INIT, re.MULTILINE)[1]

setup(version=VERSION, packages=find_packages(include=["newscrawl", "newscrawl.*"]))
