"""The plain-Python MinHash, buckets and percentiles give what datasketch and numpy gave."""

from __future__ import annotations

import random
import zlib
from array import array

import numpy as np
import pytest
from datasketch import MinHash
from hypothesis import given
from hypothesis import strategies as st

import desktop_app.core.checks  # noqa: F401  (first: checks and voice.near import each other)
from desktop_app.core.checks.voice import minhash
from desktop_app.core.checks.voice.near import BANDS, ROWS, _similarity, candidate_pairs
from desktop_app.core.tokens.stats import percentile


def _datasketch(words: list[bytes]) -> bytes:
    expected = MinHash(num_perm=32, seed=1, hashfunc=zlib.crc32)
    expected.update_batch(words)
    return expected.hashvalues.astype("uint32").tobytes()


def _hashes(words: list[bytes]) -> bytes:
    return array("I", map(zlib.crc32, words)).tobytes()


def test_signatures_equal_datasketch_through_a_full_cache(monkeypatch) -> None:
    monkeypatch.setattr(minhash, "CACHE_LIMIT", 5)  # starts afresh several times on the way
    rng = random.Random(7)
    vocabulary = [f"w{n}".encode() for n in range(40)]
    sets = [rng.sample(vocabulary, rng.randint(1, 12)) for _ in range(30)]
    assert minhash.signatures([_hashes(s) for s in sets]) == [_datasketch(s) for s in sets]
    one_by_one = []
    for words in sets:  # the cache is checked at each call: at most the limit plus one batch
        one_by_one += minhash.signatures([_hashes(words)])
        assert len(minhash._permuted) <= 5 + 12
    assert one_by_one == [_datasketch(s) for s in sets]


@given(st.lists(st.binary(min_size=128, max_size=128), min_size=2, max_size=40), st.randoms())
def test_candidate_pairs_are_the_band_sharing_pairs(prompts: list[bytes], rng) -> None:
    # copy a few bands between signatures, so buckets hold more than one row
    prompts = [bytearray(p) for p in prompts]
    for _ in range(len(prompts)):
        a, b, band = rng.randrange(len(prompts)), rng.randrange(len(prompts)), rng.randrange(8)
        prompts[b][band * 16 : band * 16 + 16] = prompts[a][band * 16 : band * 16 + 16]
    prompts = [bytes(p) for p in prompts]
    expected = set()
    width = ROWS * 4
    for band in range(BANDS):
        keys = [p[band * width : (band + 1) * width] for p in prompts]
        for row, key in enumerate(keys):
            leader = keys.index(key)  # the first row with this band
            if leader != row:
                expected.add(leader * len(prompts) + row)
    assert candidate_pairs(prompts) == sorted(expected)


@given(st.binary(min_size=128, max_size=128), st.sets(st.integers(0, 31)), st.data())
def test_similarity_is_the_share_of_equal_values(one: bytes, changed: set[int], data) -> None:
    values = array("I", one)
    other = array("I", values)
    for lane in changed:
        other[lane] = data.draw(
            st.integers(0, 2**32 - 1).filter(lambda v, old=values[lane]: v != old)
        )
    as_int = [int.from_bytes(v.tobytes(), "little") for v in (values, other)]
    assert _similarity(*as_int) == (32 - len(changed)) / 32


@given(st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=60), st.sampled_from([10, 90, 99]))
def test_percentile_is_numpys_to_the_last_bit(values: list[float], q: int) -> None:
    assert percentile(sorted(values), q / 100) == float(np.percentile(values, q))


@pytest.mark.parametrize("count", [1, 2, 5, 100])
def test_signature_bytes_are_32_uint32(count: int) -> None:
    words = [f"word{n}".encode() for n in range(count)]
    (signature,) = minhash.signatures([_hashes(words)])
    assert len(signature) == 128 and signature == _datasketch(words)
