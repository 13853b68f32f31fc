"""Work functions that misbehave on purpose, run inside real extraction workers by test_workers."""

from __future__ import annotations

import os
import time


def hang(item, knowledge, rules):
    time.sleep(600)


def die(item, knowledge, rules):
    os._exit(9)


def hog_memory(item, knowledge, rules):
    return bytearray(8 * 1024 * 1024 * 1024)


def echo(item, knowledge, rules):
    from pipelines.core import Outcome

    return "ok", Outcome(item)
