"""A small pipelined Redis client for an asyncio event loop, for the commands the shared
conversation state sends on every message (``GET`` and the compare-and-set script).

Why not redis-py's asyncio client: it spends 80-100 µs of CPU on a ``GET`` (connection pool,
retry wrapper, a timeout task per command, response callbacks), several times the round trip
itself, and the service sends one or two such commands per message. This client writes commands
of one event-loop turn together on one connection, reads the replies back in order (Redis answers
a connection's commands in the order sent), parses them with hiredis and wakes each waiting
request; ``benchmarks/results/service.md`` has the measured difference.

One :class:`PipelinedRedis` per event loop. It connects on first use and again after a lost
connection; a command not answered within ``timeout`` seconds fails with :class:`TimeoutError`
and closes the connection (with its replies out of step, it cannot be trusted). Errors are
``OSError`` (``ConnectionError``) for the network, ``TimeoutError`` and :class:`ReplyError` for an
error reply; none of them carries a command's arguments.
"""

from __future__ import annotations

import asyncio
import collections
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

import hiredis
from redis.connection import parse_url

#: values are written and read as UTF-8 that lets lone surrogates through (a JSON body may hold
#: them), the same as the synchronous client's ``encoding_errors``
ENCODING = "utf-8"
ENCODING_ERRORS = "surrogatepass"


class ReplyError(Exception):
    """The server answered a command with an error (the message is the server's)."""


@dataclass(frozen=True)
class Endpoint:
    """Where and as whom to connect (from a ``redis://`` or ``unix://`` URL)."""

    host: str | None = None
    port: int = 6379
    path: str | None = None
    db: int = 0
    username: str | None = None
    password: str | None = None

    @classmethod
    def from_url(cls, url: str) -> Endpoint:
        """The endpoint of ``url`` (``rediss://`` is not served here: ``ValueError``)."""
        if url.startswith("rediss://"):
            raise ValueError("the pipelined client does not speak TLS")
        # redis-py's reading of the URL, so that both clients agree on it
        options: dict[str, Any] = parse_url(url)  # type: ignore[no-untyped-call]
        return cls(
            host=options.get("host"), port=int(options.get("port") or 6379), path=options.get("path"),
            db=int(options.get("db") or 0), username=options.get("username"), password=options.get("password"),
        )

    def auth_args(self) -> tuple[str, ...] | None:
        """The arguments of the ``AUTH`` command for this endpoint (None: no password)."""
        if self.password is None:
            return None
        return (self.username, self.password) if self.username else (self.password,)

    async def connect(self, protocol: asyncio.Protocol) -> None:
        """Open a connection to this endpoint served by ``protocol`` (Unix socket or TCP)."""
        loop = asyncio.get_running_loop()
        if self.path is not None:
            await loop.create_unix_connection(lambda: protocol, self.path)
        else:
            await loop.create_connection(lambda: protocol, self.host or "localhost", self.port)


class _Protocol(asyncio.Protocol):
    """One connection: writes queued commands once per loop turn, answers waiters in order."""

    def __init__(self, loop: asyncio.AbstractEventLoop, timeout: float) -> None:
        self._loop = loop
        self._timeout = timeout
        self._reader = hiredis.Reader()
        self._waiting: collections.deque[tuple[float, asyncio.Future[Any]]] = collections.deque()
        self._outgoing: list[bytes] = []
        self._transport: asyncio.Transport | None = None
        self._timer: asyncio.TimerHandle | None = None
        self.closed = False

    # -- asyncio.Protocol ---------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = cast(asyncio.Transport, transport)  # uvloop's are not subclasses

    def data_received(self, data: bytes) -> None:
        reader = self._reader
        reader.feed(data)
        waiting = self._waiting
        while True:
            try:
                reply = reader.gets()
            except hiredis.ProtocolError:
                self._fail(ConnectionError("redis: unreadable reply"))
                return
            if reply is False:
                return
            if not waiting:  # a reply nobody asked for: the stream is out of step
                self._fail(ConnectionError("redis: unexpected reply"))
                return
            _, future = waiting.popleft()
            if future.done():  # its caller gave up (cancelled)
                continue
            if isinstance(reply, hiredis.ReplyError):
                future.set_exception(ReplyError(str(reply)))
            else:
                future.set_result(reply)

    def connection_lost(self, exc: Exception | None) -> None:
        self._fail(ConnectionError("redis: connection lost"))

    # -- commands -----------------------------------------------------------------------------

    def send(self, *args: str | bytes | int) -> asyncio.Future[Any]:
        """Queue one command; the future gets its reply (``bytes`` for strings)."""
        if self.closed:
            raise ConnectionError("redis: connection closed")
        packed = _pack(args)  # first: a command that cannot be packed must not wait for a reply
        future: asyncio.Future[Any] = self._loop.create_future()
        deadline = self._loop.time() + self._timeout
        self._waiting.append((deadline, future))
        if not self._outgoing:
            self._loop.call_soon(self._flush)
        self._outgoing.append(packed)
        if self._timer is None:
            self._timer = self._loop.call_at(deadline, self._check_deadline)
        return future

    def _flush(self) -> None:
        """Write the commands queued during this loop turn in one go (one system call, and the
        server reads them together)."""
        outgoing, self._outgoing = self._outgoing, []
        if outgoing and self._transport is not None and not self.closed:
            self._transport.write(b"".join(outgoing))

    def _check_deadline(self) -> None:
        """Fail everything when the oldest command is past its deadline; else wait for it."""
        self._timer = None
        if not self._waiting or self.closed:
            return
        deadline = self._waiting[0][0]
        if deadline <= self._loop.time():
            self._fail(TimeoutError("redis: no reply in time"))
        else:
            self._timer = self._loop.call_at(deadline, self._check_deadline)

    def _fail(self, exc: Exception) -> None:
        """Close the connection and fail every command waiting on it."""
        self.closed = True
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        waiting, self._waiting = self._waiting, collections.deque()
        for _, future in waiting:
            if not future.done():
                future.set_exception(exc)
        self._outgoing = []
        if self._transport is not None:
            self._transport.abort()

    def close(self) -> None:
        """Close the connection (waiting commands fail)."""
        if not self.closed:
            self._fail(ConnectionError("redis: connection closed"))


class _SubscriberProtocol(asyncio.Protocol):
    """A connection in subscribe mode: every published message goes to ``on_message``."""

    def __init__(self, on_message: Callable[[bytes], None]) -> None:
        self._reader = hiredis.Reader()
        self._on_message = on_message
        self._transport: asyncio.Transport | None = None
        self.closed = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        reader = self._reader
        reader.feed(data)
        while True:
            try:
                reply = reader.gets()
            except hiredis.ProtocolError:
                self.close()
                return
            if reply is False:
                return
            # ["message", channel, data]; the confirmations ("subscribe", ...) are skipped
            if isinstance(reply, list) and len(reply) == 3 and reply[0] == b"message":
                self._on_message(reply[2])
            elif isinstance(reply, hiredis.ReplyError):  # refused (AUTH): stop listening
                self.close()
                return

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True

    def write(self, *args: str | bytes | int) -> None:
        if self._transport is not None and not self.closed:
            self._transport.write(_pack(args))

    def close(self) -> None:
        self.closed = True
        if self._transport is not None:
            self._transport.abort()


class Subscription:
    """Messages published on one channel, handed to ``on_message`` as they come (one connection
    in subscribe mode). :meth:`ensure` (re)connects in the background and never waits: a store
    that follows other workers' writes works the same, only less well, while it is not
    listening."""

    def __init__(self, endpoint: Endpoint, channel: str, on_message: Callable[[bytes], None], *,
                 timeout: float, retry_after: float) -> None:
        self.endpoint = endpoint
        self.channel = channel
        self.timeout = timeout
        self.retry_after = retry_after
        self._on_message = on_message
        self._protocol: _SubscriberProtocol | None = None
        self._task: asyncio.Task[None] | None = None
        self._next_try = 0.0

    @property
    def listening(self) -> bool:
        """True while subscribed."""
        return self._protocol is not None and not self._protocol.closed

    def ensure(self) -> None:
        """Start connecting, unless connected, connecting, or waiting after a failed try."""
        if self.listening or (self._task is not None and not self._task.done()):
            return
        loop = asyncio.get_running_loop()
        if loop.time() < self._next_try:
            return
        self._next_try = loop.time() + self.retry_after
        self._task = loop.create_task(self._connect())

    async def _connect(self) -> None:
        protocol = _SubscriberProtocol(self._on_message)
        try:
            async with asyncio.timeout(self.timeout):
                await self.endpoint.connect(protocol)
        except (OSError, TimeoutError):
            return  # tried again after retry_after
        auth = self.endpoint.auth_args()
        if auth is not None:
            protocol.write("AUTH", *auth)
        protocol.write("SUBSCRIBE", self.channel)
        self._protocol = protocol

    def close(self) -> None:
        """Stop listening."""
        if self._task is not None and not self._task.done():
            self._task.cancel()
        protocol, self._protocol = self._protocol, None
        if protocol is not None:
            protocol.close()


class PipelinedRedis:
    """The pipelined client of one event loop (see the module's docstring)."""

    def __init__(self, endpoint: Endpoint, *, timeout: float, connect_timeout: float | None = None) -> None:
        if timeout <= 0:
            raise ValueError("PipelinedRedis.timeout: expected seconds > 0")
        self.endpoint = endpoint
        self.timeout = timeout
        self.connect_timeout = connect_timeout or timeout
        self._protocol: _Protocol | None = None
        self._connecting: asyncio.Future[_Protocol] | None = None

    async def execute(self, *args: str | bytes | int) -> Any:
        """Send one command and return its reply (strings as ``bytes``; see :func:`text`)."""
        protocol = self._protocol
        if protocol is None or protocol.closed:
            protocol = await self._connected()
        return await protocol.send(*args)

    async def _connected(self) -> _Protocol:
        """An open connection: the current one, or a new one (one connect for all callers)."""
        if self._connecting is None:
            self._connecting = asyncio.ensure_future(self._connect())
        connecting = self._connecting
        try:
            return await asyncio.shield(connecting)
        finally:
            if connecting.done() and self._connecting is connecting:
                self._connecting = None

    async def _connect(self) -> _Protocol:
        endpoint = self.endpoint
        protocol = _Protocol(asyncio.get_running_loop(), self.timeout)
        async with asyncio.timeout(self.connect_timeout):
            await endpoint.connect(protocol)
            try:
                auth = endpoint.auth_args()
                if auth is not None:
                    await protocol.send("AUTH", *auth)
                if endpoint.db:
                    await protocol.send("SELECT", endpoint.db)
            except BaseException:
                protocol.close()
                raise
        self._protocol = protocol
        return protocol

    def close(self) -> None:
        """Close the connection."""
        protocol, self._protocol = self._protocol, None
        if protocol is not None:
            protocol.close()


def text(raw: Any) -> str | None:
    """A string reply as ``str`` (None stays None)."""
    if raw is None or isinstance(raw, str):
        return raw
    if isinstance(raw, bytes):
        return raw.decode(ENCODING, ENCODING_ERRORS)
    return str(raw)


def _pack(args: tuple[str | bytes | int, ...]) -> bytes:
    """One command in the protocol's form (strings encoded as values are)."""
    encoded: Any = tuple(a.encode(ENCODING, ENCODING_ERRORS) if isinstance(a, str) else a for a in args)
    packed: bytes = hiredis.pack_command(encoded)  # its stub types a one-element tuple only
    return packed
