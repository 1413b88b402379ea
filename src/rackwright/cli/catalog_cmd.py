"""Placeholder: replaced by the owning engineer."""

import typer

app = typer.Typer(no_args_is_help=True)
