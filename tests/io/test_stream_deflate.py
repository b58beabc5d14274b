"""`StreamDeflater`: a part deflated piece by piece (in chunks on other threads) inflates
to exactly what was written, with the CRC-32 and size a zip entry records."""

from __future__ import annotations

import random
import zlib

from parc_xl.io.ooxml.zipio import _DEFLATE_CHUNK, StreamDeflater


def _inflate(raw: bytes) -> bytes:
    d = zlib.decompressobj(-15)
    out = d.decompress(raw) + d.flush()
    assert d.eof  # one complete stream, ended by the last chunk
    return out


def test_a_large_part_in_uneven_pieces_inflates_to_the_same_bytes() -> None:
    rng = random.Random(7)
    pieces = [(f'<row r="{i}"><c r="A{i}" t="inlineStr"><is><t>Cập nhật {rng.random()}</t></is></c></row>'
               * rng.randint(1, 4000)).encode() for i in range(1, 400)]
    data = b"".join(pieces)
    assert len(data) > 3 * _DEFLATE_CHUNK  # several chunks, some in flight at once
    deflater = StreamDeflater()
    for piece in pieces:
        deflater.write(piece)
    raw, crc, size = deflater.finish()
    assert (size, crc) == (len(data), zlib.crc32(data))
    assert _inflate(raw) == data
    assert len(raw) < len(data) // 4


def test_a_small_part_is_one_stream() -> None:
    deflater = StreamDeflater()
    deflater.write(b"<sheetData/>")
    deflater.write(b"")
    raw, crc, size = deflater.finish()
    assert _inflate(raw) == b"<sheetData/>" and size == 12 and crc == zlib.crc32(b"<sheetData/>")
