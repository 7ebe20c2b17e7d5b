"""Sign-in for the web app: the accounts from the settings, with failed attempts throttled.

Gradio calls ``LoginThrottle(username, password)`` for every attempt. After
``max_failures`` wrong attempts for a user name within ``window`` seconds, that name is
refused (even with the right password) until the window has passed, and each failure
costs ``delay`` seconds, so a password cannot be guessed at machine speed.
"""

from __future__ import annotations

import hmac
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable, Mapping

MAX_FAILURES = 5
WINDOW_SECONDS = 60.0
FAILURE_DELAY_SECONDS = 0.5
MESSAGE = (  # Gradio shows it as HTML above the form, without the app's CSS: styles inline
    '<span style="display:block;border-left:8px solid #1d70b8;background:#f3f2f1;'
    'padding:8px 14px;color:#0b0c0c"><strong style="font-size:24px">LISA: Local Industrial '
    "Strategy Assistant</strong><br>"
    "Answers from the government's Local Industrial Strategy guidance, with sources, and "
    "critiques of draft strategies.<br><br>Sign in with the account your team was given. "
    f"After {MAX_FAILURES} wrong passwords, sign-in for that name pauses for a minute.</span>"
)


class LoginThrottle:
    def __init__(
        self,
        accounts: Mapping[str, str],
        *,
        max_failures: int = MAX_FAILURES,
        window: float = WINDOW_SECONDS,
        delay: float = FAILURE_DELAY_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._accounts = dict(accounts)
        self.max_failures, self.window, self.delay = max_failures, window, delay
        self._clock, self._sleep = clock, sleep
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def locked(self, username: str) -> bool:
        with self._lock:
            return len(self._recent(username)) >= self.max_failures

    def _recent(self, username: str) -> deque[float]:
        failures = self._failures[username]
        while failures and self._clock() - failures[0] > self.window:
            failures.popleft()
        return failures

    def __call__(self, username: str, password: str) -> bool:
        with self._lock:
            if len(self._recent(username)) >= self.max_failures:
                return False
            # bytes, so any password compares (str needs ASCII); unknown names still compare
            expected = self._accounts.get(username)
            given = password.encode()
            right = hmac.compare_digest(given, (expected or "").encode() or b"\x00" + given)
            right = right and expected is not None
            if right:
                self._failures.pop(username, None)
                return True
            self._failures[username].append(self._clock())
        self._sleep(self.delay)
        return False
