"""Small Plotly helpers for section builders: lists in, a JSON-safe report ``Figure`` out.

Every helper returns ``Figure(title, plotly)`` where ``plotly`` is plain JSON (no numpy arrays),
ready for ``report.json`` and for the offline HTML report.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import plotly.graph_objects as go

from rackwright.report.section import Figure

Number = float | int


def figure_from(fig: go.Figure, title: str) -> Figure:
    """Wrap any Plotly figure as a report Figure (JSON round trip makes it JSON-safe)."""
    fig.update_layout(title={"text": title}, template="plotly_white")
    plotly: dict[str, Any] = json.loads(fig.to_json())
    return Figure(title=title, plotly=plotly)


def _axes(fig: go.Figure, x_title: str, y_title: str) -> None:
    fig.update_layout(
        xaxis_title=x_title,
        yaxis_title=y_title,
        legend={"orientation": "h", "y": -0.2},
        margin={"l": 60, "r": 20, "t": 60, "b": 60},
    )


def bar(
    title: str,
    categories: Sequence[str],
    series: Mapping[str, Sequence[Number]],
    *,
    x_title: str = "",
    y_title: str = "",
    stacked: bool = False,
) -> Figure:
    """Grouped (or stacked) bars: one trace per entry of ``series``, one bar per category."""
    _check_lengths(categories, series)
    fig = go.Figure(
        [go.Bar(name=name, x=list(categories), y=list(ys)) for name, ys in series.items()]
    )
    fig.update_layout(barmode="stack" if stacked else "group")
    _axes(fig, x_title, y_title)
    return figure_from(fig, title)


def line(
    title: str,
    x: Sequence[Number | str],
    series: Mapping[str, Sequence[Number | None]],
    *,
    x_title: str = "",
    y_title: str = "",
    markers: bool = True,
) -> Figure:
    """One line per entry of ``series`` over the shared ``x`` values (None leaves a gap)."""
    _check_lengths(x, series)
    mode = "lines+markers" if markers else "lines"
    fig = go.Figure(
        [go.Scatter(name=name, x=list(x), y=list(ys), mode=mode) for name, ys in series.items()]
    )
    _axes(fig, x_title, y_title)
    return figure_from(fig, title)


def scatter(
    title: str,
    x: Sequence[Number],
    y: Sequence[Number],
    *,
    labels: Sequence[str] | None = None,
    groups: Sequence[str] | None = None,
    x_title: str = "",
    y_title: str = "",
    log_x: bool = False,
    log_y: bool = False,
) -> Figure:
    """Points (x, y) with optional hover labels; ``groups`` splits them into coloured traces."""
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
    fig.update_layout(showlegend=groups is not None)
    if log_x:
        fig.update_xaxes(type="log")
    if log_y:
        fig.update_yaxes(type="log")
    _axes(fig, x_title, y_title)
    return figure_from(fig, title)


def _check_lengths(x: Sequence[Any], series: Mapping[str, Sequence[Any]]) -> None:
    for name, ys in series.items():
        if len(ys) != len(x):
            raise ValueError(f"series '{name}' has {len(ys)} values for {len(x)} x positions")
