"""MinHash signatures of hashed-word sets, equal to datasketch's, in plain Python (no numpy).

datasketch's `MinHash(num_perm=32, seed=1, hashfunc=zlib.crc32)` (scheme "affine32") gives each
word's CRC-32 MurmurHash3's 32-bit finaliser, then 32 permutations (a·x + b) mod 2³², and keeps
each permutation's least value over the set (tests/core/test_voice_features.py compares the two
on random texts). datasketch itself needs numpy and SciPy (~40 MiB in the installed app, ~0.5 s
at every start), so the same arithmetic is done here with the standard library:

- one Python integer holds a word's 32 permuted values in 64-bit lanes (one multiplication and
  one addition compute all 32; the products stay below 2⁶⁴, so no lane spills into the next),
  kept in a per-process cache (words repeat across examples);
- a set's least values come from a lane-wise minimum of those integers, a few integer operations
  per word with a guard bit above each lane (no loop over the 32 lanes in Python).
"""

from __future__ import annotations

from array import array

NUM_PERM = 32
LANE = 64  # bits per permutation inside one integer
_M32 = 0xFFFFFFFF
# datasketch's permutations for seed 1 (numpy.random.RandomState(1): a = 2·randint(2³¹) + 1,
# then b = randint(2³²) truncated to 32 bits), in its order.
_A = (
    0xD583E84B, 0xFE8F01D7, 0x70CE5F19, 0xDD782891, 0x000EFDFF, 0x41998713, 0x9ACB5597, 0xFF823D0B,
    0x4B23969F, 0x78E0A781, 0x2F470121, 0xCB0CA103, 0x5F5D7F99, 0xC69C3C8F, 0xB0ED55DB, 0x56E8F3F9,
    0xCB251B0D, 0xDEFEFA33, 0x13DFC965, 0xB14FAA29, 0xD6A0A9FD, 0xA06562CB, 0x5ED51725, 0x0C9193A9,
    0x68ADF717, 0xE30C41F9, 0xC1989BD5, 0x758B2539, 0x0E05BF3B, 0x119EB31D, 0x57478465, 0xD3F2D489,
)  # fmt: skip
_B = (
    0x6AD47CD7, 0x750B5FD7, 0x8F064BE9, 0x6E4242F1, 0x23F065F7, 0xF06AADDE, 0x32B6C760, 0xC7448456,
    0xCCFD988D, 0xB749D7E9, 0xF7DFFD89, 0xCD818407, 0x503C913F, 0x17C1CB3D, 0xB13C0E16, 0x84A5A539,
    0xE05B0A01, 0xDD71F780, 0xE504F13C, 0xD442F8D1, 0x15C57508, 0xD460E2D8, 0x09FF7E8D, 0x45E69A73,
    0x2B7A01AF, 0x0F2A8FEA, 0xE0CDF279, 0xABA7B9C8, 0x192D421E, 0x97D32447, 0x6BCDB583, 0xABF185C6,
)  # fmt: skip
_A_LANES = sum(a << (LANE * i) for i, a in enumerate(_A))
_B_LANES = sum(b << (LANE * i) for i, b in enumerate(_B))
_LOW_LANES = sum(_M32 << (LANE * i) for i in range(NUM_PERM))  # each lane's value bits
_GUARDS = sum(1 << (LANE * i + 32) for i in range(NUM_PERM))  # the bit above each value
_SIGNATURE_BYTES = NUM_PERM * LANE // 8
CACHE_LIMIT = 65_536  # words kept (~25 MB at most); the cache starts afresh beyond it

_permuted: dict[int, int] = {}


def signatures(sets: list[bytes]) -> list[bytes]:
    """The MinHash signature (32 little-endian uint32) of each set of CRC-32 word hashes given
    as native uint32 bytes; b"" stays b"" (no words, no signature)."""
    if len(_permuted) > CACHE_LIMIT:
        _permuted.clear()
    return [_signature(s) if s else b"" for s in sets]


def _signature(hashes: bytes) -> bytes:
    known = _permuted.get
    lanes = [known(h) or _permute(h) for h in array("I", hashes)]
    low = lanes[0] | _GUARDS
    for value in lanes[1:]:
        # low - value keeps a lane's guard bit exactly where low ≥ value (no borrow crosses a
        # lane); guard − guard>>32 turns it into that lane's 32 value bits, where value is taken.
        ge = (low - value) & _GUARDS
        low ^= (low ^ value) & (ge - (ge >> 32))
    # the low 32 bits of each 64-bit lane, as datasketch's hashvalues.astype(uint32)
    return array("I", low.to_bytes(_SIGNATURE_BYTES, "little"))[::2].tobytes()


def _permute(crc: int) -> int:
    """The word's 32 permuted values, one per 64-bit lane (cached)."""
    lanes = (_fmix32(crc) * _A_LANES + _B_LANES) & _LOW_LANES
    _permuted[crc] = lanes
    return lanes


def _fmix32(value: int) -> int:
    """MurmurHash3's finaliser on a 32-bit value, as datasketch applies it before permuting."""
    value ^= value >> 16
    value = (value * 0x85EBCA6B) & _M32
    value ^= value >> 13
    value = (value * 0xC2B2AE35) & _M32
    return value ^ (value >> 16)
