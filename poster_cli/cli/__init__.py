"""The command line: Typer apps, one module per command group. Parse, call the core, render."""
