"""Charts as inline SVG, rendered on the server: no JavaScript library and no
CDN (the product runs in closed networks), readable without scripts, and
styled by the page's stylesheet (the ``chart-*`` classes).

Every function returns safe markup; all text that goes in is escaped.
"""

import math

from django.utils.html import escape, format_html, format_html_join


def _html(template, *args):
    """format_html with floats rounded first (it escapes every argument
    to text, so format specs cannot apply)."""
    return format_html(template, *(f"{a:.1f}" if isinstance(a, float) else a for a in args))


def _join(parts):
    return format_html_join("", "{}", ((part,) for part in parts))


def _fmt(number):
    return f"{number:.1f}".rstrip("0").rstrip(".")


def _scale(low, high, size, flip=False):
    span = (high - low) or 1.0

    def place(value):
        share = (value - low) / span
        return size * (1 - share) if flip else size * share

    return place


def nice_ticks(low, high, count=4):
    """Round axis steps (1, 2, 2.5, 5 x 10^n) covering ``low``..``high``."""
    if high <= low:
        high = low + 1
    raw = (high - low) / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.floor(low / step) * step
    ticks, tick = [], first
    while tick < high + step * 0.999:
        ticks.append(round(tick, 10))
        tick += step
    return ticks


def _segments(points):
    """Runs of consecutive known points: a gap (no value) breaks the line."""
    runs, run = [], []
    for point in points:
        if point is None:
            if run:
                runs.append(run)
            run = []
        else:
            run.append(point)
    if run:
        runs.append(run)
    return runs


def sparkline(values, *, label="", status=None, width=120, height=28):
    """A small line of the last periods' values (None for a period without
    any). The last point is marked; ``status`` colours it."""
    known = [v for v in values if v is not None]
    title = escape(label)
    if not known:
        return _html(
            '<svg class="chart-spark" width="{}" height="{}" viewBox="0 0 {} {}" role="img" '
            'aria-label="{}"><title>{}</title><line class="chart-axis" x1="0" y1="{}" x2="{}" '
            'y2="{}"/></svg>',
            width,
            height,
            width,
            height,
            f"{label}: no data",
            f"{label}: no data",
            height - 2,
            width,
            height - 2,
        )
    low, high = min(known), max(known)
    if low == high:
        low, high = low - 1, high + 1
    pad = 3
    x = _scale(0, max(len(values) - 1, 1), width - 2 * pad)
    y = _scale(low, high, height - 2 * pad, flip=True)
    points = [None if v is None else (pad + x(i), pad + y(v)) for i, v in enumerate(values)]
    lines = format_html_join(
        "",
        '<polyline class="chart-line" points="{}"/>',
        ((" ".join(f"{px:.1f},{py:.1f}" for px, py in run),) for run in _segments(points)),
    )
    last = next((p for p in reversed(points) if p is not None), None)
    dot = _html(
        '<circle class="chart-dot status-{}" cx="{}" cy="{}" r="2.5"/>',
        status or "none",
        last[0],
        last[1],
    )
    return _html(
        '<svg class="chart-spark" width="{}" height="{}" viewBox="0 0 {} {}" role="img" '
        'aria-label="{}"><title>{}</title>{}{}</svg>',
        width,
        height,
        width,
        height,
        title,
        title,
        lines,
        dot,
    )


def line_chart(points, *, target=None, warning=None, unit="", label="", width=720, height=240):
    """A trend: ``points`` is a list of (x label, value or None, link or "").
    The target (and warning) thresholds are dashed lines; each point links
    to its period."""
    left, right, top, bottom = 56, 30, 14, 34
    inner_w, inner_h = width - left - right, height - top - bottom
    known = [v for _, v, _ in points if v is not None]
    bounds = known + [t for t in (target, warning) if t is not None]
    low, high = (min(bounds), max(bounds)) if bounds else (0.0, 1.0)
    if low > 0 and (not known or low < (max(bounds) - low) * 2):
        low = 0.0  # anchor at zero unless everything sits high above it
    ticks = nice_ticks(low, high)
    low, high = ticks[0], ticks[-1]
    x = _scale(0, max(len(points) - 1, 1), inner_w)
    y = _scale(low, high, inner_h, flip=True)
    parts = []
    for tick in ticks:
        ty = top + y(tick)
        parts.append(
            _html(
                '<line class="chart-grid" x1="{}" y1="{}" x2="{}" y2="{}"/>'
                '<text class="chart-tick" x="{}" y="{}" text-anchor="end">{}{}</text>',
                left,
                ty,
                left + inner_w,
                ty,
                left - 6,
                ty + 4,
                _fmt(tick),
                unit,
            )
        )
    thresholds = ((warning, "chart-warning", "Warning"), (target, "chart-target", "Target"))
    for value, css, name in thresholds:
        if value is None:
            continue
        ty = top + y(value)
        parts.append(
            _html(
                '<line class="{}" x1="{}" y1="{}" x2="{}" y2="{}"><title>{} {}{}</title></line>',
                css,
                left,
                ty,
                left + inner_w,
                ty,
                name,
                _fmt(value),
                unit,
            )
        )
    placed = [
        None if v is None else (left + x(i), top + y(v)) for i, (_, v, _) in enumerate(points)
    ]
    for run in _segments(placed):
        parts.append(
            _html(
                '<polyline class="chart-line" points="{}"/>',
                " ".join(f"{px:.1f},{py:.1f}" for px, py in run),
            )
        )
    step = max(1, math.ceil(len(points) / 8))  # at most ~8 axis labels
    for i, ((name, value, link), spot) in enumerate(zip(points, placed, strict=True)):
        px = left + x(i)
        if i % step == 0 or i == len(points) - 1:
            parts.append(
                _html(
                    '<text class="chart-tick" x="{}" y="{}" text-anchor="middle">{}</text>',
                    px,
                    height - 12,
                    name,
                )
            )
        if spot is None:
            continue
        dot = _html(
            '<circle class="chart-dot" cx="{}" cy="{}" r="3.5"><title>{}: {}{}</title></circle>',
            spot[0],
            spot[1],
            name,
            _fmt(value),
            unit,
        )
        parts.append(_html('<a href="{}">{}</a>', link, dot) if link else dot)
    return _html(
        '<svg class="chart-line-chart" viewBox="0 0 {} {}" width="100%" role="img" '
        'aria-label="{}"><title>{}</title>{}</svg>',
        width,
        height,
        label,
        label,
        _join(parts),
    )


def bar_chart(rows, *, unit="", label="", width=560, bar=18, gap=6):
    """Horizontal bars: ``rows`` is a list of (label, value or None, link or
    "", status or None). Bars without a value are left out of the scale."""
    left, right = 170, 70
    inner_w = width - left - right
    known = [v for _, v, _, _ in rows if v is not None]
    high = max(known + [0.0]) or 1.0
    height = max(len(rows), 1) * (bar + gap) + gap
    parts = []
    for i, (name, value, link, status) in enumerate(rows):
        ty = gap + i * (bar + gap)
        short = name if len(name) <= 26 else name[:25] + "…"
        parts.append(
            _html(
                '<text class="chart-tick" x="{}" y="{}" text-anchor="end">'
                "{}<title>{}</title></text>",
                left - 8,
                ty + bar - 5,
                short,
                name,
            )
        )
        if value is None:
            parts.append(
                _html('<text class="chart-tick" x="{}" y="{}">no data</text>', left, ty + bar - 5)
            )
            continue
        length = max(inner_w * value / high, 1.0)
        shape = _html(
            '<rect class="chart-bar status-{}" x="{}" y="{}" width="{}" height="{}" rx="2">'
            "<title>{}: {}{}</title></rect>"
            '<text class="chart-value" x="{}" y="{}">{}{}</text>',
            status or "none",
            left,
            ty,
            length,
            bar,
            name,
            _fmt(value),
            unit,
            left + length + 5,
            ty + bar - 5,
            _fmt(value),
            unit,
        )
        parts.append(_html('<a href="{}">{}</a>', link, shape) if link else shape)
    return _html(
        '<svg class="chart-bars" viewBox="0 0 {} {}" width="100%" role="img" aria-label="{}">'
        "<title>{}</title>{}</svg>",
        width,
        height,
        label,
        label,
        _join(parts),
    )
