"""py3langid's model, mapped from an uncompressed cache file: same answers, written once, a fraction of the memory."""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest
from py3langid.langid import MODEL_FILE, LanguageIdentifier

from newscrawl.extraction import langmodel

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

TEXTS = [
    "The city council voted on Tuesday to extend the tram line to the northern suburbs, ending a long debate.",
    "Der Stadtrat hat am Dienstag beschlossen, die Straßenbahnlinie in die nördlichen Vororte zu verlängern.",
    "Le conseil municipal a voté mardi la prolongation de la ligne de tramway vers les quartiers nord.",
    "El ayuntamiento aprobó el martes la ampliación de la línea de tranvía hacia los barrios del norte.",
    "Il consiglio comunale ha approvato martedì il prolungamento della linea del tram verso i quartieri nord.",
    "Городской совет во вторник проголосовал за продление трамвайной линии в северные пригороды.",
    "市议会周二投票决定将有轨电车线路延长至北部郊区，结束了长达十多年的辩论。",  # noqa: RUF001 - Chinese punctuation
    "市議会は火曜日、路面電車の路線を北部郊外まで延長することを決議した。",
    "صوت مجلس المدينة يوم الثلاثاء على تمديد خط الترام إلى الضواحي الشمالية",
    "Rada miasta zagłosowała we wtorek za przedłużeniem linii tramwajowej do północnych przedmieść.",
    "Kaupunginvaltuusto päätti tiistaina jatkaa raitiotietä pohjoisiin lähiöihin.",
    "x",
    "",
    "1234 5678 !!!",
]


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One cache folder for the module's tests (the file is 65 MB), removed after them."""
    folder = tmp_path_factory.mktemp("langid-cache")
    yield folder
    shutil.rmtree(folder)


@pytest.fixture(scope="module")
def reference() -> LanguageIdentifier:
    """py3langid's identifier, loaded as py3langid loads it."""
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def test_the_mapped_model_answers_as_py3langids_own(cache: Path, reference: LanguageIdentifier) -> None:
    """Labels, probabilities and the full ranking are py3langid's, on a dozen languages and degenerate texts."""
    mapped = langmodel.load_identifier(folder=cache)
    assert isinstance(mapped.tk_nextmove, memoryview)  # mapped, not the in-memory fallback
    for text in TEXTS:
        assert mapped.classify(text) == reference.classify(text), text
        assert mapped.rank(text) == reference.rank(text), text
    assert mapped.classify(TEXTS[1])[0] == "de"


def test_the_cache_file_is_written_once_and_reused(cache: Path) -> None:
    """A load writes the file if need be (named after py3langid's version and model); later loads only map it."""
    langmodel.load_identifier(folder=cache)
    path = langmodel.cache_path(cache)
    assert [p.name for p in cache.iterdir()] == [path.name]  # no temporary file left
    assert path.name.startswith("langid-") and path.stat().st_size > 50 * 2**20
    assert path.stat().st_mode & 0o777 == 0o644  # readable by the other users of a shared cache
    written = path.stat().st_mtime_ns
    os.utime(path, ns=(written - 10**9, written - 10**9))
    langmodel.load_identifier(folder=cache)
    assert path.stat().st_mtime_ns == written - 10**9  # not written again


@pytest.mark.parametrize("damage", ["truncate", "garbage", "empty"])
def test_a_damaged_cache_file_is_written_again(cache: Path, damage: str, reference: LanguageIdentifier) -> None:
    """A file cut short (a full disk, a killed writer) or not ours is replaced, and the model answers right."""
    path = langmodel.cache_path(cache)
    langmodel.load_identifier(folder=cache)
    size = path.stat().st_size
    if damage == "truncate":
        os.truncate(path, size - 4096)
    elif damage == "garbage":
        path.write_bytes(b"\x10" + b"\0" * 7 + b"not a model at all")
    else:
        path.write_bytes(b"")
    mapped = langmodel.load_identifier(folder=cache)
    assert path.stat().st_size == size
    assert isinstance(mapped.tk_nextmove, memoryview)
    assert mapped.classify(TEXTS[2]) == reference.classify(TEXTS[2])


def test_an_unwritable_cache_folder_falls_back_to_loading_in_memory(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, reference: LanguageIdentifier
) -> None:
    """Where the cache cannot be written, the model is loaded as py3langid loads it, and says so in the log."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    with caplog.at_level(logging.WARNING, logger="newscrawl.extraction.langmodel"):
        identifier = langmodel.load_identifier(folder=blocker)
    assert not isinstance(identifier.tk_nextmove, memoryview)
    assert identifier.classify(TEXTS[0]) == reference.classify(TEXTS[0])
    assert "loading it into memory" in caplog.text and "NEWSCRAWL_CACHE_DIR" in caplog.text


def test_the_cache_folder_follows_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """``NEWSCRAWL_CACHE_DIR``, else ``$XDG_CACHE_HOME/newscrawl``, else ``~/.cache/newscrawl``."""
    monkeypatch.setenv("NEWSCRAWL_CACHE_DIR", str(tmp_path / "mine"))
    assert langmodel.cache_dir() == tmp_path / "mine"
    monkeypatch.delenv("NEWSCRAWL_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert langmodel.cache_dir() == tmp_path / "xdg" / "newscrawl"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert langmodel.cache_dir() == tmp_path / "home" / ".cache" / "newscrawl"


_MEMORY_PROBE = """
import json, re, sys
from pathlib import Path
def rss():
    status = open("/proc/self/status").read()
    return sum(int(re.search(k + r":\\s+(\\d+)", status).group(1)) for k in ("RssAnon", "RssFile")) * 1024
from py3langid.langid import MODEL_FILE, LanguageIdentifier
from newscrawl.extraction import langmodel
texts = json.loads(sys.argv[2])
before = rss()
if sys.argv[1] == "mapped":
    identifier = langmodel.load_identifier(folder=Path(sys.argv[3]))
else:
    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
for text in texts:
    identifier.classify(text)
print(rss() - before)
"""


def test_a_process_holds_only_the_part_of_the_mapped_model_it_reads(cache: Path) -> None:
    """Classifying text in a few languages brings a fraction of the model into the process (75 MB in memory)."""
    langmodel.load_identifier(folder=cache)  # written by another process, as a crawl's workers find it
    texts = json.dumps([text * 20 for text in TEXTS[:6]] * 5)
    grown = {}
    for how in ("in-memory", "mapped"):
        out = subprocess.run([sys.executable, "-c", _MEMORY_PROBE, how, texts, str(cache)],
                             capture_output=True, text=True, check=True)
        grown[how] = int(out.stdout)
    assert grown["in-memory"] > 60 * 2**20
    assert grown["mapped"] < grown["in-memory"] / 3, grown
