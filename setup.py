"""Build config that pyproject.toml cannot say: ship the repo's top-level config/ as package data.

config/ stays the one source of truth in the repo; a wheel carries its *.toml and *.yml as
crawler/_defaults/, which crawler/defaults.py reads through importlib.resources when the
current folder has no ./config/NAME of its own.
"""

from setuptools import find_namespace_packages, setup

setup(
    packages=[*find_namespace_packages(include=["crawler*", "pipelines*", "storage*"]), "crawler._defaults"],
    package_dir={"crawler._defaults": "config"},
    package_data={"*": ["*.toml", "*.yml"], "crawler._defaults": ["*.toml", "*.yml"]},
)
