"""The plan report: sections from the engines, rendered as HTML, JSON and a terminal summary.

``render_reports`` builds both files fully in memory; ``write_report_files`` then writes them so
that either every file is complete or none is left behind.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

from rackwright.errors import OutputError
from rackwright.fileio import check_writable_dir, ensure_writable_dir
from rackwright.report.html import render_html
from rackwright.report.json_report import render_json, report_dict
from rackwright.report.section import Figure, PlanView, Presenter, Section, Table

HTML_NAME = "report.html"
JSON_NAME = "report.json"


def render_reports(view: PlanView, generated_at: datetime | None = None) -> dict[str, str]:
    """``{"report.html": text, "report.json": text}`` for the plan."""
    when = generated_at or datetime.now(UTC)
    return {
        HTML_NAME: render_html(view, when),
        JSON_NAME: render_json(report_dict(view, when)),
    }


def check_output_dir(out_dir: Path, names: Sequence[str] = (HTML_NAME, JSON_NAME)) -> Path:
    """Make sure each report path could be replaced by a file, creating nothing yet."""
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError("output path exists and is not a directory", file=out_dir)
    check_writable_dir(out_dir)
    for name in names:
        target = out_dir / name
        if target.is_dir():
            raise OutputError("a directory is in the way of the report file", file=target)
    return out_dir


def write_report_files(out_dir: Path, files: Mapping[str, str]) -> list[Path]:
    """Write every file, or none: all are staged as temporary files first, then renamed.

    If a rename fails, the files already renamed in this call are removed again, so a half-done
    report pair is never left behind.
    """
    check_output_dir(out_dir, list(files))
    ensure_writable_dir(out_dir)
    staged: list[tuple[Path, Path]] = []
    try:
        for name, text in files.items():
            fd, tmp_name = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=out_dir)
            staged.append((Path(tmp_name), out_dir / name))
            os.fchmod(fd, _file_mode())  # mkstemp makes 0600; a report is as readable as any file
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
    except OSError as exc:
        _discard(tmp for tmp, _ in staged)
        raise OutputError(f"cannot write: {exc.strerror}", file=out_dir) from None
    done: list[Path] = []
    for tmp, target in staged:
        try:
            os.replace(tmp, target)
        except OSError as exc:
            _discard([*done, *(t for t, _ in staged)])
            raise OutputError(f"cannot write: {exc.strerror}", file=target) from None
        done.append(target)
    return done


def _file_mode() -> int:
    """The mode a plain new file gets under the process umask."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _discard(paths: Iterable[Path]) -> None:
    for path in paths:
        with contextlib.suppress(OSError):
            path.unlink()


__all__ = [
    "HTML_NAME",
    "JSON_NAME",
    "Figure",
    "PlanView",
    "Presenter",
    "Section",
    "Table",
    "check_output_dir",
    "render_reports",
    "write_report_files",
]
