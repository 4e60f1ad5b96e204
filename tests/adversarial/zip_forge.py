"""Zip files as an attacker writes them, byte by byte: names in any encoding, sizes that lie, bombs made in no time.

``zipfile`` writes only honest zips (it re-encodes names as UTF-8 and
computes sizes); a forged zip is what a hand-written tool or a hex editor gives.
"""
from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

UTF8_FLAG = 0x800


@dataclass
class Entry:
    name: bytes
    data: bytes              # as stored (deflated when ``deflated``)
    size: int                # the uncompressed size the headers declare
    crc: int
    deflated: bool = True
    flags: int = 0


def deflated(content: bytes, name: bytes | str, flags: int | None = None) -> Entry:
    """An honest entry (its headers tell the truth), with ``name`` written as given."""
    raw = name.encode("utf-8") if isinstance(name, str) else name
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    data = c.compress(content) + c.flush()
    if flags is None:
        flags = UTF8_FLAG if isinstance(name, str) and not name.isascii() else 0
    return Entry(raw, data, len(content), zlib.crc32(content), flags=flags)


def zeros(name: str, mib: int) -> Entry:
    """``mib`` MiB of zeros, deflated without deflating them all: one fully flushed block, repeated."""
    chunk = bytes(1 << 20)
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    c.compress(chunk)
    c.flush(zlib.Z_FULL_FLUSH)
    block = c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH)  # the dictionary is reset: each block stands alone
    crc = 0
    for _ in range(mib):
        crc = zlib.crc32(chunk, crc)
    return Entry(name.encode(), block * mib + b"\x03\x00", mib << 20, crc)  # \x03\x00: an empty final block


def write(path: Path, entries: list[Entry]) -> Path:
    """Write ``entries`` as a zip file (local headers, data, central directory) exactly as declared."""
    out, central = bytearray(), bytearray()
    for e in entries:
        offset = len(out)
        method = 8 if e.deflated else 0
        common = struct.pack("<HHHHHIII", 20, e.flags, method, 0, 0x21, e.crc, len(e.data), e.size)
        out += struct.pack("<I", 0x04034B50) + common + struct.pack("<HH", len(e.name), 0) + e.name + e.data
        central += (struct.pack("<IH", 0x02014B50, 20) + common
                    + struct.pack("<HHHHHII", len(e.name), 0, 0, 0, 0, 0o100644 << 16, offset) + e.name)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(central), len(out), 0)
    path.write_bytes(bytes(out + central + end))
    return path
