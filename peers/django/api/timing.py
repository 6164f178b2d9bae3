import time


class TimedMixin:
    """elapsed_ms: the request's handling time, authentication included."""

    def initial(self, request, *args, **kwargs):
        self.started = time.perf_counter()
        super().initial(request, *args, **kwargs)

    def elapsed_ms(self):
        return (time.perf_counter() - self.started) * 1000.0
