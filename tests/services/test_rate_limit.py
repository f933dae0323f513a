from __future__ import annotations

from bot.services.rate_limit import RateLimiter


def test_window_slides_and_says_how_long_to_wait() -> None:
    now = [1000.0]
    limiter = RateLimiter(limit=2, window=60, clock=lambda: now[0])
    assert limiter.hit("a") == 0
    now[0] += 10
    assert limiter.hit("a") == 0
    assert limiter.hit("a") == 50  # the first hit leaves the window in 50 s
    assert limiter.hit("b") == 0  # keys are independent
    now[0] += 50
    assert limiter.hit("a") == 0
