"""Where newsmill finds its configuration files (sources.toml, chrome_phrases.toml, datasette.yml).

One rule, for every file:

1. ``./config/NAME`` in the current folder, when it exists: a user's own copy overrides;
2. else the default shipped with newsmill: package data ``crawler/_defaults/NAME`` in an
   installed wheel (setup.py maps the repo's top-level ``config/`` there at build time),
   read through importlib.resources;
3. in a source checkout (editable install, tests) the package has no ``_defaults``: the
   repo's top-level ``config/``, the source of truth of those defaults, is used directly.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

CONFIG_FOLDER = "config"
SHIPPED_FOLDER = "_defaults"
# the repo's config/ beside this package, present only in a source checkout
SOURCE_CONFIG = Path(__file__).resolve().parents[1] / CONFIG_FOLDER


def config_file(name: str) -> Path:
    """The file to read for configuration NAME: the user's ./config/NAME, else the shipped default."""
    local = Path.cwd() / CONFIG_FOLDER / name
    if local.is_file():
        return local
    return shipped_file(name)


def shipped_file(name: str) -> Path:
    """The default NAME shipped with newsmill, whatever the current folder holds."""
    shipped = resources.files("crawler") / SHIPPED_FOLDER / name
    if shipped.is_file() and isinstance(shipped, Path):
        return shipped
    return SOURCE_CONFIG / name
