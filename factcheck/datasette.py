"""Datasette metadata for a factcheck database: a title, what every table, view and key column
holds, and the internal tables (full-text and R*Tree indexes) hidden from the listing."""

from __future__ import annotations

import json
import sys
from importlib import resources
from pathlib import Path
from typing import Any

from .storage import Database


def metadata(db_path: str | Path) -> dict[str, Any]:
    """Datasette metadata for the database at db_path (migrated first, so the views exist).

    Raises DatabaseError when there is no database there; nothing is created.
    """
    described = json.loads(
        (resources.files("factcheck") / "data" / "datasette.json").read_text(encoding="utf-8")
    )
    db = Database.existing(db_path)
    try:
        names = {
            row["name"]: row["sql"] or ""
            for row in db.rows("SELECT name, sql FROM sqlite_master WHERE type = 'table'")
        }
    finally:
        db.close()
    tables: dict[str, dict[str, Any]] = {
        name: dict(entry) for name, entry in described["tables"].items()
    }
    for name in internal_tables(names):
        tables.setdefault(name, {})["hidden"] = True
    for name, column in described["label_columns"].items():
        tables.setdefault(name, {})["label_column"] = column
    return {
        "title": described["title"],
        "description": described["description"],
        "databases": {db.path.stem: {"tables": tables}},
    }


def internal_tables(tables: dict[str, str]) -> list[str]:
    """Virtual tables (FTS5, R*Tree) and their shadow tables, given table names and their SQL."""
    virtual = [name for name, sql in tables.items() if sql.upper().startswith("CREATE VIRTUAL")]
    return sorted(
        name for name in tables if any(name == v or name.startswith(f"{v}_") for v in virtual)
    )


def write_metadata(db_path: str | Path, target: str | Path) -> Path:
    """Write metadata(db_path) as JSON to target and return its path."""
    target = Path(target)
    text = json.dumps(metadata(db_path), ensure_ascii=False, indent=2)
    target.write_text(text + "\n", encoding="utf-8")
    return target


def serve_command(
    db_path: str | Path, metadata_path: str | Path, *, host: str = "127.0.0.1", port: int = 8001
) -> list[str]:
    """The command that serves the database with its metadata (Datasette must be installed)."""
    return [
        sys.executable,
        "-m",
        "datasette",
        "serve",
        str(db_path),
        "--metadata",
        str(metadata_path),
        "--host",
        host,
        "--port",
        str(port),
    ]
