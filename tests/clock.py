"""A clock for code that takes one (`clock`, `sleep`): time moves only when the code sleeps or reads it.

Tests then assert the waits the code asked for (`sleeps`) and what it did when its deadline passed,
never how long the test took on a busy machine.
"""

from __future__ import annotations


class FakeClock:
    """Monotonic time, starting at 1000 s, that moves by each `sleep` and by `tick` at every reading."""

    def __init__(self, tick: float = 0.0):
        self.now = 1000.0
        self.tick = tick
        self.readings = 0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        self.now += self.tick
        self.readings += 1
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
