"""py3langid's model, memory-mapped from an uncompressed copy on disk instead of loaded into each process.

py3langid ships its model LZMA-compressed and loads it into memory: 0.8 s
at every start and 75 MB (27 MB of feature weights, 37 MB of the byte
automaton, 8 MB of Python lists). The extraction workers are forked from a
template that loaded it, so they share those pages, but each process still
counts them all in its RSS: 225 MB of a crawl's summed RSS for a template
and two workers (``make bench``).

Here the model's arrays are written once, uncompressed, to a cache file
(``$NEWSCRAWL_CACHE_DIR``, else ``$XDG_CACHE_HOME/newscrawl``, else
``~/.cache/newscrawl``; about 65 MB), and every later process maps that
file read-only. A process then holds only the pages of the model it reads
(a few MB for text in a handful of languages), from the page cache, where
the kernel can drop them under pressure; and it starts in milliseconds.

The file is named after py3langid's version and the model file's size and
modification time, written under a temporary name and renamed into place
(so concurrent crawls never read a partial one), and checked when opened
(its magic, name and length). When it cannot be written or read, the model
is loaded as py3langid loads it, as before.
"""

from __future__ import annotations

import json
import logging
import mmap
import os
import tempfile
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np
from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

logger = logging.getLogger(__name__)

MAGIC = b"newscrawl-langid-1\n"
_ALIGN = 64


def cache_dir() -> Path:
    """Where cached files go: ``$NEWSCRAWL_CACHE_DIR``, ``$XDG_CACHE_HOME/newscrawl`` or ``~/.cache/newscrawl``."""
    if os.environ.get("NEWSCRAWL_CACHE_DIR"):
        return Path(os.environ["NEWSCRAWL_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "newscrawl"


def model_path() -> Path:
    """py3langid's own model file."""
    return MODEL_DIR / MODEL_FILE


def cache_path(folder: Path | None = None) -> Path:
    """The mapped model's file for the installed py3langid and its model."""
    stat = model_path().stat()
    name = f"langid-{version('py3langid')}-{stat.st_size}-{stat.st_mtime_ns}.bin"
    return (folder or cache_dir()) / name


def load_identifier(*, norm_probs: bool = True, folder: Path | None = None) -> LanguageIdentifier:
    """py3langid's identifier over the mapped model (written first if need be); loaded in memory if that fails."""
    try:
        return _mapped_identifier(cache_path(folder), norm_probs=norm_probs)
    except (OSError, ValueError, TypeError, KeyError) as exc:
        logger.warning("language model not mapped from a cache file (%s); loading it into memory (75 MB a process; "
                       "NEWSCRAWL_CACHE_DIR names a writable folder for it)", exc)
        return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=norm_probs)


def _mapped_identifier(path: Path, *, norm_probs: bool) -> LanguageIdentifier:
    arrays, classes = _open(path) if path.exists() else (None, None)
    if arrays is None:
        write_model(path)
        arrays, classes = _open(path)
        if arrays is None:
            msg = f"{path} is not a newscrawl language model"
            raise ValueError(msg)
    # The constructor derives row offsets from tk_row in a Python list (4 MB a process): given none, then
    # handed the offsets precomputed in the file.
    identifier = LanguageIdentifier(
        arrays["ptc"], arrays["pc"], classes, _ints(arrays["nextmove"]), _ints(arrays["output"]),
        norm_probs=norm_probs, tk_row=[],
    )
    identifier.tk_row = _ints(arrays["row"])
    identifier._rowbase = _ints(arrays["rowbase"])  # py3langid's private name: the test compares answers
    return identifier


def _ints(array: np.ndarray) -> memoryview:
    """A read-only view whose items are Python ints (py3langid's automaton indexes them one by one)."""
    return memoryview(array).cast("B").cast(array.dtype.char)


def write_model(path: Path) -> None:
    """Write py3langid's model, uncompressed, to ``path`` (atomically: a temporary file renamed into place)."""
    from py3langid.modelio import load_model  # noqa: PLC0415

    ptc, pc, classes, nextmove, row, output = load_model(model_path())
    rows = np.frombuffer(row, dtype=np.dtype(row.typecode))
    arrays = {
        "ptc": np.ascontiguousarray(ptc),
        "pc": np.ascontiguousarray(pc),
        "nextmove": np.frombuffer(nextmove, dtype=np.dtype(nextmove.typecode)),
        "row": rows,
        "rowbase": rows.astype(np.uint32) << np.uint32(8),  # what py3langid's constructor derives, precomputed
        "output": np.asarray(output, dtype=np.int32),
    }
    layout: dict[str, Any] = {"name": path.name, "classes": list(classes), "arrays": {}}
    offset = 0
    for name, array in arrays.items():
        layout["arrays"][name] = [array.dtype.str, list(array.shape), offset]
        offset += -(-array.nbytes // _ALIGN) * _ALIGN
    layout["data_bytes"] = offset
    header = MAGIC + json.dumps(layout).encode() + b"\n"
    header += b"\0" * (-(8 + len(header)) % _ALIGN)  # the arrays start aligned
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".langid-", suffix=".tmp", delete=False) as out:
        try:
            out.write(len(header).to_bytes(8, "little"))
            out.write(header)
            base = out.tell()
            for name, array in arrays.items():
                out.seek(base + layout["arrays"][name][2])
                out.write(array.tobytes())
            out.truncate(base + offset)
            out.flush()
            os.fchmod(out.fileno(), 0o644)  # as any file written (the temporary file is private)
            os.fsync(out.fileno())
            # Out of the page cache again: written at once, it is cached in large blocks (folios), and a process
            # that reads one number would map a whole block. Read back row by row, it is cached in pages.
            _fadvise(out.fileno(), "POSIX_FADV_DONTNEED")
        except BaseException:
            out.close()
            os.unlink(out.name)
            raise
    os.replace(out.name, path)


def _fadvise(fd: int, advice: str) -> None:
    """``posix_fadvise`` over the whole file, where the system has it (Linux; not macOS)."""
    if hasattr(os, "posix_fadvise"):
        os.posix_fadvise(fd, 0, 0, getattr(os, advice))


def _open(path: Path) -> tuple[dict[str, np.ndarray] | None, list[str] | None]:
    """The arrays of the file at ``path``, mapped read-only, and the classes; (None, None) if it is not whole.

    The file is read without read-ahead (``POSIX_FADV_RANDOM``, ``MADV_RANDOM``): the automaton and the
    weights are read a row here and there, and read-ahead would bring whole neighbourhoods into the process.
    """
    fd = os.open(path, os.O_RDONLY)
    try:
        _fadvise(fd, "POSIX_FADV_RANDOM")
        size = os.fstat(fd).st_size
        header_size = int.from_bytes(os.pread(fd, 8, 0), "little")
        header = os.pread(fd, header_size, 8) if 8 + header_size <= size else b""
        if not header.startswith(MAGIC):
            return None, None
        layout = json.loads(header[len(MAGIC):].split(b"\n", 1)[0])
        base = 8 + header_size
        if layout.get("name") != path.name or size != base + layout["data_bytes"]:
            return None, None
        mapped = mmap.mmap(fd, 0, access=mmap.ACCESS_READ)
    finally:
        os.close(fd)
    if hasattr(mmap, "MADV_RANDOM"):
        mapped.madvise(mmap.MADV_RANDOM)
    arrays = {}
    for name, (dtype, shape, offset) in layout["arrays"].items():
        count = int(np.prod(shape)) if shape else 1
        arrays[name] = np.frombuffer(mapped, dtype=np.dtype(dtype), count=count, offset=base + offset).reshape(shape)
    return arrays, layout["classes"]
