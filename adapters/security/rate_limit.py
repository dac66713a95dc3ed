"""Request rate limits in Redis, shared by every process: a fixed window per key."""

from __future__ import annotations

import asyncio

from redis.asyncio import Redis

TIMEOUT_SECONDS = 0.5


class RedisRateLimiter:
    def __init__(self, redis: Redis, *, namespace: str) -> None:
        self._redis = redis
        self._namespace = namespace

    async def hit(self, key: str, *, limit: int, window_seconds: int) -> int:
        name = f"crm:{self._namespace}:{key}"
        async with asyncio.timeout(TIMEOUT_SECONDS):
            pipe = self._redis.pipeline(transaction=True)
            # SET NX starts the window on the first request (EXPIRE NX needs Redis 7).
            pipe.set(name, 0, ex=window_seconds, nx=True)
            pipe.incr(name)
            pipe.ttl(name)
            _, count, ttl = await pipe.execute()
        if int(count) > limit:
            return int(ttl) if int(ttl) > 0 else window_seconds
        return 0
