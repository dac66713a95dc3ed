"""Attempt throttling in Redis: attempts counted per key in a fixed window, before they are
checked, so twenty parallel guesses cannot all pass a check that reads the count first."""

from __future__ import annotations

from collections.abc import Sequence

from redis.asyncio import Redis

# Takes back one attempt from each existing, positive counter; a key that expired meanwhile is
# left alone (a DECR would recreate it without a window, at -1).
_FORGIVE = """
for _, key in ipairs(KEYS) do
    local count = tonumber(redis.call('GET', key) or '0')
    if count > 0 then redis.call('DECR', key) end
end
return 0
"""


class RedisAttemptThrottle:
    def __init__(
        self, redis: Redis, *, namespace: str, max_attempts: int, window_seconds: int
    ) -> None:
        self._redis = redis
        self._namespace = namespace
        self._max = max_attempts
        self._window = window_seconds

    def _key(self, key: str) -> str:
        return f"crm:{self._namespace}:{key}"

    async def attempt(self, keys: Sequence[str]) -> int:
        pipe = self._redis.pipeline(transaction=True)
        for key in keys:
            # SET NX starts the window on the first attempt (EXPIRE NX needs Redis 7).
            pipe.set(self._key(key), 0, ex=self._window, nx=True)
            pipe.incr(self._key(key))
            pipe.ttl(self._key(key))
        results = await pipe.execute()
        wait = 0
        for index in range(len(keys)):
            count, ttl = int(results[3 * index + 1]), int(results[3 * index + 2])
            if count > self._max:
                wait = max(wait, ttl if ttl > 0 else self._window)
        return wait

    async def forgive(self, keys: Sequence[str]) -> None:
        if keys:
            await self._redis.eval(_FORGIVE, len(keys), *(self._key(k) for k in keys))  # type: ignore[misc]

    async def reset(self, keys: Sequence[str]) -> None:
        if keys:
            await self._redis.delete(*(self._key(k) for k in keys))
