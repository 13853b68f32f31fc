"""Datasette metadata for an archive of any file name.

Datasette keys metadata by database name (the file's stem), so the shipped file, written for
newsmill.db, is re-keyed for the archive actually served.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

TEMPLATE_DATABASE = "newsmill"


def metadata_for(db_path: str | Path, template: str | Path) -> dict[str, Any]:
    metadata: dict[str, Any] = yaml.safe_load(Path(template).read_text(encoding="utf-8"))
    name = Path(db_path).stem
    databases = metadata.get("databases", {})
    if TEMPLATE_DATABASE in databases and name != TEMPLATE_DATABASE:
        databases[name] = databases.pop(TEMPLATE_DATABASE)
    return metadata
