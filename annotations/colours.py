"""How far apart two label colours look, as a terminal draws them.

A label colour is drawn in truecolor, or downgraded by Rich to the 256- or
16-colour palette of the terminal. Two labels whose backgrounds land on
colours an eye cannot tell apart (GPE and LOC once did: #00af87 and #00af5f
in 256 colours) are confused while annotating. :func:`distance` is the
CIEDE2000 colour difference, computed in CIE Lab (D65) from sRGB;
:func:`close_pairs` lists the pairs of labels too close in any colour system.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

#: Below this CIEDE2000 difference two backgrounds read as one colour at a
#: glance (about 2 is "just noticeable" side by side; labels are seen apart).
MIN_DISTANCE = 10.0

SYSTEMS = ("truecolor", "256", "16")


def _linear(channel: int) -> float:
    c = channel / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def lab(rgb: tuple[int, int, int]) -> tuple[float, float, float]:
    """CIE L*a*b* (D65 white) of an sRGB triple."""
    r, g, b = (_linear(c) for c in rgb)
    x = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / 0.95047
    y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * b
    z = (0.0193339 * r + 0.1191920 * g + 0.9503041 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > (6 / 29) ** 3 else t / (3 * (6 / 29) ** 2) + 4 / 29

    fx, fy, fz = f(x), f(y), f(z)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def ciede2000(lab1: tuple[float, float, float], lab2: tuple[float, float, float]) -> float:
    """The CIEDE2000 difference of two Lab colours (kL = kC = kH = 1)."""
    l1, a1, b1 = lab1
    l2, a2, b2 = lab2
    c_bar = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(c_bar**7 / (c_bar**7 + 25**7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = math.hypot(a1p, b1), math.hypot(a2p, b2)
    h1p = math.degrees(math.atan2(b1, a1p)) % 360 if c1p else 0.0
    h2p = math.degrees(math.atan2(b2, a2p)) % 360 if c2p else 0.0

    dlp = l2 - l1
    dcp = c2p - c1p
    if c1p * c2p == 0:
        dhp = 0.0
    elif abs(h2p - h1p) <= 180:
        dhp = h2p - h1p
    elif h2p - h1p > 180:
        dhp = h2p - h1p - 360
    else:
        dhp = h2p - h1p + 360
    d_hp = 2 * math.sqrt(c1p * c2p) * math.sin(math.radians(dhp / 2))

    lp_bar = (l1 + l2) / 2
    cp_bar = (c1p + c2p) / 2
    if c1p * c2p == 0:
        hp_bar = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        hp_bar = (h1p + h2p) / 2
    elif h1p + h2p < 360:
        hp_bar = (h1p + h2p + 360) / 2
    else:
        hp_bar = (h1p + h2p - 360) / 2

    t = (
        1
        - 0.17 * math.cos(math.radians(hp_bar - 30))
        + 0.24 * math.cos(math.radians(2 * hp_bar))
        + 0.32 * math.cos(math.radians(3 * hp_bar + 6))
        - 0.20 * math.cos(math.radians(4 * hp_bar - 63))
    )
    d_theta = 30 * math.exp(-(((hp_bar - 275) / 25) ** 2))
    r_c = 2 * math.sqrt(cp_bar**7 / (cp_bar**7 + 25**7))
    s_l = 1 + 0.015 * (lp_bar - 50) ** 2 / math.sqrt(20 + (lp_bar - 50) ** 2)
    s_c = 1 + 0.045 * cp_bar
    s_h = 1 + 0.015 * cp_bar * t
    r_t = -math.sin(math.radians(2 * d_theta)) * r_c
    return math.sqrt(
        (dlp / s_l) ** 2 + (dcp / s_c) ** 2 + (d_hp / s_h) ** 2 + r_t * (dcp / s_c) * (d_hp / s_h)
    )


def drawn(colour: str, system: str) -> tuple[int, int, int]:
    """The RGB a terminal shows for `colour` in `system` (as Rich downgrades it)."""
    from rich.color import Color, ColorSystem

    parsed = Color.parse(colour)
    if system == "256":
        parsed = parsed.downgrade(ColorSystem.EIGHT_BIT)
    elif system == "16":
        parsed = parsed.downgrade(ColorSystem.STANDARD)
    triplet = parsed.get_truecolor()
    return triplet.red, triplet.green, triplet.blue


def distance(first: str, second: str, system: str = "truecolor") -> float:
    """CIEDE2000 difference of two colours as drawn in `system`."""
    return ciede2000(lab(drawn(first, system)), lab(drawn(second, system)))


def close_pairs(
    colours: Iterable[tuple[str, str]], floor: float = MIN_DISTANCE
) -> list[tuple[str, str, str, float]]:
    """(name, name, system, distance) for every pair of (name, colour) closer
    than `floor` in some colour system (the system where they are closest)."""
    items = list(colours)
    out = []
    for i, (name1, colour1) in enumerate(items):
        for name2, colour2 in items[i + 1:]:
            worst = min((distance(colour1, colour2, system), system) for system in SYSTEMS)
            if worst[0] < floor:
                out.append((name1, name2, worst[1], worst[0]))
    return out
