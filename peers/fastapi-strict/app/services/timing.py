import time


class Stopwatch:
    """elapsed_ms fields: the handler's own measured time."""

    def __init__(self) -> None:
        self.start = time.perf_counter()

    def ms(self) -> float:
        return (time.perf_counter() - self.start) * 1000.0
