"""Warm the overlap indexes of a new worker process in the background (deploy/gunicorn.conf.py).

Each process keeps its own overlap indexes (decision 0008); the first check of a region in a process
cuts every text of the region with jieba. A worker that has just started builds, in a daemon thread,
the indexes of the regions with an application under review, so the reviewer's first page does not wait.
"""

from __future__ import annotations

import logging
import threading
import time

log = logging.getLogger(__name__)


def warm_overlap_indexes() -> int:
    from django.db import close_old_connections, connection

    from yixie.overlap import api as overlap

    from .selectors import regions_under_review

    close_old_connections()
    try:
        started = time.perf_counter()
        n = overlap.warm_up(list(regions_under_review()))
        log.info("overlap indexes of %d region(s) warmed in %.1f s", n, time.perf_counter() - started)
        return n
    finally:
        connection.close()


def start_in_background() -> threading.Thread:
    def run() -> None:
        try:
            warm_overlap_indexes()
        except Exception:  # a warm-up must never take a worker down; the first check builds instead
            log.exception("overlap warm-up failed")

    thread = threading.Thread(target=run, name="yixie-overlap-warm-up", daemon=True)
    thread.start()
    return thread
