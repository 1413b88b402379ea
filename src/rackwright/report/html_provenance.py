"""The catalog provenance part of ``report.html``, grouped by what a reader looks for.

- how much of the plan rests on what: entries by kind and confidence (one small table);
- which entries are weakest: the entries, weakest confidence first, grouped by confidence;
- what a source is: each published source's title linked to its address, with its publisher's
  domain and how many entries cite it (most cited first); the labelled assumptions apart.

Every source id in the entries links to its row; long tables are short by default.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from html import escape
from typing import Any
from urllib.parse import urlsplit

from rackwright.report.html_tables import Cell, Row, table_box

# Weakest first: an unverified figure is what a reader checks before anything else.
CONFIDENCE_ORDER = ("U", "E", "S", "V")


def badge(code: str) -> str:
    """A coloured confidence tag (V/S/E/U; any other code in a neutral colour)."""
    css = f" conf-{code}" if code in CONFIDENCE_ORDER else ""
    return f'<span class="conf{css}">{escape(code)}</span>'


def source_anchor(source_id: str) -> str:
    """The id of a source's row."""
    return "src-" + "".join(ch if ch.isalnum() else "-" for ch in source_id)


def publisher(url: str) -> str:
    """The host a web address belongs to, without ``www.`` ('' when it is no web address)."""
    if not url.startswith(("http://", "https://")):
        return ""
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.")


def _source_links(ids: list[str], known: Mapping[str, Any]) -> str:
    return ", ".join(
        f'<a href="#{source_anchor(s)}">{escape(s)}</a>' if s in known else escape(s) for s in ids
    )


def _rank(code: str) -> int:
    return CONFIDENCE_ORDER.index(code) if code in CONFIDENCE_ORDER else -1


def _citations(entries: list[dict[str, Any]]) -> Counter[str]:
    """How many entries cite each source, for the entry or for one of its fields."""
    counts: Counter[str] = Counter()
    for e in entries:
        cited = set(e["sources"])
        for f in e["fields"].values():
            cited.update(f["sources"])
        counts.update(cited)
    return counts


def _matrix(entries: list[dict[str, Any]]) -> str:
    codes = sorted({e["confidence"] for e in entries} | set(CONFIDENCE_ORDER), key=_rank)
    kinds = sorted({e["kind"] for e in entries})
    count = Counter((e["kind"], e["confidence"]) for e in entries)
    rows: list[Row] = [
        [
            Cell(escape(kind)),
            *(Cell.of(count[(kind, c)]) for c in codes),
            Cell.of(sum(count[(kind, c)] for c in codes)),
        ]
        for kind in kinds
    ]
    rows.append(
        [
            Cell("<strong>all</strong>"),
            *(Cell.of(sum(count[(k, c)] for k in kinds)) for c in codes),
            Cell.of(len(entries)),
        ]
    )
    return table_box("Catalog entries by kind and confidence", ["kind", *codes, "all"], rows)


def _entries(entries: list[dict[str, Any]], legend: Mapping[str, str], known: Any) -> str:
    ordered = sorted(entries, key=lambda e: (_rank(e["confidence"]), e["kind"], e["id"]))
    rows: list[Row] = []
    for e in ordered:
        code = e["confidence"]
        fields = "; ".join(
            f"{escape(name)} {badge(f['confidence'])} {_source_links(f['sources'], known)}"
            for name, f in e["fields"].items()
        )
        origin = f'<br><span class="note">{escape(e["origin"])}</span>' if e["origin"] else ""
        rows.append(
            [
                Cell(f"{badge(code)} {escape(legend.get(code, 'undefined confidence'))}"),
                Cell(escape(e["kind"])),
                Cell(f"<code>{escape(e['id'])}</code> {escape(e['name'])}{origin}"),
                Cell(_source_links(e["sources"], known)),
                Cell(fields),
            ]
        )
    return table_box(
        "Catalog entries this plan uses, weakest confidence first",
        ["confidence", "kind", "entry (file:line)", "sources", "fields with their own sources"],
        rows,
        box_id="provenance-entries",
    )


def _most_cited(sources: Mapping[str, Any], cited_by: Counter[str], web: bool) -> list[str]:
    """The ids of the sources with (``web``) or without a web address, most cited first."""
    ids = [s for s, v in sources.items() if bool(publisher(v["url"])) == web]
    return sorted(ids, key=lambda s: (-cited_by[s], s))


def _id_cell(source_id: str) -> Cell:
    return Cell(f'<span id="{source_anchor(source_id)}">{escape(source_id)}</span>')


def _sources(sources: Mapping[str, Any], cited_by: Counter[str]) -> str:
    rows: list[Row] = []
    for sid in _most_cited(sources, cited_by, web=True):
        url, title = sources[sid]["url"], sources[sid]["title"]
        rows.append(
            [
                _id_cell(sid),
                Cell(f'<a href="{escape(url)}" rel="noreferrer">{escape(title)}</a>'),
                Cell(f'<span class="publisher">{escape(publisher(url))}</span>'),
                Cell(escape(sources[sid]["kind"])),
                Cell.of(cited_by[sid]),
            ]
        )
    return table_box(
        "Published sources, most cited first",
        ["id", "source", "publisher", "kind", "entries citing it"],
        rows,
        box_id="provenance-sources",
    )


def _assumptions(sources: Mapping[str, Any], cited_by: Counter[str]) -> str:
    rows: list[Row] = []
    for sid in _most_cited(sources, cited_by, web=False):
        url = sources[sid]["url"]
        where = f" (reference: {url})" if url else ""
        rows.append(
            [
                _id_cell(sid),
                Cell(escape(sources[sid]["title"] + where)),
                Cell(escape(sources[sid]["kind"])),
                Cell.of(cited_by[sid]),
            ]
        )
    return table_box(
        "Labelled assumptions and sources without a web address, most cited first",
        ["id", "statement", "kind", "entries citing it"],
        rows,
        box_id="provenance-assumptions",
    )


def provenance_body(provenance: Mapping[str, Any]) -> str:
    """The provenance section's content (legend, counts, entries, sources, assumptions)."""
    legend: Mapping[str, str] = provenance["legend"]
    entries: list[dict[str, Any]] = provenance["entries"]
    sources: Mapping[str, Any] = provenance["sources"]
    items = "".join(f"<li>{badge(code)} {escape(label)}</li>" for code, label in legend.items())
    cited_by = _citations(entries)
    return (
        "<p>Every catalog figure carries its sources and a confidence tag; a figure whose "
        "sources differ from its entry's is listed with them. Override any entry with "
        "<code>--catalog FILE</code> and <code>override = true</code>.</p>"
        f'<ul class="legend-list">{items}</ul>'
        f"{_matrix(entries)}{_entries(entries, legend, sources)}"
        f"{_sources(sources, cited_by)}{_assumptions(sources, cited_by)}"
    )
