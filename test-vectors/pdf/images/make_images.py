#!/usr/bin/env python3
"""Draws the two made-up PNG images used as signature appearances.

Usage: make_images.py [OUTDIR]     (default: the directory of this script)

  author-signature.png  600 x 240, an invented handwritten scribble in blue ink
  seal.png              472 x 472, an invented round red seal (40 mm at 300 dpi)

Only the Python 3 standard library is used (zlib and struct). Nothing random
and no clock goes into the files: every pixel comes from fixed geometry below,
the PNGs carry only IHDR, pHYs, IDAT and IEND chunks, and IDAT is one zlib
stream at level 9, so a rerun with the same zlib writes the same bytes.
Neither image copies anyone's real signature or any real organisation's seal.
"""

import math
import os
import struct
import sys
import zlib

# 300 dots per inch, expressed as pixels per metre for the pHYs chunk.
PPM_300_DPI = 11811


# --------------------------------------------------------------------------
# PNG output

def _chunk(kind, data):
    body = kind + data
    return struct.pack('>I', len(data)) + body + struct.pack('>I', zlib.crc32(body) & 0xFFFFFFFF)


def write_png(path, width, height, rgb, alpha):
    """Writes an 8-bit RGBA PNG in one colour `rgb` with per-pixel `alpha`.

    `alpha` is a flat list of floats in [0, 1], row by row. Transparent pixels
    keep the ink colour too, so that viewers which filter without
    premultiplying do not show dark fringes.
    """
    r, g, b = rgb
    raw = bytearray()
    for y in range(height):
        raw.append(0)  # filter type 0 (None) for every scanline
        row = alpha[y * width:(y + 1) * width]
        for a in row:
            v = int(a * 255.0 + 0.5)
            raw += bytes((r, g, b, 0 if v < 0 else 255 if v > 255 else v))
    png = b'\x89PNG\r\n\x1a\n'
    png += _chunk(b'IHDR', struct.pack('>IIBBBBB', width, height, 8, 6, 0, 0, 0))
    png += _chunk(b'pHYs', struct.pack('>IIB', PPM_300_DPI, PPM_300_DPI, 1))
    png += _chunk(b'IDAT', zlib.compress(bytes(raw), 9))
    png += _chunk(b'IEND', b'')
    with open(path, 'wb') as f:
        f.write(png)
    return len(png)


def clamp01(v):
    return 0.0 if v < 0.0 else 1.0 if v > 1.0 else v


# --------------------------------------------------------------------------
# Author signature: pen strokes as sampled curves with a varying radius

SIG_W, SIG_H = 600, 240
SIG_INK = (20, 40, 160)


def catmull_rom(points, steps=40):
    """A smooth curve through `points` (centripetal spacing is not needed here)."""
    pts = [points[0]] + list(points) + [points[-1]]
    out = []
    for i in range(1, len(pts) - 2):
        p0, p1, p2, p3 = pts[i - 1], pts[i], pts[i + 1], pts[i + 2]
        for s in range(steps):
            t = s / steps
            t2, t3 = t * t, t * t * t
            out.append(tuple(
                0.5 * (2 * p1[k] + (-p0[k] + p2[k]) * t
                       + (2 * p0[k] - 5 * p1[k] + 4 * p2[k] - p3[k]) * t2
                       + (-p0[k] + 3 * p1[k] - 3 * p2[k] + p3[k]) * t3)
                for k in (0, 1)))
    out.append(tuple(points[-1]))
    return out


def loops(x0, base, slope, letters, advance=6.0, slant=0.3, steps=48):
    """A run of joined cursive letters drawn as a prolate cycloid.

    Each entry of `letters` is (height, swing): the height of that letter above
    the baseline and how far the pen swings back at the top (swing larger than
    `advance` closes a loop, smaller leaves a hump). The baseline rises by
    `slope` pixels per pixel to the right, like a hand that drifts upwards,
    and every letter leans right by `slant` pixels per pixel of height.
    """
    out = []
    for k, (height, swing) in enumerate(letters):
        prev_swing = letters[k - 1][1] if k else swing
        for s in range(steps + (1 if k == len(letters) - 1 else 0)):
            u = s / steps
            t = 2 * math.pi * (k + u)
            # ease the swing from the previous letter's over the first half
            w = prev_swing + (swing - prev_swing) * clamp01(2 * u)
            x = x0 + advance * t + w * math.sin(t)
            rise = height * (1 - math.cos(t)) / 2
            y = base - slope * (x - x0) - rise
            out.append((x + slant * rise, y))
    return out


def with_pressure(path, thin, heavy, taper_in=25.0, taper_out=35.0):
    """Gives every point a pen radius: heavier on downstrokes, tapered ends."""
    n = len(path)
    lengths = [0.0]
    for i in range(1, n):
        lengths.append(lengths[-1] + math.dist(path[i - 1], path[i]))
    total = lengths[-1]
    out = []
    for i, (x, y) in enumerate(path):
        a = path[max(i - 1, 0)]
        b = path[min(i + 1, n - 1)]
        dx, dy = b[0] - a[0], b[1] - a[1]
        norm = math.hypot(dx, dy) or 1.0
        down = max(0.0, dy / norm)  # image y grows downwards
        r = thin + (heavy - thin) * down ** 0.8
        s = lengths[i]
        r *= 0.35 + 0.65 * clamp01(s / taper_in) ** 0.7
        r *= 0.25 + 0.75 * clamp01((total - s) / taper_out) ** 0.6
        out.append((x, y, r))
    return out


def stroke_into(alpha, width, height, samples):
    """Paints a stroke of round-capped segments, anti-aliased by distance."""
    for (ax, ay, ar), (bx, by, br) in zip(samples, samples[1:]):
        reach = max(ar, br) + 1.5
        x_lo = max(int(min(ax, bx) - reach), 0)
        x_hi = min(int(max(ax, bx) + reach) + 1, width - 1)
        y_lo = max(int(min(ay, by) - reach), 0)
        y_hi = min(int(max(ay, by) + reach) + 1, height - 1)
        vx, vy = bx - ax, by - ay
        vv = vx * vx + vy * vy
        for py in range(y_lo, y_hi + 1):
            cy = py + 0.5
            for px in range(x_lo, x_hi + 1):
                cx = px + 0.5
                if vv > 0:
                    u = clamp01(((cx - ax) * vx + (cy - ay) * vy) / vv)
                else:
                    u = 0.0
                d = math.hypot(cx - (ax + u * vx), cy - (ay + u * vy))
                cover = clamp01(ar + (br - ar) * u + 0.5 - d)
                if cover > 0:
                    i = py * width + px
                    if cover > alpha[i]:
                        alpha[i] = cover


def signature_alpha():
    alpha = [0.0] * (SIG_W * SIG_H)

    # 1. A tall opening capital: up-stroke, a loop at the top, a long
    #    down-stroke into a descender, and a hook that runs into the letters.
    capital = catmull_rom([
        (42, 166), (60, 120), (84, 70), (106, 38), (124, 28), (132, 42),
        (122, 84), (108, 134), (98, 178), (92, 204), (86, 214), (80, 204),
        (90, 182), (112, 160), (138, 150), (158, 156), (168, 162),
    ])
    stroke_into(alpha, SIG_W, SIG_H, with_pressure(capital, 1.1, 3.6))

    # 2. The joined small letters: loops of different heights and humps.
    letters = [
        (34, 9.0), (30, 3.5), (96, 15.0), (36, 10.0), (32, 3.0), (30, 3.0),
        (84, 14.0), (38, 9.0), (28, 3.5), (52, 12.0),
    ]
    run = loops(168, 162, 0.08, letters)
    # a trailing flick from the last letter towards the upper right
    end_x, end_y = run[-1]
    run += catmull_rom([(end_x, end_y), (end_x + 22, end_y - 10),
                        (end_x + 46, end_y - 34), (end_x + 58, end_y - 56)],
                       steps=20)[1:]
    stroke_into(alpha, SIG_W, SIG_H, with_pressure(run, 1.0, 3.1))

    # 3. The underline swoosh, starting under the capital, rising to the right
    #    and turning back on itself in a small hook.
    swoosh = catmull_rom([
        (66, 214), (140, 206), (250, 198), (360, 188), (460, 174),
        (540, 156), (572, 142), (566, 150), (540, 164),
    ], steps=60)
    stroke_into(alpha, SIG_W, SIG_H, with_pressure(swoosh, 0.9, 2.6, 60.0, 45.0))

    # 4. A dot above the letters and a short slanted dash crossing a tall loop.
    dot = [(316 + 3.0 * math.cos(a / 12 * math.pi), 86 + 2.2 * math.sin(a / 12 * math.pi))
           for a in range(25)]
    stroke_into(alpha, SIG_W, SIG_H, [(x, y, 2.6) for x, y in dot])
    dash = catmull_rom([(236, 100), (262, 94), (290, 90)], steps=20)
    stroke_into(alpha, SIG_W, SIG_H, with_pressure(dash, 1.0, 1.6, 8.0, 14.0))
    return alpha


# --------------------------------------------------------------------------
# Organisation seal: rings, a ring of dots and dashes, and a star

SEAL_SIZE = 472            # 40 mm at 300 dpi
SEAL_INK = (210, 20, 30)
C = SEAL_SIZE / 2.0        # centre, in pixel coordinates

RINGS = [                  # (inner radius, outer radius) of each ring
    (218.0, 231.0),        # thick outer ring
    (209.0, 212.5),        # thin ring inside it
    (160.0, 163.5),        # thin inner ring
    (150.0, 156.0),        # inner ring
]
BAND_RADIUS = 186.0        # where the dots and dashes sit, between the rings
MARKS = 72                 # alternately a dot and a radial dash
DOT_R = 4.2
DASH_HALF_LEN, DASH_HALF_W = 8.0, 1.7
STAR_R = 118.0             # outer radius of the five-pointed star
STAR_INNER = STAR_R * math.sin(math.radians(18)) / math.sin(math.radians(54))


def star_polygon():
    pts = []
    for k in range(10):
        r = STAR_R if k % 2 == 0 else STAR_INNER
        a = -math.pi / 2 + k * math.pi / 5  # first point straight up
        pts.append((C + r * math.cos(a), C + r * math.sin(a)))
    return pts


def signed_distance_polygon(px, py, poly):
    """Distance to the polygon outline, negative inside (even-odd rule)."""
    d = float('inf')
    inside = False
    n = len(poly)
    for i in range(n):
        ax, ay = poly[i]
        bx, by = poly[i - 1]
        ex, ey = bx - ax, by - ay
        wx, wy = px - ax, py - ay
        u = clamp01((wx * ex + wy * ey) / (ex * ex + ey * ey))
        d = min(d, math.hypot(wx - u * ex, wy - u * ey))
        if (ay > py) != (by > py) and px < ax + (py - ay) * ex / ey:
            inside = not inside
    return -d if inside else d


def seal_alpha():
    star = star_polygon()
    step = 2 * math.pi / MARKS
    alpha = [0.0] * (SEAL_SIZE * SEAL_SIZE)
    for py in range(SEAL_SIZE):
        cy = py + 0.5 - C
        for px in range(SEAL_SIZE):
            cx = px + 0.5 - C
            r = math.hypot(cx, cy)
            if r > RINGS[0][1] + 1:
                continue
            cover = 0.0
            for r_in, r_out in RINGS:
                cover = max(cover, clamp01(min(r - r_in, r_out - r) + 0.5))
            if abs(r - BAND_RADIUS) < DASH_HALF_LEN + 2:
                # the nearest mark by angle, measured from straight up
                ang = math.atan2(cx, -cy)
                k = round(ang / step)
                a = k * step
                # the pixel in the mark's own frame: along the radius, across it
                along = cx * math.sin(a) - cy * math.cos(a) - BAND_RADIUS
                across = cx * math.cos(a) + cy * math.sin(a)
                if k % 2 == 0:
                    dist = math.hypot(along, across) - DOT_R
                else:
                    dist = max(abs(along) - DASH_HALF_LEN, abs(across) - DASH_HALF_W)
                cover = max(cover, clamp01(0.5 - dist))
            if r < STAR_R + 2:
                dist = signed_distance_polygon(px + 0.5, py + 0.5, star)
                cover = max(cover, clamp01(0.5 - dist))
            alpha[py * SEAL_SIZE + px] = cover
    return alpha


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    os.makedirs(out, exist_ok=True)
    for name, w, h, ink, make in (
        ('author-signature.png', SIG_W, SIG_H, SIG_INK, signature_alpha),
        ('seal.png', SEAL_SIZE, SEAL_SIZE, SEAL_INK, seal_alpha),
    ):
        size = write_png(os.path.join(out, name), w, h, ink, make())
        print(f'{name}: {w}x{h}, {size} bytes')


if __name__ == '__main__':
    main()
