#!/usr/bin/env python3
"""Draws Cohort's toolbar and store icons: three dots in a triangle, joined by
lines, in deep teal on a transparent background.

Writes extension/icons/icon-{16,32,48,128}.png (RGBA). Standard library only:
the PNGs are encoded by hand with zlib and struct, and anti-aliased by
supersampling each pixel on an n-by-n grid.

Usage: scripts/make-icons.py   (from any directory)
"""

import math
import os
import struct
import zlib

SIZES = (16, 32, 48, 128)
COLOR = (0x0F, 0x76, 0x6E)  # #0f766e, Tailwind teal-700

# Geometry in unit coordinates (0..1 across the icon): an equilateral
# triangle, centred, with a dot at each corner.
_SIDE = 0.62
_HEIGHT = _SIDE * math.sqrt(3) / 2
_TOP = 0.5 - _HEIGHT / 2
DOTS = (
    (0.5, _TOP),
    (0.5 - _SIDE / 2, _TOP + _HEIGHT),
    (0.5 + _SIDE / 2, _TOP + _HEIGHT),
)
DOT_RADIUS = 0.14
LINE_HALF_WIDTH = 0.045


def _segment_dist2(px, py, ax, ay, bx, by):
    """Squared distance from (px, py) to the segment a-b."""
    dx, dy = bx - ax, by - ay
    t = ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)
    t = 0.0 if t < 0.0 else 1.0 if t > 1.0 else t
    qx, qy = ax + t * dx - px, ay + t * dy - py
    return qx * qx + qy * qy


def render(size):
    """Returns rows of RGBA bytes for one icon of size x size pixels."""
    ss = 8 if size <= 48 else 4  # subsamples per axis
    # Thin lines vanish at 16 px; keep them at least about 1.3 px wide.
    half_w = max(LINE_HALF_WIDTH, 0.65 / size)
    r2 = DOT_RADIUS * DOT_RADIUS
    w2 = half_w * half_w
    segments = [(DOTS[i], DOTS[(i + 1) % 3]) for i in range(3)]
    step = 1.0 / (size * ss)
    rows = []
    for y in range(size):
        row = bytearray()
        for x in range(size):
            hits = 0
            for sy in range(ss):
                py = (y * ss + sy + 0.5) * step
                for sx in range(ss):
                    px = (x * ss + sx + 0.5) * step
                    inside = False
                    for cx, cy in DOTS:
                        if (px - cx) ** 2 + (py - cy) ** 2 <= r2:
                            inside = True
                            break
                    if not inside:
                        for (ax, ay), (bx, by) in segments:
                            if _segment_dist2(px, py, ax, ay, bx, by) <= w2:
                                inside = True
                                break
                    hits += inside
            alpha = round(255 * hits / (ss * ss))
            row += bytes((*COLOR, alpha)) if alpha else b"\0\0\0\0"
        rows.append(bytes(row))
    return rows


def _chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def encode_png(size, rows):
    """8-bit RGBA, non-interlaced, filter type 0 on every row."""
    ihdr = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    raw = b"".join(b"\0" + row for row in rows)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", ihdr)
        + _chunk(b"IDAT", zlib.compress(raw, 9))
        + _chunk(b"IEND", b"")
    )


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out_dir = os.path.join(root, "extension", "icons")
    os.makedirs(out_dir, exist_ok=True)
    for size in SIZES:
        path = os.path.join(out_dir, f"icon-{size}.png")
        data = encode_png(size, render(size))
        with open(path, "wb") as f:
            f.write(data)
        print(f"{os.path.relpath(path, root)}: {size}x{size}, {len(data)} bytes")


if __name__ == "__main__":
    main()
