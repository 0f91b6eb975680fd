"""Conversation state in Redis, so that several workers behind a load balancer share windows and
give the same decision whichever worker gets each message.

Each conversation is one Redis string (``<prefix><conversation id>``) holding the window's small
JSON, written with a time to live. Updates are optimistic: compute from the value this worker
knows (it wrote it last, or another worker announced it; a ``GET`` when it knows none), then a
small Lua compare-and-set that writes only if the value is still that one and announces the write
on the store's channel. When another worker wrote in between, the compare-and-set answers with
that worker's value and the change reruns on it, without another read.

Timeouts are short, and after a failure the store refuses calls for ``retry_after`` seconds
without touching the network, so an unreachable Redis costs one timeout, not one per message.

The synchronous methods use redis-py. :meth:`RedisStateStore.update_async`, the service's path,
sends its commands through :mod:`offsite.conversation.resp` (pipelined, one connection per event
loop), except for ``rediss://`` (TLS) URLs, which keep redis-py's asyncio client.
"""

from __future__ import annotations

import asyncio
import hashlib
import threading
import time
import uuid
from collections.abc import Callable, Generator
from typing import Any, Protocol

import redis
import redis.asyncio as aioredis
from redis.commands.core import AsyncScript
from redis.exceptions import RedisError

from offsite.conversation import resp
from offsite.conversation.store import Change, StateStoreError
from offsite.lru import LruCache

_MAX_KEY = 200

# KEYS[1]: the key. ARGV: expected-present ("1"/"0"), expected value, delete ("1"/"0"), new value,
# time to live in ms, the channel on which writes are announced ("" for none), the writer's id.
# Returns {1} when written; when someone else changed the key first, {0} and the value found ({0}
# alone: the key is gone), so that the loser recomputes without a GET. A write is announced as
# "<writer id><+ or -><length of the key>:<key><new value>", so that the other workers know the
# key's value without reading it.
_COMPARE_AND_SET = """
local current = redis.call('GET', KEYS[1])
if ARGV[1] == '1' then
  if current ~= ARGV[2] then return {0, current} end
elseif current then
  return {0, current}
end
local value = ''
if ARGV[3] == '1' then
  redis.call('DEL', KEYS[1])
else
  redis.call('SET', KEYS[1], ARGV[4], 'PX', ARGV[5])
  value = ARGV[4]
end
if ARGV[6] ~= '' then
  local op = ARGV[3] == '1' and '-' or '+'
  redis.call('PUBLISH', ARGV[6], ARGV[7] .. op .. string.len(KEYS[1]) .. ':' .. KEYS[1] .. value)
end
return {1}
"""
_COMPARE_AND_SET_SHA = hashlib.sha1(_COMPARE_AND_SET.encode()).hexdigest()


class _AsyncCommands(Protocol):
    """The two commands an asynchronous update sends, whichever client sends them (replies as
    the client gives them; :meth:`RedisStateStore._update_steps` reads them with ``resp.text``)."""

    async def get(self, key: str) -> Any: ...

    async def compare_and_set(self, key: str, args: list[str]) -> Any: ...

    async def close(self) -> None: ...


class _PipelinedCommands:
    """The commands on :class:`offsite.conversation.resp.PipelinedRedis`."""

    def __init__(self, client: resp.PipelinedRedis) -> None:
        self.client = client

    async def get(self, key: str) -> Any:
        return await self.client.execute("GET", key)

    async def compare_and_set(self, key: str, args: list[str]) -> Any:
        try:
            return await self.client.execute("EVALSHA", _COMPARE_AND_SET_SHA, 1, key, *args)
        except resp.ReplyError as exc:
            if not str(exc).startswith("NOSCRIPT"):
                raise
            # the server forgot the script (restarted, SCRIPT FLUSH): send it whole once
            return await self.client.execute("EVAL", _COMPARE_AND_SET, 1, key, *args)

    async def close(self) -> None:
        self.client.close()


class _RedisPyCommands:
    """The commands on redis-py's asyncio client (``rediss://``: TLS)."""

    def __init__(self, client: aioredis.Redis) -> None:
        self.client = client
        self.script: AsyncScript = client.register_script(_COMPARE_AND_SET)

    async def get(self, key: str) -> Any:
        return await self.client.get(key)

    async def compare_and_set(self, key: str, args: list[str]) -> Any:
        return await self.script(keys=[key], args=args)

    async def close(self) -> None:
        await self.client.aclose()


class RedisStateStore:
    """A :class:`~offsite.conversation.store.StateStore` backed by a Redis server (redis-py).

    ``url`` is a ``redis://`` / ``rediss://`` / ``unix://`` URL; alternatively pass a ready
    ``client`` (it must decode responses to ``str``)."""

    def __init__(
        self,
        url: str | None = None,
        *,
        client: redis.Redis | None = None,
        prefix: str = "offsite:conv:",
        socket_timeout: float = 0.5,
        retry_after: float = 2.0,
        max_attempts: int = 20,
        known_size: int = 4096,
        follow_writes: bool = True,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if (url is None) == (client is None):
            raise ValueError("RedisStateStore: pass exactly one of url= or client=")
        if url is not None:
            if not isinstance(url, str) or not url.startswith(("redis://", "rediss://", "unix://")):
                raise ValueError(
                    f"RedisStateStore.url: expected a redis://, rediss:// or unix:// URL, got {url!r}"
                )
            try:
                client = redis.Redis.from_url(
                    url, decode_responses=True, socket_timeout=socket_timeout,
                    socket_connect_timeout=socket_timeout, health_check_interval=30,
                    encoding_errors=resp.ENCODING_ERRORS,
                )
            except ValueError as exc:
                raise ValueError(f"RedisStateStore.url: {exc}") from None
        assert client is not None
        if socket_timeout <= 0 or retry_after < 0 or max_attempts < 1:
            raise ValueError("RedisStateStore: socket_timeout must be > 0, retry_after >= 0, max_attempts >= 1")
        self.client: redis.Redis = client
        self.prefix = prefix
        self.retry_after = retry_after
        self.max_attempts = max_attempts
        self._clock = clock
        self._lock = threading.Lock()
        self._down_until = 0.0
        self._compare_and_set = self.client.register_script(_COMPARE_AND_SET)
        # The value known per key (this process wrote it last, or another worker announced it):
        # an update first assumes it is still current and sends only the compare-and-set (one
        # round trip instead of two); when another worker wrote meanwhile the compare fails and
        # answers with that worker's value.
        self._known: LruCache[str, str] = LruCache(known_size)
        # With ``follow_writes`` every write is announced on this channel with the writer's id,
        # and update_async() listens there and keeps the other workers' writes as known values:
        # two workers taking turns on a conversation then compare right the first time, instead
        # of half the time losing the compare and computing the change again. (The Redis user
        # then needs PUBLISH and SUBSCRIBE besides GET, SET, DEL and EVALSHA.)
        db = self.client.connection_pool.connection_kwargs.get("db", 0)
        self.follow_writes = follow_writes
        self.channel = f"{prefix}writes:{db}" if follow_writes else ""
        self._writer = uuid.uuid4().hex[:16]
        self._writer_bytes = self._writer.encode()  # as announcements carry it
        # Connections for update_async(), opened on the running event loop when first needed.
        self._url = url
        self.socket_timeout = socket_timeout
        self._async: tuple[asyncio.AbstractEventLoop, _AsyncCommands, resp.Subscription | None] | None = None

    def key(self, key: str) -> str:
        """The Redis key for a conversation (long ids are hashed)."""
        if len(key) > _MAX_KEY:
            key = "sha256:" + hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()
        return self.prefix + key

    def get(self, key: str) -> str | None:
        """The value at ``key``, or None."""
        return resp.text(self._call(lambda: self.client.get(self.key(key))))

    def update(self, key: str, change: Change, ttl_seconds: float) -> None:
        """Optimistic compare-and-set on ``key``; ``change`` reruns when another worker won."""
        steps = self._update_steps(self.key(key), change, ttl_seconds)

        def drive() -> None:
            reply: Any = None
            while True:
                try:
                    command, rkey, args = steps.send(reply)
                except StopIteration:
                    return
                if command == "get":
                    reply = self.client.get(rkey)
                else:
                    reply = self._compare_and_set(keys=[rkey], args=args)

        self._call(drive)

    async def update_async(self, key: str, change: Change, ttl_seconds: float) -> None:
        """:meth:`update` for an asyncio event loop: the same compare-and-set, awaited on the
        running loop's pipelined connection (:mod:`offsite.conversation.resp`), so that waiting
        on the server holds up neither the loop nor a thread; with ``follow_writes``, the loop
        also listens to the other workers' announced writes. A store built from a ready
        ``client`` has no URL to open such a connection with and calls :meth:`update`."""
        if self._url is None:
            self.update(key, change, ttl_seconds)
            return
        self._check_up()
        commands, subscription = self._async_commands()
        if subscription is not None:
            subscription.ensure()
        steps = self._update_steps(self.key(key), change, ttl_seconds)
        reply: Any = None
        try:
            while True:
                try:
                    command, rkey, args = steps.send(reply)
                except StopIteration:
                    break
                if command == "get":
                    reply = await commands.get(rkey)
                else:
                    reply = await commands.compare_and_set(rkey, args)
        except (TimeoutError, RedisError, OSError, resp.ReplyError) as exc:
            raise self._failed(exc) from None
        self._succeeded()

    def _update_steps(self, rkey: str, change: Change,
                      ttl_seconds: float) -> Generator[tuple[str, str, list[str]], Any, None]:
        """The update as a sequence of commands, whatever sends them: yields ``("get", key, [])``
        or ``("cas", key, args)`` and receives the server's reply. Assumes first that the key
        still holds what this process wrote last (one round trip instead of two); when another
        worker wrote meanwhile, the compare-and-set answers with that value and ``change``
        reruns on it."""
        ttl_ms = str(max(1, int(ttl_seconds * 1000)))
        current: str | None = self._known.get(rkey)
        read = current is None
        if read:
            current = resp.text((yield "get", rkey, []))
        for _ in range(self.max_attempts):
            new = change(current)
            if new == current:
                if read:
                    return  # nothing to write
                # unchanged from the assumed value: read the key to be sure
                current, read = resp.text((yield "get", rkey, [])), True
                continue
            reply: Any = yield "cas", rkey, [
                "0" if current is None else "1", current or "", "1" if new is None else "0", new or "", ttl_ms,
                self.channel, self._writer]
            if int(reply[0]) == 1:
                if new is None:
                    self._known.pop(rkey)
                else:
                    self._known.put(rkey, new)
                return
            # another worker wrote it first: the reply holds what it wrote
            self._known.pop(rkey)
            current, read = resp.text(reply[1] if len(reply) > 1 else None), True
        raise StateStoreError(f"redis store: gave up after {self.max_attempts} conflicting writes")

    def _async_commands(self) -> tuple[_AsyncCommands, resp.Subscription | None]:
        """The asynchronous client of the running event loop (connections belong to one loop;
        a new loop, as in tests that start one per client, gets its own), and the subscription
        to the other workers' writes (None: not followed)."""
        loop = asyncio.get_running_loop()
        known = self._async
        if known is None or known[0] is not loop:
            assert self._url is not None
            commands: _AsyncCommands
            subscription = None
            if self._url.startswith("rediss://"):
                commands = _RedisPyCommands(aioredis.Redis.from_url(
                    self._url, decode_responses=True, socket_timeout=self.socket_timeout,
                    socket_connect_timeout=self.socket_timeout, health_check_interval=30,
                    encoding_errors=resp.ENCODING_ERRORS,
                ))
            else:
                endpoint = resp.Endpoint.from_url(self._url)
                commands = _PipelinedCommands(resp.PipelinedRedis(endpoint, timeout=self.socket_timeout))
                if self.follow_writes:
                    subscription = resp.Subscription(endpoint, self.channel, self._on_write,
                                                     timeout=self.socket_timeout,
                                                     retry_after=max(self.retry_after, 1.0))
            known = (loop, commands, subscription)
            self._async = known
        return known[1], known[2]

    def _on_write(self, message: bytes) -> None:
        """Another worker's announced write: its value becomes the key's known value."""
        writer, op, rest = message[:16], message[16:17], message[17:]
        if writer == self._writer_bytes or op not in (b"+", b"-"):
            return
        length, colon, rest = rest.partition(b":")
        if not colon or not length.isdigit():
            return
        size = int(length)
        key = resp.text(rest[:size])
        assert key is not None
        if op == b"-":
            self._known.pop(key)
        else:
            value = resp.text(rest[size:])
            assert value is not None
            self._known.put(key, value)

    def delete(self, key: str) -> None:
        """Remove ``key``."""
        rkey = self.key(key)
        self._known.pop(rkey)
        self._call(lambda: self.client.delete(rkey))

    def ping(self) -> bool:
        """True when the server answers."""
        try:
            return bool(self._call(self.client.ping))
        except StateStoreError:
            return False

    def close(self) -> None:
        """Close the connection pool (the event loop's connections: :meth:`close_async`)."""
        try:
            self.client.close()
        except RedisError:
            pass

    async def close_async(self) -> None:
        """Close the connections :meth:`update_async` opened on the running event loop."""
        known, self._async = self._async, None
        if known is not None and known[0] is asyncio.get_running_loop():
            if known[2] is not None:
                known[2].close()
            try:
                await known[1].close()
            except (RedisError, OSError):
                pass

    def _call(self, func: Callable[[], Any]) -> Any:
        self._check_up()
        try:
            result = func()
        except (RedisError, OSError) as exc:
            raise self._failed(exc) from None
        self._succeeded()
        return result

    def _check_up(self) -> None:
        """Refuse at once while waiting out a failure (no network call)."""
        with self._lock:
            if self._clock() < self._down_until:
                raise StateStoreError("redis store: unavailable (waiting before the next try)")

    def _failed(self, exc: BaseException) -> StateStoreError:
        """Note a failed call (the next ``retry_after`` seconds are refused) and describe it."""
        with self._lock:
            self._down_until = self._clock() + self.retry_after
        detail = str(exc) or "timed out"
        return StateStoreError(f"redis store: {type(exc).__name__}: {detail}")

    def _succeeded(self) -> None:
        with self._lock:
            self._down_until = 0.0

