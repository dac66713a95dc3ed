"""Sign-in throttling in Redis: failures counted per key in a fixed window."""

from __future__ import annotations

from collections.abc import Sequence

from redis.asyncio import Redis


class RedisLoginThrottle:
    def __init__(self, redis: Redis, *, max_failures: int, window_seconds: int) -> None:
        self._redis = redis
        self._max = max_failures
        self._window = window_seconds

    @staticmethod
    def _key(key: str) -> str:
        return f"crm:login-failures:{key}"

    async def retry_after(self, keys: Sequence[str]) -> int:
        wait = 0
        for key in keys:
            count = await self._redis.get(self._key(key))
            if count is not None and int(count) >= self._max:
                ttl = await self._redis.ttl(self._key(key))
                wait = max(wait, ttl if ttl > 0 else self._window)
        return wait

    async def record_failure(self, keys: Sequence[str]) -> None:
        pipe = self._redis.pipeline(transaction=True)
        for key in keys:
            # SET NX starts the window on the first failure (EXPIRE NX needs Redis 7).
            pipe.set(self._key(key), 0, ex=self._window, nx=True)
            pipe.incr(self._key(key))
        await pipe.execute()

    async def reset(self, keys: Sequence[str]) -> None:
        await self._redis.delete(*(self._key(k) for k in keys))
