"""Deployment: the project deployed to a real scrapyd with scrapyd-deploy, a crawl scheduled there, its items read back.

As the README tells users: scrapyd (with newscrawl's dependencies in its
environment) runs on 127.0.0.1, ``scrapyd-deploy`` builds the egg from
``scrapy.cfg`` and ``setup.py`` and uploads it, ``schedule.json`` starts the
``news`` spider with spider arguments and ``setting=NAME=VALUE``, and the
items land in scrapyd's ``items_dir``. The project files are copied to a
temporary folder first, so the egg build (``build/``, ``*.egg-info``) never
touches the working tree; the deploy target's URL comes from a user-level
``scrapy.cfg`` (``$XDG_CONFIG_HOME/scrapy.cfg``), as a user would keep it,
so the committed ``scrapy.cfg`` stays as ``scrapy crawl`` needs it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING, Any

from conftest import DEMO_SITE, ROOT
from processes import free_port, stop_process

if TYPE_CHECKING:
    from fixture_site import FixtureSite

BIN = Path(sys.executable).parent
FIXTURES = ROOT / "fixtures" / "newscrawl.extraction.pages.GenericArticlePage"
# What scrapyd-deploy needs from the project: the config, the egg recipe and the package.
PROJECT_FILES = ("scrapy.cfg", "setup.py", "pyproject.toml", "README.md", "newscrawl")


def call(base: str, endpoint: str, data: list[tuple[str, str]] | None = None) -> dict[str, Any]:
    """A scrapyd JSON API call (POST when ``data`` is given)."""
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    with urllib.request.urlopen(f"{base}/{endpoint}", data=body, timeout=10) as resp:
        return json.loads(resp.read())


def wait_for(predicate: Any, timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if result := predicate():
                return result
        except OSError:
            pass
        time.sleep(0.2)
    msg = f"timed out waiting for {what}"
    raise AssertionError(msg)


def test_project_deploys_to_scrapyd_and_a_scheduled_crawl_writes_the_articles(demo_site: FixtureSite, tmp_path: Path) -> None:
    """scrapyd-deploy uploads the project, schedule.json crawls the demo site, and scrapyd's items file holds its articles."""
    home = tmp_path / "scrapyd"
    home.mkdir()
    port = free_port()
    (home / "scrapyd.conf").write_text(f"""[scrapyd]
bind_address = 127.0.0.1
http_port = {port}
eggs_dir = {home / "eggs"}
logs_dir = {home / "logs"}
items_dir = {home / "items"}
dbs_dir = {home / "dbs"}
poll_interval = 0.2
max_proc = 1
""", encoding="utf-8")
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "xdg")}
    (tmp_path / "xdg").mkdir()
    (tmp_path / "xdg" / "scrapy.cfg").write_text(f"[deploy:local]\nurl = {base}/\nproject = newscrawl\n", encoding="utf-8")
    project = tmp_path / "project"
    project.mkdir()
    for name in PROJECT_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, project / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, project / name)
    with (home / "scrapyd.out").open("wb") as out:
        scrapyd = subprocess.Popen(
            [str(BIN / "scrapyd")], cwd=home, env=env, stdout=out, stderr=subprocess.STDOUT,
        )
    try:
        wait_for(lambda: call(base, "daemonstatus.json")["status"] == "ok", 20, "scrapyd to answer")
        deploy = subprocess.run(
            [str(BIN / "scrapyd-deploy"), "local", "--version", "r1"],
            cwd=project, env=env, capture_output=True, text=True, timeout=60, check=False,
        )
        assert deploy.returncode == 0, deploy.stderr[-3000:]
        assert json.loads(deploy.stdout)["status"] == "ok", deploy.stdout
        assert call(base, "listspiders.json?project=newscrawl")["spiders"] == ["news"]
        job = call(base, "schedule.json", [
            ("project", "newscrawl"), ("spider", "news"), ("url", demo_site.url("/")),
            # absolute paths, as the README says: a scrapyd job runs in scrapyd's folder
            ("setting", f"NEWSCRAWL_STATE_PATH={tmp_path / 'state.sqlite3'}"),
            ("setting", "AUTOTHROTTLE_ENABLED=False"), ("setting", "DOWNLOAD_DELAY=0"),
            ("setting", "TELNETCONSOLE_ENABLED=False"),
        ])
        assert job["status"] == "ok", job
        jobid = job["jobid"]

        def finished() -> bool:
            return any(j["id"] == jobid for j in call(base, "listjobs.json?project=newscrawl")["finished"])

        wait_for(finished, 60, "the crawl to finish")
        items_file = home / "items" / "newscrawl" / "news" / f"{jobid}.jl"
        log = (home / "logs" / "newscrawl" / "news" / f"{jobid}.log").read_text("utf-8")
    finally:
        stop_process(scrapyd)
    assert "Traceback" not in log, log[-3000:]
    assert items_file.exists(), log[-3000:]
    items = [json.loads(line) for line in items_file.read_text("utf-8").splitlines() if line.strip()]
    manifest = json.loads((DEMO_SITE / "MANIFEST.json").read_text("utf-8"))
    by_url = {item["url"]: item for item in items}
    assert set(by_url) == {demo_site.url(path) for path in manifest["articles"]}
    for path, case in manifest["articles"].items():
        expected = json.loads((FIXTURES / case / "output.json").read_text("utf-8"))
        got = by_url[demo_site.url(path)]
        assert (got["headline"], got["body"], got["authors"]) == (expected["headline"], expected["body"], expected["authors"]), case
    assert "newscrawl/extract/workers" in log  # extraction ran in the forked worker pool under scrapyd too
    assert (tmp_path / "state.sqlite3").exists()


def test_committed_scrapy_cfg_has_a_default_deploy_target(tmp_path: Path, monkeypatch: Any) -> None:
    """`scrapyd-deploy` with no target (as the README says) deploys project newscrawl to the local scrapyd."""
    from scrapyd_client.utils import _get_targets  # noqa: PLC0415 - scrapyd-client is a test dependency only

    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))  # no user-level scrapy.cfg
    monkeypatch.setenv("HOME", str(tmp_path))
    target = _get_targets()["default"]
    assert (target["url"], target["project"]) == ("http://localhost:6800/", "newscrawl")
