"""Where the command-line parser's exceptions live.

typer 0.24 and later vendor click as ``typer._click`` (and re-export only ``Exit``, ``Abort`` and
``BadParameter``); older typer uses the ``click`` package. ``cli.app`` catches these to print a
usage slip as one line.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any


def _find() -> ModuleType:
    try:
        return importlib.import_module("typer._click.exceptions")
    except ImportError:  # typer < 0.24: the click package itself
        return importlib.import_module("click.exceptions")


_EXCEPTIONS = _find()
ClickException: Any = _EXCEPTIONS.ClickException
BadParameter: Any = _EXCEPTIONS.BadParameter
NoArgsIsHelpError: Any = _EXCEPTIONS.NoArgsIsHelpError
