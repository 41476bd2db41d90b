"""The command line: one module per command group; `app` is the `lawgate` command."""

from lawgate.cli.main import app

__all__ = ["app"]
