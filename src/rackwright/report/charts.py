"""Plotly helpers for section presenters: lists in, a JSON-safe report ``Figure`` out.

Every chart of the report goes through ``figure_from``, which gives all of them one look and
the same guarantees:

- every axis that carries data has a title (with its unit: presenters name it);
- margins grow to fit tick labels, axis titles and the legend (Plotly's automargin), so nothing
  is clipped on a narrow screen; the legend sits below the plot, anchored to the chart's bottom;
- an axis titled with "year" whose values are whole numbers gets one tick per year, written as
  an integer (never "2,026.5");
- ``percent`` axes show shares (fractions 0..1) as percent;
- ``Guide`` lines (a deadline, a limit, a target) are drawn across the plot with their label.

``plotly`` in the returned ``Figure`` is plain JSON (no numpy arrays), ready for ``report.json``
and the offline HTML report.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import plotly.graph_objects as go

from rackwright.report.section import Figure

Number = float | int

MAX_YEAR_TICKS = 12
# A chart with more traces than this gets more height: its legend wraps onto several rows.
CROWDED_LEGEND = 5
CROWDED_HEIGHT_PX = 480
_AXIS_KEY = re.compile(r"^([xy])axis(\d*)$")


@dataclass(frozen=True)
class Guide:
    """A labelled reference line across a chart: ``axis="x"`` draws it upright at ``value``.

    The label sits just above the plot (upright lines) or at its left edge (level lines), after
    the line;
    ``label_before`` puts it before the line instead (to keep two close labels apart).
    """

    axis: Literal["x", "y"]
    value: float
    label: str
    dash: str = "dash"
    color: str = "#c62828"
    label_before: bool = False


def figure_from(
    fig: go.Figure,
    title: str,
    *,
    note: str = "",
    guides: Sequence[Guide] = (),
) -> Figure:
    """Wrap a Plotly figure as a report Figure in the report's look (see the module docstring).

    Raises ValueError when an axis that carries data has no title: every chart names what it
    plots and in which unit.
    """
    for guide in guides:
        _add_guide(fig, guide)
    fig.update_layout(
        title={"text": title, "x": 0.01, "xanchor": "left"},
        template="plotly_white",
        margin={"l": 8, "r": 16, "t": 56, "b": 8},
        legend={"orientation": "h", "x": 0, "y": 0, "yref": "container", "yanchor": "bottom"},
        hoverlabel={"namelength": -1},
    )
    if len(fig.data) > CROWDED_LEGEND and fig.layout.height is None:
        fig.update_layout(height=CROWDED_HEIGHT_PX)  # the legend's rows take the plot's room
    fig.update_xaxes(automargin=True, title_standoff=8)
    fig.update_yaxes(automargin=True, title_standoff=8)
    plotly: dict[str, Any] = json.loads(fig.to_json())
    _check_axis_titles(plotly, title)
    _year_ticks(plotly)
    return Figure(title=title, plotly=plotly, note=note)


def _add_guide(fig: go.Figure, guide: Guide) -> None:
    """The line as a shape in data units, its label as an annotation at the plot's edge.

    Plotly places shapes on a log axis by data value but annotations by log10 of it, so the
    label's position is converted here (plotly.py's add_vline would lose it off the plot).
    """
    axis = fig.layout.xaxis if guide.axis == "x" else fig.layout.yaxis
    at = math.log10(guide.value) if axis.type == "log" and guide.value > 0 else guide.value
    line = {"dash": guide.dash, "color": guide.color, "width": 2}
    font = {"color": guide.color}
    if guide.axis == "x":
        fig.add_shape(
            type="line", xref="x", yref="paper", x0=guide.value, x1=guide.value, y0=0, y1=1,
            line=line,
        )  # fmt: skip
        fig.add_annotation(
            xref="x", yref="paper", x=at, y=1, text=guide.label, showarrow=False,
            xanchor="right" if guide.label_before else "left", yanchor="bottom",
            xshift=-4 if guide.label_before else 4, font=font,
        )  # fmt: skip
    else:
        fig.add_shape(
            type="line", xref="paper", yref="y", x0=0, x1=1, y0=guide.value, y1=guide.value,
            line=line,
        )  # fmt: skip
        fig.add_annotation(
            xref="paper", yref="y", x=0, y=at, text=guide.label, showarrow=False,
            xanchor="left", yanchor="top" if guide.label_before else "bottom", xshift=4,
            font=font,
        )  # fmt: skip


def log_ticks(low: float, high: float) -> list[float]:
    """Tick values 1, 2, 3, 5 x 10^k between ``low`` and ``high`` (a readable log axis)."""
    if low <= 0 or high <= low:
        return []
    ticks: list[float] = []
    for exponent in range(math.floor(math.log10(low)), math.ceil(math.log10(high)) + 1):
        for mantissa in (1, 2, 3, 5):
            value = mantissa * 10.0**exponent
            if low <= value <= high:
                ticks.append(value)
    return ticks


def _axes_in_use(plotly: dict[str, Any]) -> dict[str, list[Any]]:
    """Layout axis key ("xaxis", "yaxis2", ...) -> every data value plotted along it."""
    values: dict[str, list[Any]] = {}
    for trace in plotly.get("data", []):
        for letter in ("x", "y"):
            ref = str(trace.get(f"{letter}axis", letter))
            key = f"{letter}axis{ref[1:]}"
            values.setdefault(key, []).extend(_flat(trace.get(letter)))
    return values


def _flat(values: Any) -> Iterable[Any]:
    if isinstance(values, list):
        for v in values:
            yield from _flat(v)
    elif values is not None:
        yield values


def _axis_title(layout: dict[str, Any], key: str) -> str:
    title = layout.get(key, {}).get("title", {})
    return str(title.get("text", "") if isinstance(title, dict) else title or "")


def _check_axis_titles(plotly: dict[str, Any], chart: str) -> None:
    layout = plotly.setdefault("layout", {})
    for key, values in _axes_in_use(plotly).items():
        if values and not _axis_title(layout, key).strip():
            raise ValueError(f"chart '{chart}': {key} has no title (name what it plots, in units)")


def _year_ticks(plotly: dict[str, Any]) -> None:
    """One integer tick per year (or every n-th year on a long axis) on each year axis."""
    layout = plotly["layout"]
    for key, values in _axes_in_use(plotly).items():
        if "year" not in _axis_title(layout, key).lower():
            continue
        years = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
        if not years or len(years) != len(values) or any(y != int(y) for y in years):
            continue
        ticks = sorted({int(y) for y in years})
        step = math.ceil(len(ticks) / MAX_YEAR_TICKS)
        shown = list(range(ticks[0], ticks[-1] + 1, step))
        axis = layout.setdefault(key, {})
        axis.update(
            {
                "tickmode": "array",
                "tickvals": shown,
                "ticktext": [str(y) for y in shown],
                "hoverformat": "d",
            }
        )


def _percent(fig: go.Figure, x: bool, y: bool) -> None:
    """Shares (fractions) as percent on the axis and in hover labels.

    A share axis starts at zero: it reads honestly, and shares equal but for float noise (0.2 and
    0.20000000000000004) no longer give Plotly a range too narrow to tick (Infinity in the SVG).
    """
    if x:
        fig.update_xaxes(tickformat=".0%", hoverformat=".1%", rangemode="tozero")
    if y:
        fig.update_yaxes(tickformat=".0%", hoverformat=".1%", rangemode="tozero")


def bar(
    title: str,
    categories: Sequence[str],
    series: Mapping[str, Sequence[Number]],
    *,
    x_title: str,
    y_title: str,
    stacked: bool = False,
    percent: bool = False,
    guides: Sequence[Guide] = (),
    note: str = "",
) -> Figure:
    """Grouped (or stacked) bars: one trace per entry of ``series``, one bar per category.

    ``percent``: the values are shares (0..1), shown as percent.
    """
    _check_lengths(categories, series)
    fig = go.Figure(
        [go.Bar(name=name, x=list(categories), y=list(ys)) for name, ys in series.items()]
    )
    fig.update_layout(barmode="stack" if stacked else "group")
    fig.update_layout(xaxis_title=x_title, yaxis_title=y_title, showlegend=len(series) > 1)
    _percent(fig, x=False, y=percent)
    return figure_from(fig, title, guides=guides, note=note)


def line(
    title: str,
    x: Sequence[Number | str],
    series: Mapping[str, Sequence[Number | None]],
    *,
    x_title: str,
    y_title: str,
    markers: bool = True,
    x_percent: bool = False,
    y_percent: bool = False,
    guides: Sequence[Guide] = (),
    note: str = "",
) -> Figure:
    """One line per entry of ``series`` over the shared ``x`` values (None leaves a gap)."""
    _check_lengths(x, series)
    mode = "lines+markers" if markers else "lines"
    fig = go.Figure(
        [go.Scatter(name=name, x=list(x), y=list(ys), mode=mode) for name, ys in series.items()]
    )
    fig.update_layout(xaxis_title=x_title, yaxis_title=y_title)
    _percent(fig, x=x_percent, y=y_percent)
    return figure_from(fig, title, guides=guides, note=note)


def tornado(
    title: str,
    labels: Sequence[str],
    base: float,
    at_low: Sequence[Number],
    at_high: Sequence[Number],
    *,
    x_title: str,
    y_title: str = "assumption",
    note: str = "",
) -> Figure:
    """A sensitivity tornado: per assumption (first on top) a bar from ``base`` to the figure at
    its low and one to the figure at its high, with the base drawn as a line."""
    _check_lengths(labels, {"at low": at_low, "at high": at_high})
    order = list(range(len(labels)))[::-1]  # Plotly draws the first category at the bottom
    names = [labels[i] for i in order]
    fig = go.Figure(
        [
            go.Bar(
                name=name,
                y=names,
                x=[values[i] - base for i in order],
                base=base,
                orientation="h",
            )
            for name, values in (("assumption at its low", at_low), ("at its high", at_high))
        ]
    )
    fig.update_layout(barmode="overlay", xaxis_title=x_title, yaxis_title=y_title)
    fig.update_traces(opacity=0.8)
    return figure_from(fig, title, guides=[Guide("x", base, "base", dash="dot")], note=note)


@dataclass(frozen=True)
class AxisRange:
    """Where an axis starts and ends, in data units (a log axis is converted for Plotly)."""

    low: float
    high: float


def scatter(
    title: str,
    x: Sequence[Number],
    y: Sequence[Number],
    *,
    x_title: str,
    y_title: str,
    labels: Sequence[str] | None = None,
    groups: Sequence[str] | None = None,
    log_x: bool = False,
    log_y: bool = False,
    x_range: AxisRange | None = None,
    y_range: AxisRange | None = None,
    guides: Sequence[Guide] = (),
    note: str = "",
) -> Figure:
    """Points (x, y) with optional hover labels; ``groups`` splits them into coloured traces.

    Every point stays in the figure's data; ``x_range``/``y_range`` only choose what the axes
    show (say in ``note`` what falls outside).
    """
    if len(x) != len(y):
        raise ValueError(f"scatter '{title}': {len(x)} x values but {len(y)} y values")
    names = list(groups) if groups is not None else [""] * len(x)
    texts = list(labels) if labels is not None else [""] * len(x)
    if len(names) != len(x) or len(texts) != len(x):
        raise ValueError(f"scatter '{title}': labels/groups must match the {len(x)} points")
    traces = []
    for group in dict.fromkeys(names):
        idx = [i for i, g in enumerate(names) if g == group]
        traces.append(
            go.Scatter(
                name=group or title,
                x=[x[i] for i in idx],
                y=[y[i] for i in idx],
                text=[texts[i] for i in idx],
                mode="markers",
                hovertemplate="%{text}<br>%{x}, %{y}<extra></extra>",
            )
        )
    fig = go.Figure(traces)
    fig.update_layout(showlegend=groups is not None, xaxis_title=x_title, yaxis_title=y_title)
    if log_x:
        fig.update_xaxes(type="log")
    if log_y:
        fig.update_yaxes(type="log")
    if x_range is not None:
        fig.update_xaxes(_range_settings(x_range, log_x))
    if y_range is not None:
        fig.update_yaxes(_range_settings(y_range, log_y))
    return figure_from(fig, title, guides=guides, note=note)


def _range_settings(bounds: AxisRange, log: bool) -> dict[str, Any]:
    """Plotly takes a log axis's range as log10 of the data values; its ticks are spelled out
    (Plotly's own log ticks read "2, 3, 5" for 20, 30, 50)."""
    if not log:
        return {"range": [bounds.low, bounds.high]}
    if bounds.low <= 0 or bounds.high <= 0:
        raise ValueError(f"a log axis cannot show {bounds.low}..{bounds.high}")
    ticks = log_ticks(bounds.low, bounds.high)
    return {
        "range": [math.log10(bounds.low), math.log10(bounds.high)],
        "tickmode": "array",
        "tickvals": ticks,
        "ticktext": [f"{v:,g}" for v in ticks],
    }


def _check_lengths(x: Sequence[Any], series: Mapping[str, Sequence[Any]]) -> None:
    for name, ys in series.items():
        if len(ys) != len(x):
            raise ValueError(f"series '{name}' has {len(ys)} values for {len(x)} x positions")
