"""Find the line of a key in TOML text, so errors can name it.

tomllib gives no positions for values; this walks the text and tracks the current table and
array-of-tables index, which is enough for the files people write by hand.
"""

from __future__ import annotations

import re

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*(\]\]?)\s*(#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-\"'.]+)\s*=")


def _split_key(key: str) -> list[str]:
    return [part.strip().strip("\"'") for part in key.split(".")]


def locate(text: str, path: tuple[str | int, ...]) -> int | None:
    """The 1-based line where ``path`` (e.g. ``("workload", 0, "tokens")``) is set, or None.

    Arrays of tables nest to any depth (``("rule", 2, "period", 0, "rate")``: each ``[[rule]]``
    restarts the count of its ``[[rule.period]]``). Falls back to the closest enclosing table
    header when the key itself is not found.
    """
    want = [str(p) for p in path]
    counts: dict[str, int] = {}  # current index of each array of tables, by dotted name
    table: list[str] = []
    best: int | None = None
    best_len = -1
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header:
            names = _split_key(header.group(2))
            joined = ".".join(names)
            if header.group(1) == "[[":
                counts[joined] = counts.get(joined, -1) + 1
                for name in [n for n in counts if n.startswith(joined + ".")]:
                    del counts[name]  # a new parent entry restarts its nested arrays
            table = _indexed(names, counts)
            candidate = table
        else:
            key = _KEY.match(line)
            if not key:
                continue
            candidate = table + _split_key(key.group(1))
        depth = _prefix_len(candidate, want)
        # a header matches when one path is a prefix of the other ("[[x]]" for ("x",))
        if depth == min(len(candidate), len(want)) and depth > best_len:
            best, best_len = number, depth
    return best


def _indexed(names: list[str], counts: dict[str, int]) -> list[str]:
    """``["rule", "period"]`` -> ``["rule", "2", "period", "0"]`` (array indices inserted)."""
    out: list[str] = []
    for i, name in enumerate(names):
        out.append(name)
        joined = ".".join(names[: i + 1])
        if joined in counts:
            out.append(str(counts[joined]))
    return out


def _prefix_len(have: list[str], want: list[str]) -> int:
    n = 0
    for a, b in zip(have, want, strict=False):
        if a != b:
            break
        n += 1
    return n


def path_name(path: tuple[str | int, ...]) -> str:
    """``("workload", 0, "model")`` as ``workload[0].model``: how errors name a TOML entry."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text
