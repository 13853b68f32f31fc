"""Work functions that misbehave on purpose, run inside real extraction workers by test_workers."""

from __future__ import annotations

import os
import time


def hang(item, learned):
    time.sleep(600)


def die(item, learned):
    os._exit(9)


def hog_memory(item, learned):
    return bytearray(8 * 1024 * 1024 * 1024)


def echo(item, learned):
    return "ok", item
