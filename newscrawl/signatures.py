"""MinHash signatures of article texts, with numpy alone.

What the extraction workers compute for the incremental state (see
:mod:`newscrawl.state`): the word shingles of a text, their 32-bit hashes
(``poly64``, or ``sha1`` for databases made before it), and the hash
values of datasketch's ``affine32`` MinHash of them with our seed, in
datasketch's serialised format; and what the crawl process does with
them: :class:`Signature` (compare, store, read back) and
:func:`lsh_params` (the LSH index's bands and rows). datasketch itself
is not imported anywhere at run time: with scipy, which it imports, it
cost every crawl 0.5 s of start-up and 47 MB. The values, bytes and LSH
parameters are tested equal to datasketch's.
"""

from __future__ import annotations

import hashlib
import re
import struct
from functools import lru_cache
from typing import Any

import numpy as np

MINHASH_SEED = 1  # fixed: signatures made with another seed are not comparable
MINHASH_SCHEME = "affine32"  # datasketch's hashing scheme; pinned because signatures are stored

_WORD = re.compile(r"\w+")


def shingles(text: str, words: int) -> set[bytes]:
    """The word ``words``-grams of ``text``, lower-cased, punctuation ignored (a short text is one shingle)."""
    tokens = _WORD.findall(text.lower())
    if not tokens:
        return set()
    if len(tokens) <= words:
        return {" ".join(tokens).encode("utf-8")}
    return {" ".join(gram).encode("utf-8") for gram in zip(*(tokens[i:] for i in range(words)))}


_MINHASH_ROWS = 256  # hashes permuted at once: a block of rows x num_perm uint32 (128 KiB at 128), kept in cache
_MINHASH_BLOCKS: dict[int, np.ndarray] = {}  # num_perm -> the block, allocated once (not a fresh array per text)


def minhash_values(hashes: np.ndarray, num_perm: int) -> np.ndarray:
    """The hash values of datasketch's ``affine32`` MinHash (seed :data:`MINHASH_SEED`) of 32-bit ``hashes``.

    datasketch mixes each hash with MurmurHash3's 32-bit finalizer, applies
    the permutations ``a * h + b`` modulo 2**32 and keeps each one's
    minimum: the same operations here, in uint32, a block of rows at a time
    in one reused array that stays in cache (not a fresh 650 KB array for
    a 1,300-word article).
    """
    a, b = _permutations(num_perm)
    h = hashes.astype(np.uint32)  # a copy: mixed in place below
    h ^= h >> np.uint32(16)
    h *= np.uint32(0x85EBCA6B)
    h ^= h >> np.uint32(13)
    h *= np.uint32(0xC2B2AE35)
    h ^= h >> np.uint32(16)
    block = _MINHASH_BLOCKS.get(num_perm)
    if block is None:
        block = _MINHASH_BLOCKS[num_perm] = np.empty((_MINHASH_ROWS, num_perm), dtype=np.uint32)
    values = np.full(num_perm, np.iinfo(np.uint32).max, dtype=np.uint32)
    for start in range(0, len(h), _MINHASH_ROWS):
        rows = h[start : start + _MINHASH_ROWS, None]
        out = block[: len(rows)]
        np.multiply(rows, a, out=out)
        out += b
        np.minimum(values, out.min(axis=0), out=values)
    return values


# poly64: a shingle's hash is a polynomial hash of its characters modulo 2**64 (an odd base, so the base has an
# inverse and a substring's hash can be taken from prefix sums whatever its position), mixed with MurmurHash3's
# 64-bit finalizer and cut to its high 32 bits. All shingles of a text are hashed at once with numpy: about
# 0.2 ms a 1,300-word article (words split with numpy too), against 1.3 ms for a SHA-1 of each shingle in a
# Python loop.
_POLY_BASE = 0x9E3779B97F4A7C15
_POLY_POWERS = np.ones(1, dtype=np.uint64)
_POLY_INVERSES = np.ones(1, dtype=np.uint64)


def _poly_powers(n: int) -> tuple[np.ndarray, np.ndarray]:
    """(base**i, base**-i) modulo 2**64 for i < n, as uint64 (computed once, grown as needed)."""
    global _POLY_POWERS, _POLY_INVERSES  # noqa: PLW0603 - a cache of constants
    if len(_POLY_POWERS) < n:
        size = max(n, 2 * len(_POLY_POWERS), 1 << 16)
        _POLY_POWERS = _geometric(_POLY_BASE, size)
        _POLY_INVERSES = _geometric(pow(_POLY_BASE, -1, 1 << 64), size)
    return _POLY_POWERS[:n], _POLY_INVERSES[:n]


def _geometric(base: int, size: int) -> np.ndarray:
    """base**0, base**1, ... base**(size - 1) modulo 2**64, as uint64."""
    steps = np.full(size, base, dtype=np.uint64)
    steps[0] = 1
    return np.cumprod(steps, dtype=np.uint64)  # wraps modulo 2**64, as wanted


def shingle_hashes(text: str, words: int) -> np.ndarray:
    """The 32-bit ``poly64`` hashes of the shingles :func:`shingles` finds, as uint32 (empty: no words).

    One hash per shingle in the text, so a repeated shingle repeats its hash
    (a MinHash keeps minima: repeats do not change it, and sorting them out
    would cost more than they do). The shingle "w1 w2 ... wn" is a
    substring of the text's words joined by single spaces, so its hash
    comes from prefix sums of that string.
    """
    joined, starts, ends = _joined_words(text.lower())
    if not starts.size:
        return np.empty(0, dtype=np.uint32)
    codes = joined.astype(np.uint64)
    powers, inverses = _poly_powers(len(codes))
    prefix = np.zeros(len(codes) + 1, dtype=np.uint64)
    np.cumsum(codes * powers, out=prefix[1:])
    count = max(1, len(starts) - words + 1)
    first, last = starts[:count], ends[min(words, len(starts)) - 1 :][:count]
    h = (prefix[last] - prefix[first]) * inverses[first]
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xFF51AFD7ED558CCD)
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xC4CEB9FE1A85EC53)
    h ^= h >> np.uint64(33)
    return (h >> np.uint64(32)).astype(np.uint32)


# Which characters are word characters (``\\w``): a table for the Basic Multilingual Plane, made on first use
# (about 30 ms; before the extraction workers fork), and for the rare characters above it the regex itself,
# asked once for each (so the two can never disagree).
_BMP = 0x10000
_BMP_WORD: np.ndarray | None = None
_ASTRAL_WORD: dict[int, bool] = {}


def _word_table() -> np.ndarray:
    global _BMP_WORD  # noqa: PLW0603 - a cache of constants
    if _BMP_WORD is None:
        text = "".join(map(chr, range(_BMP)))  # lone surrogates included: a str may hold them
        table = np.zeros(_BMP, dtype=bool)
        for match in _WORD.finditer(text):
            table[match.start() : match.end()] = True
        _BMP_WORD = table
    return _BMP_WORD


def _is_word(codes: np.ndarray) -> np.ndarray:
    """For each code point, whether ``_WORD`` matches it."""
    table = _word_table()
    if not codes.size or codes.max() < _BMP:
        return table[codes]
    bmp = codes < _BMP
    is_word = np.zeros(len(codes), dtype=bool)
    is_word[bmp] = table[codes[bmp]]
    others, where = np.unique(codes[~bmp], return_inverse=True)
    for code in others.tolist():
        if code not in _ASTRAL_WORD:
            _ASTRAL_WORD[code] = _WORD.fullmatch(chr(code)) is not None
    is_word[~bmp] = np.array([_ASTRAL_WORD[code] for code in others.tolist()], dtype=bool)[where]
    return is_word


_SPACE = ord(" ")


def _joined_words(text: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``" ".join(_WORD.findall(text))`` as uint32 code points, with where each word starts and ends (exclusive).

    Twice as fast as ``re.findall`` and a join on a news article: each run
    of other characters becomes one space, those at either end none.
    """
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    is_word = _is_word(codes)
    keep = is_word.copy()
    keep[1:] |= is_word[:-1]  # a word's characters and the first character after it
    joined = np.where(is_word, codes, np.uint32(_SPACE))[keep]
    if joined.size and joined[-1] == _SPACE:
        joined = joined[:-1]
    if not joined.size:
        return joined, np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    spaces = np.flatnonzero(joined == _SPACE)
    return joined, np.concatenate(([0], spaces + 1)), np.concatenate((spaces, [len(joined)]))


def _sha1_hash32(data: bytes, _sha1: Any = hashlib.sha1, _from_bytes: Any = int.from_bytes) -> int:
    """datasketch's default ``sha1_hash32`` (the first 4 bytes of SHA-1, little-endian), with less call overhead."""
    return _from_bytes(_sha1(data).digest()[:4], "little")


@lru_cache(maxsize=4)
def _permutations(num_perm: int) -> tuple[np.ndarray, np.ndarray]:
    """The (a, b) of datasketch's affine32 permutations for :data:`MINHASH_SEED`, drawn as datasketch 2 draws them.

    Drawn here, not by datasketch, so that the workers need not import it
    (with scipy: 0.6 s of every crawl's start) and stored signatures do not
    depend on how a later datasketch draws them (tested against it).
    """
    gen = np.random.RandomState(MINHASH_SEED)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)  # odd: a bijection
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


_AFFINE32_CODE = 1  # datasketch's code for the affine32 scheme in its serialised format
SIGNATURE_HEADER = struct.Struct("<qiB")  # seed, minus the number of hash values, scheme code (datasketch >= 2.0, "<")


def signature_values(text: str | None, num_perm: int, shingle_words: int, shingle_hash: str) -> np.ndarray | None:
    """The MinHash hash values of a text's shingles (uint32), or None for a text without words."""
    if shingle_hash == "sha1":
        grams = shingles(text or "", shingle_words)
        hashes = np.fromiter(map(_sha1_hash32, grams), dtype=np.uint32, count=len(grams))
    else:
        hashes = shingle_hashes(text or "", shingle_words)
    return minhash_values(hashes, num_perm) if hashes.size else None


def signature_bytes(values: np.ndarray) -> bytes:
    """Hash values as datasketch serialises a LeanMinHash of our seed and scheme, little-endian."""
    values = np.asarray(values, dtype="<u4")
    return SIGNATURE_HEADER.pack(MINHASH_SEED, -len(values), _AFFINE32_CODE) + values.tobytes()


class Signature:
    """A MinHash signature: the hash values (uint32) of our seed and scheme. What datasketch's LeanMinHash holds.

    The crawl process compares and stores signatures but never makes one
    from shingles, so it needs no datasketch: importing it (and scipy with
    it) cost every crawl 0.5 s of start-up and 47 MB of memory.
    """

    __slots__ = ("hashvalues",)

    def __init__(self, hashvalues: np.ndarray) -> None:
        self.hashvalues = hashvalues

    def jaccard(self, other: Signature) -> float:
        """The estimated Jaccard similarity of the two texts: the share of equal hash values (as datasketch's)."""
        if len(other.hashvalues) != len(self.hashvalues):
            msg = f"cannot compare signatures of {len(self.hashvalues)} and {len(other.hashvalues)} hash values"
            raise ValueError(msg)
        return float(np.count_nonzero(self.hashvalues == other.hashvalues)) / len(self.hashvalues)

    def to_bytes(self) -> bytes:
        """The signature in datasketch's serialised format (little-endian): :func:`signature_bytes`."""
        return signature_bytes(self.hashvalues)

    @classmethod
    def from_bytes(cls, data: bytes) -> Signature:
        """The signature :meth:`to_bytes` wrote; ValueError for bytes that are not one (another seed or scheme, cut short)."""
        if len(data) >= SIGNATURE_HEADER.size:
            seed, count, code = SIGNATURE_HEADER.unpack_from(data)
            if seed == MINHASH_SEED and code == _AFFINE32_CODE and count < 0 and len(data) == SIGNATURE_HEADER.size - 4 * count:
                return cls(np.frombuffer(data, dtype="<u4", offset=SIGNATURE_HEADER.size).astype(np.uint32))
        msg = f"not a MinHash signature of seed {MINHASH_SEED} and scheme {MINHASH_SCHEME} ({len(data)} bytes)"
        raise ValueError(msg)


MAX_NUM_PERM = 1024  # longer signatures gain nothing for near-duplicate texts and cost storage and time


@lru_cache(maxsize=16)
def lsh_params(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows per band) of the LSH index: the ones datasketch's ``MinHashLSH`` picks (tested equal).

    Of all ``bands * rows <= num_perm``, the pair with the least mean of the
    false positive and false negative probabilities, each the integral of
    the chance ``1 - (1 - s**rows)**bands`` that a pair of similarity ``s``
    shares a bucket (or its complement) below and above the threshold.
    datasketch integrates with scipy's ``quad``; here Gauss-Legendre
    quadrature with ``num_perm // 2 + 1`` nodes, exact for these
    integrands (polynomials of degree ``bands * rows``). The first pair
    wins a tie, as in datasketch's loop. ValueError when the best has one
    band (datasketch refuses those too), or ``num_perm`` is below 2 or
    above :data:`MAX_NUM_PERM`.
    """
    from numpy.polynomial.legendre import leggauss  # noqa: PLC0415 - only when a state database opens

    if num_perm < 2:
        msg = f"a MinHash signature needs at least 2 hash values, got {num_perm}"
        raise ValueError(msg)
    if num_perm > MAX_NUM_PERM:
        msg = f"a MinHash signature of more than {MAX_NUM_PERM} hash values is not supported, got {num_perm}"
        raise ValueError(msg)
    pairs = [(b, r) for b in range(1, num_perm + 1) for r in range(1, num_perm // b + 1)]
    nodes, weights = leggauss(num_perm // 2 + 1)

    def shares_a_bucket(bands: np.ndarray, rows: np.ndarray, lo: float, hi: float) -> np.ndarray:
        """The integral of 1 - (1 - s**rows)**bands from lo to hi, for each pair."""
        s = (hi - lo) / 2 * nodes + (hi + lo) / 2
        return (hi - lo) / 2 * ((1 - (1 - s ** rows[:, None]) ** bands[:, None]) @ weights)

    errors = np.empty(len(pairs))
    for start in range(0, len(pairs), 2048):  # in blocks: pairs x nodes values at once would be 50 MB at 1,024
        block = np.array(pairs[start : start + 2048], dtype=float)
        false_positives = shares_a_bucket(block[:, 0], block[:, 1], 0.0, threshold)
        false_negatives = (1.0 - threshold) - shares_a_bucket(block[:, 0], block[:, 1], threshold, 1.0)
        errors[start : start + len(block)] = 0.5 * false_positives + 0.5 * false_negatives
    # The first pair within rounding of the least error: pairs that tie exactly (as at num_perm 2, threshold 0.5)
    # must not be told apart by the last bits of the quadrature.
    bands_found, rows_found = pairs[int(np.flatnonzero(errors <= errors.min() + 1e-12)[0])]
    if bands_found < 2:  # one band is an exact match of `rows` values, not a similarity search (datasketch refuses it too)
        msg = (f"a near-duplicate threshold of {threshold} with {num_perm} hash values leaves one LSH band: "
               "lower the threshold or use more hash values")
        raise ValueError(msg)
    return bands_found, rows_found
