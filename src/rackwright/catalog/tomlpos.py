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

    Falls back to the closest enclosing table header when the key itself is not found.
    """
    want = [str(p) for p in path]
    table: list[str] = []
    counters: dict[str, int] = {}
    best: int | None = None
    best_len = -1
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header:
            names = _split_key(header.group(2))
            if header.group(1) == "[[":
                joined = ".".join(names)
                index = counters.get(joined, -1) + 1
                counters[joined] = index
                table = [*names, str(index)]
            else:
                table = names
            depth = _prefix_len(table, want)
            # a header matches when one path is a prefix of the other ("[[x]]" for ("x",))
            if depth == min(len(table), len(want)) and depth > best_len:
                best, best_len = number, depth
            continue
        key = _KEY.match(line)
        if key:
            full = table + _split_key(key.group(1))
            depth = _prefix_len(full, want)
            if depth == min(len(full), len(want)) and depth > best_len:
                best, best_len = number, depth
    return best


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
