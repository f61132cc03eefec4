#!/usr/bin/env python3
"""Regenerates the NNFormats test fixtures in this folder (deterministic output).

Needs Python 3 with numpy and Pillow (`pip install numpy pillow`). The Swift tests only read
the files written here; run this again only to change the fixtures.

  inflate/  raw DEFLATE streams from zlib at several levels/strategies, plus the originals
  zip/      archives written by zipfile (stored, deflated, streamed with data descriptors)
  png/      PNGs of every colour type / bit depth / filter (and Adam7), written by a small
            encoder below so every case is covered, with the pixels Pillow decodes them to
  pgm/      PGM/PPM files with the pixels Pillow (or the formula, for 16-bit) gives
  npy/      arrays saved by numpy in several dtypes, byte orders and format versions
"""
import io
import os
import random
import struct
import zipfile
import zlib

import numpy as np
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
REAL = os.path.join(HERE, "..", "real")


def write(rel, data):
    path = os.path.join(HERE, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


# ---------------------------------------------------------------- inflate

def datasets():
    rng = random.Random(1951)
    words = ("the quick brown fox jumps over lazy dog neural network compiler tensor "
             "weight bias convolution affine relu softmax batch normalization").split()
    text = " ".join(rng.choice(words) for _ in range(2000)).encode()[:12000]
    rand = bytes(rng.getrandbits(8) for _ in range(8000))
    runs = (b"a" * 5000 + b"b" * 3000 + bytes(range(256)) * 20 + bytes(12000)
            + b"xyz" * 2000 + bytes([rng.getrandbits(2) for _ in range(6000)]))
    return {"text": text, "random": rand, "runs": runs, "small": b"hello hello hello world\n",
            "empty": b""}


def raw_deflate(data, level, strategy=zlib.Z_DEFAULT_STRATEGY):
    c = zlib.compressobj(level, zlib.DEFLATED, -15, 9, strategy)
    return c.compress(data) + c.flush()


def make_inflate():
    for name, data in datasets().items():
        write(f"inflate/{name}.bin", data)
        for level in (0, 1, 6, 9):
            write(f"inflate/{name}.L{level}.deflate", raw_deflate(data, level))
        if name in ("text", "runs"):
            write(f"inflate/{name}.fixed.deflate", raw_deflate(data, 6, zlib.Z_FIXED))
            write(f"inflate/{name}.huffman.deflate", raw_deflate(data, 6, zlib.Z_HUFFMAN_ONLY))
            write(f"inflate/{name}.rle.deflate", raw_deflate(data, 6, zlib.Z_RLE))
    write("inflate/text.zlib", zlib.compress(datasets()["text"], 6))
    # Sync/full flushes end a block and add an empty stored block, so one stream mixes
    # dynamic, stored and (for the short piece) fixed blocks.
    text = datasets()["text"]
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    pieces = [c.compress(text[:5000]), c.flush(zlib.Z_SYNC_FLUSH), c.compress(text[5000:5040]),
              c.flush(zlib.Z_FULL_FLUSH), c.compress(text[5040:]), c.flush()]
    write("inflate/text.flushed.deflate", b"".join(pieces))


# ---------------------------------------------------------------- zip

class Unseekable(io.RawIOBase):
    """A write-only stream without seek/tell, so zipfile writes data descriptors."""

    def __init__(self):
        self.buf = bytearray()

    def writable(self):
        return True

    def write(self, b):
        self.buf += b
        return len(b)


def fixed_info(name, method):
    info = zipfile.ZipInfo(name, date_time=(2024, 1, 2, 3, 4, 6))
    info.compress_type = method
    return info


def make_zip():
    d = datasets()
    entries = [("stored.txt", zipfile.ZIP_STORED, d["small"]),
               ("deflated.txt", zipfile.ZIP_DEFLATED, d["text"]),
               ("dir/random.bin", zipfile.ZIP_DEFLATED, d["random"]),
               ("empty.txt", zipfile.ZIP_STORED, b""),
               ("runs.bin", zipfile.ZIP_DEFLATED, d["runs"])]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, method, data in entries:
            z.writestr(fixed_info(name, method), data)
        z.comment = b"nncompile fixture comment"
    write("zip/mixed.zip", buf.getvalue())

    stream = Unseekable()
    with zipfile.ZipFile(stream, "w") as z:
        for name, method, data in entries[:3]:
            with z.open(fixed_info(name, method), "w") as f:
                f.write(data)
    write("zip/streamed.zip", bytes(stream.buf))

    lines = []
    for zname in ("mixed.zip", "streamed.zip"):
        with zipfile.ZipFile(os.path.join(HERE, "zip", zname)) as z:
            for i in z.infolist():
                lines.append(f"{zname} {i.filename} {i.compress_type} {i.compress_size} "
                             f"{i.file_size} {i.CRC:08x} {i.flag_bits}")
    write("zip/manifest.txt", ("\n".join(lines) + "\n").encode())


# ---------------------------------------------------------------- png

ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def pack_row(samples, depth):
    if depth == 8:
        return bytes(samples)
    if depth == 16:
        return b"".join(struct.pack(">H", s) for s in samples)
    out, acc, nbits = bytearray(), 0, 0
    for s in samples:
        acc = (acc << depth) | s
        nbits += depth
        if nbits == 8:
            out.append(acc)
            acc, nbits = 0, 0
    if nbits:
        out.append(acc << (8 - nbits))
    return bytes(out)


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else (b if pb <= pc else c)


def filter_row(ftype, row, prior, bpp):
    out = bytearray([ftype])
    for i, x in enumerate(row):
        a = row[i - bpp] if i >= bpp else 0
        b = prior[i]
        c = prior[i - bpp] if i >= bpp else 0
        pred = [0, a, b, (a + b) // 2, paeth(a, b, c)][ftype]
        out.append((x - pred) & 0xFF)
    return bytes(out)


def encode_png(pixels, width, height, ctype, depth, palette=None, trns=None, interlace=False,
               idat_piece=60):
    """pixels[y][x] is a tuple of samples. Rows cycle through all five filter types."""
    ch = CHANNELS[ctype]
    bpp = max(1, ch * depth // 8)
    passes = ADAM7 if interlace else [(0, 0, 1, 1)]
    raw, ftype = bytearray(), 0
    for (x0, y0, dx, dy) in passes:
        xs, ys = range(x0, width, dx), range(y0, height, dy)
        if not xs or not ys:
            continue
        prior = bytes(len(pack_row([0] * len(xs) * ch, depth)))
        for y in ys:
            row = pack_row([s for x in xs for s in pixels[y][x]], depth)
            raw += filter_row(ftype % 5, row, prior, bpp)
            prior, ftype = row, ftype + 1
    z = zlib.compress(bytes(raw), 9)
    out = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, depth, ctype,
                                                                0, 0, 1 if interlace else 0))
    out += chunk(b"tEXt", b"Comment\x00nncompile fixture")
    if palette:
        out += chunk(b"PLTE", bytes(v for rgb in palette for v in rgb))
    if trns is not None:
        out += chunk(b"tRNS", trns)
    for i in range(0, len(z), idat_piece):  # several IDAT chunks, as big encoders write
        out += chunk(b"IDAT", z[i:i + idat_piece])
    return out + chunk(b"IEND", b"")


def pillow_pixels(path):
    """The pixels Pillow decodes, in our convention: 8 bits, 16-bit samples keep the high byte."""
    im = Image.open(path)
    im.load()
    if im.mode == "P":
        im = im.convert("RGBA" if "transparency" in im.info else "RGB")
    if im.mode == "1":
        im = im.convert("L")
    if im.mode in ("I;16", "I;16B", "I"):
        return im.width, im.height, 1, (np.asarray(im) >> 8).astype(np.uint8).tobytes()
    channels = {"L": 1, "LA": 2, "RGB": 3, "RGBA": 4}[im.mode]
    return im.width, im.height, channels, im.tobytes()


def make_png():
    # Pillow widens 16-bit gray+alpha to RGBA (gray copied into R, G, B); we keep 2 channels.
    rng = random.Random(2083)
    manifest = []

    def emit(name, data):
        write(f"png/{name}.png", data)
        w, h, c, px = pillow_pixels(os.path.join(HERE, "png", f"{name}.png"))
        if name.startswith("c4_d16"):
            assert c == 4 and all(px[i] == px[i + 1] == px[i + 2] for i in range(0, len(px), 4))
            c, px = 2, bytes(v for i in range(0, len(px), 4) for v in (px[i], px[i + 3]))
        write(f"png/{name}.pixels", px)
        manifest.append(f"{name} {w} {h} {c}")

    w, h = 13, 7
    for ctype, depths in ((0, (1, 2, 4, 8, 16)), (2, (8, 16)), (3, (1, 2, 4, 8)),
                          (4, (8, 16)), (6, (8, 16))):
        for depth in depths:
            ch = CHANNELS[ctype]
            top = (1 << depth) - 1
            palette = trns = None
            if ctype == 3:
                n = min(1 << depth, 40)
                palette = [(rng.randrange(256), rng.randrange(256), rng.randrange(256)) for _ in range(n)]
                top = n - 1
            px = [[tuple(rng.randint(0, top) for _ in range(ch)) for _ in range(w)] for _ in range(h)]
            emit(f"c{ctype}_d{depth}", encode_png(px, w, h, ctype, depth, palette))
            if ctype == 3:
                trns = bytes(rng.randrange(256) for _ in range(len(palette) // 2))
                emit(f"c{ctype}_d{depth}_trns", encode_png(px, w, h, ctype, depth, palette, trns))
            if depth in (1, 8, 16) or ctype == 3:
                emit(f"c{ctype}_d{depth}_adam7", encode_png(px, w, h, ctype, depth, palette, trns, True))
    # Adam7 where most passes are empty.
    emit("tiny_adam7", encode_png([[(200, 10, 30)]], 1, 1, 2, 8, interlace=True))
    emit("small_adam7", encode_png([[(x * 40 + y,) for x in range(3)] for y in range(2)], 3, 2, 0, 8,
                                   interlace=True))
    # Files written by Pillow's own encoder.
    img = Image.new("RGB", (32, 20))
    img.putdata([(x * 8, y * 12, (x * y) % 256) for y in range(20) for x in range(32)])
    for mode in ("RGB", "RGBA", "L", "LA", "P"):
        out = io.BytesIO()
        img.convert(mode).save(out, "PNG", optimize=(mode == "L"))
        emit(f"pillow_{mode}", out.getvalue())
    for n in range(1, 5):
        _, _, c, px = pillow_pixels(os.path.join(REAL, f"nnc_00{n}.png"))
        write(f"png/real_nnc_00{n}.pixels", px)
    write("png/manifest.txt", ("\n".join(manifest) + "\n").encode())


# ---------------------------------------------------------------- pgm

def make_pgm():
    rng = random.Random(5)
    w, h = 5, 4
    gray = [rng.randrange(256) for _ in range(w * h)]
    rgb = [rng.randrange(256) for _ in range(w * h * 3)]
    write("pgm/p5.pgm", b"P5\n# a comment\n5 4\n255\n" + bytes(gray))
    write("pgm/p2.pgm", ("P2\n# ascii gray\n5 4 # trailing comment\n255\n"
                         + "\n".join(" ".join(str(v) for v in gray[r * w:(r + 1) * w]) for r in range(h))
                         + "\n").encode())
    write("pgm/p6.ppm", b"P6 5 4 255\n" + bytes(rgb))
    write("pgm/p3.ppm", ("P3\n5 4\n255\n" + " ".join(str(v) for v in rgb) + "\n").encode())
    write("pgm/gray.pixels", bytes(gray))
    write("pgm/rgb.pixels", bytes(rgb))
    for name in ("p5.pgm", "p2.pgm", "p6.ppm", "p3.ppm"):
        _, _, _, px = pillow_pixels(os.path.join(HERE, "pgm", name))
        assert px == bytes(gray if name.endswith("pgm") else rgb), name
    # 16-bit and small maxval: expected values by the rounding formula round(v * 255 / maxval).
    wide = [rng.randrange(1001) for _ in range(w * h)]
    write("pgm/p5_16bit.pgm", b"P5 5 4 1000\n" + b"".join(struct.pack(">H", v) for v in wide))
    write("pgm/p5_16bit.pixels", bytes((v * 255 + 500) // 1000 for v in wide))
    small = [rng.randrange(16) for _ in range(w * h)]
    write("pgm/p2_maxval15.pgm", ("P2 5 4 15\n" + " ".join(map(str, small)) + "\n").encode())
    write("pgm/p2_maxval15.pixels", bytes((v * 255 + 7) // 15 for v in small))
    _, _, _, px = pillow_pixels(os.path.join(REAL, "nnabla_5.pgm"))
    write("pgm/real_nnabla_5.pixels", px)


# ---------------------------------------------------------------- npy

def make_npy():
    base = np.arange(24).reshape(2, 3, 4)
    cases = {
        "f4": (base * 0.25 - 2.5).astype("<f4"),
        "f8": (base * 0.25 - 2.5).astype("<f8"),
        "f4_be": (base * 0.25 - 2.5).astype(">f4"),
        "f8_be": (base * 0.25 - 2.5).astype(">f8"),
        "u1": (base * 10).astype("|u1"),
        "i1": (base - 12).astype("|i1"),
        "i2": ((base - 12) * 1000).astype("<i2"),
        "u2": (base * 2000).astype("<u2"),
        "i4": ((base - 12) * 100000).astype("<i4"),
        "i8": ((base - 12) * 100000).astype("<i8"),
        "i2_be": ((base - 12) * 1000).astype(">i2"),
        "u2_be": (base * 2000).astype(">u2"),
        "i4_be": ((base - 12) * 100000).astype(">i4"),
        "i8_be": ((base - 12) * 100000).astype(">i8"),
        "f2": (base * 0.25 - 2.5).astype("<f2"),
        "u4": (base * 100000).astype("<u4"),
        "u8": (base * 10**12).astype("<u8"),
        "b1": (base % 3 == 0),
    }
    for name, arr in cases.items():
        out = io.BytesIO()
        np.save(out, arr)
        write(f"npy/{name}.npy", out.getvalue())
    f = io.BytesIO()
    np.save(f, np.asfortranarray((base * 0.25 - 2.5).astype("<f4")))
    write("npy/fortran.npy", f.getvalue())
    f = io.BytesIO()
    np.save(f, np.float32(3.5))
    write("npy/scalar.npy", f.getvalue())
    f = io.BytesIO()
    np.save(f, np.zeros((0, 3), dtype="<f4"))
    write("npy/empty.npy", f.getvalue())
    for version in ((2, 0), (3, 0)):
        f = io.BytesIO()
        np.lib.format.write_array(f, (base * 0.25 - 2.5).astype("<f4"), version=version)
        write(f"npy/v{version[0]}.npy", f.getvalue())


if __name__ == "__main__":
    make_inflate()
    make_zip()
    make_png()
    make_pgm()
    make_npy()
