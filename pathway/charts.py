"""Server-rendered SVG charts: plain numbers in, accessible SVG markup out.

No chart library and no JavaScript. Each chart:
- is an ``<svg role="img">`` labelled by its own ``<title>`` and ``<desc>`` (aria-labelledby);
- scales with its container (a viewBox, no fixed width or height);
- has axis titles and tick labels;
- has a legend that never relies on colour alone: every series has its own dash pattern and
  marker (lines) or fill pattern (bars), and its name in text beside the sample;
- prints legibly in black and white: only black and greys are used.

A chart never stands alone: the page puts a table with the same numbers next to it.

    line_chart(chart_id="progress", title=..., description=..., x_title="Week",
               y_title="Competencies achieved", xs=[0, 1, 2],
               series=[Series("Achieved", [0, 2, 5]), Series("Plan", [0, 3, 6], plan=True)])
    bar_chart(chart_id="compare", title=..., description=..., x_title="Cohort",
              y_title="Average achieved", categories=["Cohort 1", "Cohort 2"],
              series=[Series("Achieved", [6.5, 8.0])])

Every piece of text is escaped (format_html / escape): labels come from people's input.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

SVG_NS = "http://www.w3.org/2000/svg"

TEXT = "#212b32"  # NHS.UK text colour: near black
GRID = "#d8dde0"  # light grey rules
AXIS = "#4c6272"  # dark grey
FONT_SIZE = 13
CHAR_WIDTH = 7.2  # a rough average glyph width at FONT_SIZE, for laying out text


@dataclass(frozen=True)
class Series:
    """One line (or one set of bars): its name and a value per x (None: no value there)."""

    label: str
    values: Sequence[float | None]
    plan: bool = False  # drawn dashed, without markers


@dataclass(frozen=True)
class LineStyle:
    stroke: str
    dash: str  # SVG stroke-dasharray; "" for a solid line
    marker: str | None  # circle, square, triangle, diamond or None
    width: float = 2.5


# Black and greys, each with its own dash pattern and marker so they differ in print too.
LINE_STYLES = (
    LineStyle(TEXT, "", "circle"),
    LineStyle("#425563", "", "square"),
    LineStyle(TEXT, "2 3", "triangle"),
    LineStyle("#768692", "9 3 2 3", "diamond"),
)
PLAN_STYLE = LineStyle(AXIS, "7 5", None, 2)


@dataclass(frozen=True)
class BarStyle:
    fill: str  # a colour, or "hatch" / "dots" for the chart's own patterns
    stroke: str = TEXT


BAR_STYLES = (
    BarStyle("#425563"),
    BarStyle("hatch"),
    BarStyle("#ffffff"),
    BarStyle("dots"),
)


@dataclass(frozen=True)
class Frame:
    """Where the plot area sits inside the viewBox."""

    width: float
    height: float
    left: float
    right: float
    top: float
    bottom: float

    @property
    def plot_width(self) -> float:
        return self.right - self.left

    @property
    def plot_height(self) -> float:
        return self.bottom - self.top


def number(value: float) -> str:
    """A number as short text: 3, 2.5, 0.33."""
    if value is None:
        return ""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _coord(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def nice_step(span: float, *, count: int = 5, integer: bool = False) -> float:
    """A round step (1, 2, 2.5 or 5 times a power of ten) giving about `count` ticks."""
    if span <= 0:
        return 1
    raw = span / count
    magnitude = 10 ** math.floor(math.log10(raw))
    for multiple in (1, 2, 2.5, 5, 10):
        step = multiple * magnitude
        if integer and not float(step).is_integer():
            continue
        if step >= raw - 1e-12:
            return max(step, 1) if integer else step
    return 10 * magnitude


def value_ticks(maximum: float, *, count: int = 5, integer: bool = False) -> list[float]:
    """Ticks from 0 to a round number at or above `maximum`; the last is the axis top."""
    maximum = max(maximum, 0)
    if maximum == 0:
        return [0, 1]
    step = nice_step(maximum, count=count, integer=integer)
    steps = math.ceil(maximum / step - 1e-9)
    return [round(i * step, 10) for i in range(steps + 1)]


def _text_width(text: str) -> float:
    return len(text) * CHAR_WIDTH


def _open(chart_id: str, frame: Frame, title: str, description: str, kind: str) -> SafeString:
    return format_html(
        '<svg xmlns="{}" class="app-chart app-chart--{}" viewBox="0 0 {} {}" role="img" '
        'aria-labelledby="{}-title {}-desc" preserveAspectRatio="xMidYMid meet" '
        'font-family="Frutiger W01, Arial, sans-serif" font-size="{}">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>',
        SVG_NS,
        kind,
        _coord(frame.width),
        _coord(frame.height),
        chart_id,
        chart_id,
        FONT_SIZE,
        chart_id,
        title,
        chart_id,
        description,
    )


def _legend_layout(labels: Sequence[str], width: float, left: float) -> list[tuple[float, float]]:
    """Where each legend entry starts: left to right, wrapping onto new rows."""
    positions, x, y = [], left, 18.0
    for label in labels:
        entry = 40 + _text_width(label) + 20
        if x > left and x + entry > width - 8:
            x, y = left, y + 22
        positions.append((x, y))
        x += entry
    return positions


def _legend_height(labels: Sequence[str], width: float, left: float) -> float:
    positions = _legend_layout(labels, width, left)
    return (positions[-1][1] if positions else 0) + 16


def _marker(kind: str | None, x: float, y: float, colour: str, css: str = "app-chart__marker"):
    if kind == "circle":
        return format_html(
            '<circle class="{}" cx="{}" cy="{}" r="3.5" fill="{}"/>',
            css,
            _coord(x),
            _coord(y),
            colour,
        )
    if kind == "square":
        return format_html(
            '<rect class="{}" x="{}" y="{}" width="7" height="7" fill="#ffffff" stroke="{}" '
            'stroke-width="1.5"/>',
            css,
            _coord(x - 3.5),
            _coord(y - 3.5),
            colour,
        )
    if kind == "triangle":
        points = f"{_coord(x)},{_coord(y - 4.5)} {_coord(x + 4.5)},{_coord(y + 3.5)} " + (
            f"{_coord(x - 4.5)},{_coord(y + 3.5)}"
        )
        return format_html('<polygon class="{}" points="{}" fill="{}"/>', css, points, colour)
    if kind == "diamond":
        points = (
            f"{_coord(x)},{_coord(y - 5)} {_coord(x + 5)},{_coord(y)} "
            f"{_coord(x)},{_coord(y + 5)} {_coord(x - 5)},{_coord(y)}"
        )
        return format_html(
            '<polygon class="{}" points="{}" fill="#ffffff" stroke="{}" stroke-width="1.5"/>',
            css,
            points,
            colour,
        )
    return SafeString("")


def _value_axis(frame: Frame, ticks: Sequence[float], y_title: str, to_y) -> SafeString:
    parts = []
    for tick in ticks:
        y = to_y(tick)
        parts.append(
            format_html(
                '<line class="app-chart__gridline" x1="{}" y1="{}" x2="{}" y2="{}" '
                'stroke="{}" stroke-width="1"/>'
                '<text class="app-chart__tick app-chart__tick--y" x="{}" y="{}" '
                'text-anchor="end" dy="0.32em" fill="{}">{}</text>',
                _coord(frame.left),
                _coord(y),
                _coord(frame.right),
                _coord(y),
                GRID,
                _coord(frame.left - 8),
                _coord(y),
                TEXT,
                number(tick),
            )
        )
    middle = frame.top + frame.plot_height / 2
    parts.append(
        format_html(
            '<text class="app-chart__axis-title app-chart__axis-title--y" x="{}" y="{}" '
            'transform="rotate(-90)" text-anchor="middle" font-weight="bold" fill="{}">{}</text>',
            _coord(-middle),
            16,
            TEXT,
            y_title,
        )
    )
    parts.append(
        format_html(
            '<line class="app-chart__axis" x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" '
            'stroke-width="1.5"/>',
            _coord(frame.left),
            _coord(frame.top),
            _coord(frame.left),
            _coord(frame.bottom),
            AXIS,
        )
    )
    return mark_safe("".join(parts))  # noqa: S308 - every part was built with format_html


def _category_axis_line(frame: Frame, x_title: str) -> SafeString:
    return format_html(
        '<line class="app-chart__axis" x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" '
        'stroke-width="1.5"/>'
        '<text class="app-chart__axis-title app-chart__axis-title--x" x="{}" y="{}" '
        'text-anchor="middle" font-weight="bold" fill="{}">{}</text>',
        _coord(frame.left),
        _coord(frame.bottom),
        _coord(frame.right),
        _coord(frame.bottom),
        AXIS,
        _coord(frame.left + frame.plot_width / 2),
        _coord(frame.height - 10),
        TEXT,
        x_title,
    )


def _line_styles(series: Sequence[Series]) -> list[LineStyle]:
    """Plan series share the dashed plan style; the others take the line styles in turn."""
    styles, solid = [], 0
    for item in series:
        if item.plan:
            styles.append(PLAN_STYLE)
        else:
            styles.append(LINE_STYLES[solid % len(LINE_STYLES)])
            solid += 1
    return styles


@dataclass(frozen=True)
class _LineScale:
    """Maps data to drawing coordinates: x from the first to the last x, y from 0 to the top
    tick."""

    frame: Frame
    x_min: float
    x_max: float
    y_top: float

    @classmethod
    def fitting(cls, frame: Frame, xs: Sequence[float], y_top: float) -> _LineScale:
        x_min = min(xs, default=0)
        x_max = max(xs, default=1)
        if x_max == x_min:
            x_max = x_min + 1
        return cls(frame, x_min, x_max, y_top)

    def to_x(self, x: float) -> float:
        return self.frame.left + (x - self.x_min) / (self.x_max - self.x_min) * (
            self.frame.plot_width
        )

    def to_y(self, y: float) -> float:
        return self.frame.bottom - (y / self.y_top) * self.frame.plot_height


def _x_ticks(scale: _LineScale, x_tick_label: Callable[[float], str]) -> list[SafeString]:
    frame = scale.frame
    x_step = nice_step(scale.x_max - scale.x_min, count=8, integer=True)
    tick = math.ceil(scale.x_min / x_step) * x_step
    parts = []
    while tick <= scale.x_max + 1e-9:
        x = scale.to_x(tick)
        parts.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="1"/>'
                '<text class="app-chart__tick app-chart__tick--x" x="{}" y="{}" '
                'text-anchor="middle" fill="{}">{}</text>',
                _coord(x),
                _coord(frame.bottom),
                _coord(x),
                _coord(frame.bottom + 5),
                AXIS,
                _coord(x),
                _coord(frame.bottom + 20),
                TEXT,
                x_tick_label(tick),
            )
        )
        tick += x_step
    return parts


def _runs(
    xs: Sequence[float], values: Sequence[float | None], scale: _LineScale
) -> list[list[tuple[float, float]]]:
    """The unbroken stretches of a series, as drawing points: a missing value breaks the line."""
    runs, run = [], []
    for x, y in zip(xs, values, strict=False):
        if y is None:
            if run:
                runs.append(run)
            run = []
        else:
            run.append((scale.to_x(x), scale.to_y(y)))
    if run:
        runs.append(run)
    return runs


def _line_series(
    index: int, item: Series, style: LineStyle, xs: Sequence[float], scale: _LineScale
) -> SafeString:
    group = [
        format_html(
            '<g class="app-chart__series{}" data-series="{}">',
            " app-chart__series--plan" if item.plan else "",
            index,
        )
    ]
    for points in _runs(xs, item.values, scale):
        group.append(
            format_html(
                '<polyline class="app-chart__line" points="{}" fill="none" stroke="{}" '
                'stroke-width="{}" stroke-dasharray="{}" stroke-linejoin="round"/>',
                " ".join(f"{_coord(x)},{_coord(y)}" for x, y in points),
                style.stroke,
                _coord(style.width),
                style.dash or "none",
            )
        )
        if style.marker:
            group.extend(_marker(style.marker, x, y, style.stroke) for x, y in points)
    group.append(SafeString("</g>"))
    return mark_safe("".join(group))  # noqa: S308 - built with format_html


def _line_legend(
    series: Sequence[Series], styles: Sequence[LineStyle], width: float, left: float
) -> SafeString:
    labels = [item.label for item in series]
    legend = ['<g class="app-chart__legend">']
    for (x, y), item, style in zip(
        _legend_layout(labels, width, left), series, styles, strict=True
    ):
        legend.append(
            format_html(
                '<g class="app-chart__legend-item">'
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="{}" '
                'stroke-dasharray="{}"/>{}'
                '<text x="{}" y="{}" dy="0.32em" fill="{}">{}</text></g>',
                _coord(x),
                _coord(y),
                _coord(x + 32),
                _coord(y),
                style.stroke,
                _coord(style.width),
                style.dash or "none",
                _marker(style.marker, x + 16, y, style.stroke, "app-chart__legend-marker"),
                _coord(x + 40),
                _coord(y),
                TEXT,
                item.label,
            )
        )
    legend.append("</g>")
    return mark_safe("".join(legend))  # noqa: S308 - built with format_html


def line_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    x_title: str,
    y_title: str,
    xs: Sequence[float],
    series: Sequence[Series],
    x_tick_label: Callable[[float], str] = number,
    integer_y: bool = True,
    width: float = 720,
    height: float = 420,
) -> SafeString:
    """Lines over a numeric x axis (weeks, say). Plan series are dashed and have no markers.

    The x axis runs from the first to the last x; the y axis from 0 to a round number at or
    above the largest value (its top tick).
    """
    styles = _line_styles(series)
    left = 72
    top = _legend_height([item.label for item in series], width, left) + 14
    frame = Frame(width, height, left, width - 24, top, height - 58)

    values = [v for item in series for v in item.values if v is not None]
    ticks = value_ticks(max(values, default=0), integer=integer_y)
    scale = _LineScale.fitting(frame, xs, ticks[-1])

    parts = [_open(chart_id, frame, title, description, "line")]
    parts.append(_value_axis(frame, ticks, y_title, scale.to_y))
    parts.extend(_x_ticks(scale, x_tick_label))
    parts.append(_category_axis_line(frame, x_title))
    for index, (item, style) in enumerate(zip(series, styles, strict=True)):
        parts.append(_line_series(index, item, style, xs, scale))
    parts.append(_line_legend(series, styles, width, left))
    parts.append(SafeString("</svg>"))
    return mark_safe("".join(parts))  # noqa: S308 - built with format_html


def _bar_fill(style: BarStyle, chart_id: str) -> str:
    if style.fill in ("hatch", "dots"):
        return f"url(#{chart_id}-{style.fill})"
    return style.fill


def _patterns(chart_id: str) -> SafeString:
    return format_html(
        "<defs>"
        '<pattern id="{}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)">'
        '<rect width="6" height="6" fill="#ffffff"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="{}" stroke-width="2.5"/></pattern>'
        '<pattern id="{}-dots" width="6" height="6" patternUnits="userSpaceOnUse">'
        '<rect width="6" height="6" fill="#ffffff"/>'
        '<circle cx="3" cy="3" r="1.5" fill="{}"/></pattern>'
        "</defs>",
        chart_id,
        TEXT,
        chart_id,
        TEXT,
    )


def bar_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    x_title: str,
    y_title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    integer_y: bool = False,
    width: float = 720,
    height: float = 420,
) -> SafeString:
    """Bars per category; with several series, grouped side by side. Each bar shows its value
    above it, and each series has its own fill pattern (solid, hatched, white, dotted)."""
    styles = [BAR_STYLES[i % len(BAR_STYLES)] for i in range(len(series))]
    labels = [item.label for item in series]
    left = 72
    top = _legend_height(labels, width, left) + 20
    band = (width - 24 - left) / max(len(categories), 1)
    rotate = any(_text_width(c) > band - 8 for c in categories)
    bottom = height - (96 if rotate else 58)
    frame = Frame(width, height, left, width - 24, top, bottom)

    values = [v for item in series for v in item.values if v is not None]
    ticks = value_ticks(max(values, default=0), integer=integer_y)
    y_top = ticks[-1]

    def to_y(y: float) -> float:
        return frame.bottom - (y / y_top) * frame.plot_height

    parts = [_open(chart_id, frame, title, description, "bar"), _patterns(chart_id)]
    parts.append(_value_axis(frame, ticks, y_title, to_y))

    group_width = band * 0.7
    bar_width = group_width / max(len(series), 1)
    for c, category in enumerate(categories):
        centre = frame.left + band * (c + 0.5)
        start = centre - group_width / 2
        for s, (item, style) in enumerate(zip(series, styles, strict=True)):
            value = item.values[c] if c < len(item.values) else None
            if value is None:
                continue
            x = start + s * bar_width
            y = to_y(value)
            parts.append(
                format_html(
                    '<rect class="app-chart__bar" data-series="{}" x="{}" y="{}" width="{}" '
                    'height="{}" fill="{}" stroke="{}" stroke-width="1.5">'
                    "<title>{}: {} {}</title></rect>"
                    '<text class="app-chart__value" x="{}" y="{}" text-anchor="middle" '
                    'fill="{}">{}</text>',
                    s,
                    _coord(x),
                    _coord(y),
                    _coord(bar_width),
                    _coord(frame.bottom - y),
                    _bar_fill(style, chart_id),
                    style.stroke,
                    category,
                    item.label,
                    number(value),
                    _coord(x + bar_width / 2),
                    _coord(y - 6),
                    TEXT,
                    number(value),
                )
            )
        label_y = frame.bottom + 20
        if rotate:
            parts.append(
                format_html(
                    '<text class="app-chart__tick app-chart__tick--x" x="{}" y="{}" '
                    'text-anchor="end" transform="rotate(-30 {} {})" fill="{}">{}</text>',
                    _coord(centre),
                    _coord(label_y),
                    _coord(centre),
                    _coord(label_y),
                    TEXT,
                    category,
                )
            )
        else:
            parts.append(
                format_html(
                    '<text class="app-chart__tick app-chart__tick--x" x="{}" y="{}" '
                    'text-anchor="middle" fill="{}">{}</text>',
                    _coord(centre),
                    _coord(label_y),
                    TEXT,
                    category,
                )
            )
    parts.append(_category_axis_line(frame, x_title))

    legend = ['<g class="app-chart__legend">']
    legend.append(
        format_html_join(
            "",
            '<g class="app-chart__legend-item"><rect x="{}" y="{}" width="28" height="14" '
            'fill="{}" stroke="{}" stroke-width="1.5"/>'
            '<text x="{}" y="{}" dy="0.32em" fill="{}">{}</text></g>',
            (
                (
                    _coord(x),
                    _coord(y - 7),
                    _bar_fill(style, chart_id),
                    style.stroke,
                    _coord(x + 40),
                    _coord(y),
                    TEXT,
                    item.label,
                )
                for (x, y), item, style in zip(
                    _legend_layout(labels, width, left), series, styles, strict=True
                )
            ),
        )
    )
    legend.append("</g>")
    parts.append(mark_safe("".join(legend)))  # noqa: S308 - built with format_html
    parts.append(SafeString("</svg>"))
    return mark_safe("".join(parts))  # noqa: S308 - built with format_html
