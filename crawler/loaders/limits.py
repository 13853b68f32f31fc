"""Limits on what a local file may cost us. Named here so every reader agrees."""

MAX_FILE_BYTES = 10 * 1024 * 1024
# A gzip member may expand far beyond its size on disk (a "bomb"); stop reading past this.
MAX_DECOMPRESSED_BYTES = 10 * 1024 * 1024
