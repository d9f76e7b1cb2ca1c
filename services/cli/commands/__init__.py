"""Command modules: each defines ``register(app: typer.Typer) -> None`` and is found automatically."""
