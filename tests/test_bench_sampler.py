"""make bench's memory sampler: RSS at a page milestone is what the crawl held while it reached it."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from bench_speed import Sampler

_HOLDER = """
import sys
held = bytearray(200 * 2**20)  # 200 MB, touched
for i in range(0, len(held), 4096):
    held[i] = 1
print("holding", flush=True)
sys.stdin.readline()
del held
print("freed", flush=True)
sys.stdin.readline()
"""


def _wait_for_samples(sampler: Sampler, count: int = 4) -> None:
    time.sleep(count * sampler.interval)


def test_the_rss_at_a_milestone_is_the_most_held_since_the_last_progress_line() -> None:
    """The last progress line comes after the workers have gone: the milestone keeps what was held before it."""
    with subprocess.Popen([sys.executable, "-c", _HOLDER], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                          text=True) as proc:
        assert proc.stdin is not None and proc.stdout is not None
        sampler = Sampler(proc.pid, interval=0.05)
        try:
            assert proc.stdout.readline().strip() == "holding"
            sampler.start()
            sampler.pages = 600
            _wait_for_samples(sampler)
            sampler.pages = 1200  # a progress line while 200 MB are held
            _wait_for_samples(sampler)
            proc.stdin.write("\n")
            proc.stdin.flush()
            assert proc.stdout.readline().strip() == "freed"
            _wait_for_samples(sampler)
            sampler.pages = 5007  # the closing line, after the memory went
            _wait_for_samples(sampler)
        finally:
            sampler.stop_event.set()
            sampler.join()
            proc.kill()
    assert sampler.at_pages[1000] > 200 * 2**20
    assert sampler.at_pages[5000] > 200 * 2**20  # held during the last interval, not the sample at the close
    assert sampler.last < 100 * 2**20  # what the process held at the end: the freed memory is gone
