"""The FastAPI application: ``create_app(settings)`` builds one, ``create_app_from_env()`` is the
uvicorn factory used by ``offsite serve`` (each worker process builds its own).

Middleware order (outermost first): request metrics, loopback guard, body size limit, CORS.
Authentication and rate limiting are per-route dependencies, so the OpenAPI document shows them.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any

import orjson
from fastapi import Depends, FastAPI, HTTPException, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from offsite import __version__
from offsite.guard import Guard
from offsite.models import Action, Decision, Surface
from offsite.service.backends import open_state, open_store
from offsite.service.keys import ANONYMOUS, KeyRing, Principal
from offsite.service.keys import Scope as KeyScope
from offsite.service.metrics import CONTENT_TYPE, Metrics
from offsite.service.ratelimit import RateLimiter
from offsite.service.schemas import (
    CheckRequest,
    ClosedOut,
    DecisionOut,
    ErrorOut,
    HealthOut,
    ProfileCheckRequest,
    ProfileDecisionOut,
    ResolveRequest,
)
from offsite.service.settings import Settings, is_loopback_host, load_settings
from offsite.store import Store

log = logging.getLogger("offsite.service")

#: How often the write-behind queue (and the outage buffer) is written.
FLUSH_INTERVAL_S = 0.2


@dataclass(frozen=True)
class Runtime:
    """Everything one app instance holds (attached to ``app.state.runtime``; no module globals)."""

    settings: Settings
    guard: Guard
    store: Store
    state: Any
    keyring: KeyRing
    metrics: Metrics
    limiter: RateLimiter


class JSONBytes(JSONResponse):
    """A JSON response serialised with orjson."""

    def render(self, content: Any) -> bytes:
        """orjson bytes of ``content``."""
        return orjson.dumps(content)


def _error(status: int, code: str, message: str, headers: dict[str, str] | None = None,
           fields: list[dict[str, str]] | None = None) -> JSONBytes:
    body: dict[str, Any] = {"error": code, "message": message}
    if fields is not None:
        body["fields"] = fields
    return JSONBytes(body, status_code=status, headers=headers)


_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "Missing or unknown API key."},
    403: {"model": ErrorOut, "description": "The key lacks the scope."},
    413: {"model": ErrorOut, "description": "Request body too large."},
    422: {"model": ErrorOut, "description": "Invalid input; `fields` locates each problem."},
    429: {"model": ErrorOut, "description": "Rate limit exceeded; see Retry-After."},
}


# --- pure ASGI middleware ---------------------------------------------------------------------


class RequestMetricsMiddleware:
    """Times every HTTP request and counts it by route template (never the raw path)."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None) or ("static" if scope["path"].startswith("/static")
                                                         else "unmatched")
            self.metrics.record_request(template, scope["method"], status, time.perf_counter() - start)


class KeepAliveLimitMiddleware:
    """Asks a client to close its connection after ``max_requests`` requests on it, with
    ``Connection: close`` on the last answer (HTTP clients then open a new one).

    Worker processes share one listening socket, and a burst of new connections can all be
    accepted by one of them (whichever wakes first takes every pending connection) and stay
    there as long as the clients keep them alive: one worker then does all the work while the
    others wait. A connection opened again is accepted by a worker that is waiting, most often
    the less busy one, so recycling them spreads the load over the workers within seconds."""

    #: connections remembered at most (counts of connections that closed on their own are
    #: forgotten all at once past this)
    max_tracked = 4096

    def __init__(self, app: ASGIApp, max_requests: int) -> None:
        self.app = app
        self.max_requests = max_requests
        self._served: dict[tuple[str, int], int] = {}  # (client host, port): requests so far

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        client = scope.get("client") if scope["type"] == "http" else None
        if not client:
            await self.app(scope, receive, send)
            return
        key = (client[0], client[1])
        served = self._served.get(key, 0) + 1
        if served < self.max_requests:
            if served == 1 and len(self._served) >= self.max_tracked:
                self._served.clear()
            self._served[key] = served
            await self.app(scope, receive, send)
            return
        self._served.pop(key, None)

        async def send_closing(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", ()), (b"connection", b"close")]}
            await send(message)

        await self.app(scope, receive, send_closing)


class LoopbackOnlyMiddleware:
    """With no API key configured (and no insecure flag), refuse clients not on this machine."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            client = scope.get("client")
            host = client[0] if client else ""
            if not is_loopback_host(host):
                self.metrics.record_rejection("not_loopback")
                response = _error(403, "forbidden",
                                  "this server has no API keys configured and only serves this machine")
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


class BodySizeLimitMiddleware:
    """Answers 413 when a request body is larger than ``limit`` bytes (declared or streamed)."""

    def __init__(self, app: ASGIApp, limit: int, metrics: Metrics) -> None:
        self.app = app
        self.limit = limit
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope["headers"]:
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = self.limit + 1
                if declared > self.limit:
                    await self._too_large(scope, receive, send)
                    return
                # the HTTP server delivers no more than the declared length
                await self.app(scope, receive, send)
                return
        # No declared length (chunked): read up to the limit first, then replay it.
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            body = message.get("body", b"")
            size += len(body)
            if size > self.limit:
                await self._too_large(scope, receive, send)
                return
            chunks.append(body)
            more = bool(message.get("more_body", False))
        await self.app(scope, _replay(b"".join(chunks), receive), send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.metrics.record_rejection("too_large")
        response = _error(413, "payload_too_large",
                          f"request body is larger than the limit of {self.limit} bytes")
        await response(scope, receive, send)


class CheckFastPath:
    """Serves ``POST /v1/check`` without FastAPI's per-request work (resolving the route's
    dependencies, parsing and validating the body in several passes), which cost more CPU than
    checking a clean message. It answers the requests that pass as they are: a JSON body that
    validates, a key with the check scope, room under the rate limit. Every other request goes
    on, with its body, to the FastAPI route, so that error answers (422 with field paths, 401,
    403, 429) come from one place and the OpenAPI document describes both. The middleware outside
    this one (metrics, loopback guard, body size limit, CORS) apply to both."""

    def __init__(self, app: ASGIApp, runtime: Runtime) -> None:
        self.app = app
        self.runtime = runtime
        self._route: Any = None  # the FastAPI route, named in the request metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != "/v1/check" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        body = await _read_body(receive)
        if body is None:  # the client went away
            return
        request = _check_request(scope, body)
        if request is None or not self._admit(scope):
            await self.app(scope, _replay(body, receive), send)
            return
        if self._route is None:
            self._route = next((r for r in scope["app"].routes if getattr(r, "path", None) == "/v1/check"), None)
        scope["route"] = self._route
        try:
            response = await answer_check(self.runtime, request)
        except Exception as exc:  # as the app's handler of unexpected errors does
            log.error("internal error on POST /v1/check (%s)", type(exc).__name__)
            response = _error(500, "internal_error", "the server failed to handle this request")
        await response(scope, receive, send)

    def _admit(self, scope: Scope) -> bool:
        """True when the request's key may check and the rate limit lets it through (the token
        is taken then); False leaves the request to the route's own authorisation."""
        runtime = self.runtime
        token = None
        if not runtime.keyring.empty:
            bearer = api_key = None
            for name, value in scope["headers"]:
                if name == b"authorization":
                    kind, _, credentials = value.decode("latin-1").partition(" ")
                    if kind.lower() == "bearer" and credentials:
                        bearer = credentials
                elif name == b"x-api-key":
                    api_key = value.decode("latin-1")
            token = bearer or api_key
        principal = authenticate(runtime, token)
        if principal is None or KeyScope.CHECK not in principal.scopes:
            return False
        client = scope.get("client")
        return runtime.limiter.acquire(_rate_bucket(principal, client[0] if client else None)) <= 0


def _rate_bucket(principal: Principal, client_host: str | None) -> str:
    """Whose rate limit a request counts against: its key's, or without keys its address's."""
    if principal is ANONYMOUS:
        return "ip:" + (client_host or "unknown")
    return principal.key_id


async def _read_body(receive: Receive) -> bytes | None:
    """The whole request body (its size is bounded by BodySizeLimitMiddleware, outside)."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return None
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """``receive`` that first hands out ``body`` again."""
    replayed = False

    async def replay() -> Message:
        nonlocal replayed
        if not replayed:
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def _check_request(scope: Scope, body: bytes) -> CheckRequest | None:
    """The body as a valid check request, or None for anything else (another content type,
    JSON the standard library reads differently, invalid fields): the route then answers."""
    for name, value in scope["headers"]:
        if name == b"content-type" and value.split(b";", 1)[0].strip().lower() != b"application/json":
            return None
    try:
        data = orjson.loads(body)
        return CheckRequest.model_validate(data)
    except (orjson.JSONDecodeError, ValidationError):
        return None


# --- the application --------------------------------------------------------------------------


def create_app_from_env() -> FastAPI:
    """The uvicorn factory: settings from ``OFFSITE_*`` variables and the TOML file."""
    app = create_app(load_settings())
    # A worker process serves this one app: the lexicon, compiled patterns and number tables live
    # as long as it does. Moved out of the collector's generations, they are no longer walked by
    # every full collection (shorter pauses under load).
    gc.collect()
    gc.freeze()
    return app


def build_runtime(settings: Settings) -> Runtime:
    """Open the store and state and build the guard for ``settings``."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    keyring = KeyRing.load(settings.keys_file)
    store = open_store(settings.database_url, settings.data_dir, settings.fail_mode, settings.write_behind)
    state = open_state(settings.redis_url)
    guard = Guard(store=store, state=state)  # the guard records flagged decisions and strikes
    return Runtime(
        settings=settings,
        guard=guard,
        store=store,
        state=state,
        keyring=keyring,
        metrics=Metrics(),
        limiter=RateLimiter(settings.rate_limit_per_second, settings.rate_limit_burst),
    )


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the service for ``settings`` (defaults: environment, TOML file, built-ins)."""
    settings = settings or load_settings()
    runtime = build_runtime(settings)

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        flusher = asyncio.create_task(_flush_forever(runtime.store))
        try:
            yield
        finally:
            flusher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await flusher
            close_async = getattr(runtime.state, "close_async", None)
            if close_async is not None:  # the connections opened on this loop
                await close_async()
            await asyncio.to_thread(_shutdown, runtime)

    app = FastAPI(
        title="offsite",
        version=__version__,
        summary="Keeps conversations in peer-support communities on the site.",
        description=(
            "Checks messages and profile fields for off-site contact (emails, phone numbers, links, "
            "invites, handles, requests to move elsewhere), decides what happens, and keeps the "
            "review queue for moderators. Authenticate with `Authorization: Bearer <key>` or "
            "`X-API-Key: <key>` when keys are configured."
        ),
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
        default_response_class=JSONBytes,
        # the service reports through /metrics; FastAPI's own OpenTelemetry hooks stay off (they
        # look for configured providers on every request)
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.state.runtime = runtime
    _install_error_handlers(app)
    _install_api(app, runtime)
    _install_docs(app)
    if settings.web:
        from offsite.service.web import install_web

        install_web(app, runtime)

    # innermost: the fast path's answers get CORS headers and pass the size limit like the route's
    app.add_middleware(CheckFastPath, runtime=runtime)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "X-API-Key", "Content-Type"],
            max_age=600,
        )
    app.add_middleware(BodySizeLimitMiddleware, limit=settings.max_body_bytes, metrics=runtime.metrics)
    if runtime.keyring.empty and not settings.insecure:
        app.add_middleware(LoopbackOnlyMiddleware, metrics=runtime.metrics)
    app.add_middleware(RequestMetricsMiddleware, metrics=runtime.metrics)
    if settings.keepalive_requests:
        app.add_middleware(KeepAliveLimitMiddleware, max_requests=settings.keepalive_requests)
    return app


async def _flush_forever(store: Store) -> None:
    while True:
        await asyncio.sleep(FLUSH_INTERVAL_S)
        try:
            await asyncio.to_thread(store.flush)
        except Exception as exc:  # the store's fail mode decides; keep the loop alive
            log.warning("store flush failed (%s)", type(exc).__name__)


def shutdown_app(app: FastAPI) -> None:
    """Close the store and state of an app that will not be served."""
    _shutdown(app.state.runtime)


def _shutdown(runtime: Runtime) -> None:
    try:
        runtime.store.flush()
    except Exception as exc:
        log.warning("store flush at shutdown failed (%s)", type(exc).__name__)
    runtime.store.close()
    closer = getattr(runtime.state, "close", None)
    if callable(closer):
        closer()


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def validation_error(_request: Request, exc: RequestValidationError) -> Response:
        fields = []
        for err in exc.errors():
            loc = [str(p) for p in err.get("loc", ())]
            location = loc[0] if loc else "body"
            path = ".".join(loc[1:]) or location
            # never echo the input: it may be the contact itself
            fields.append({"path": path, "location": location, "message": str(err.get("msg", "invalid")),
                           "type": str(err.get("type", "value_error"))})
        summary = "; ".join(f"{f['path']}: {f['message']}" for f in fields[:5])
        return _error(422, "validation_error", f"invalid request: {summary}", fields=fields)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, exc: StarletteHTTPException) -> Response:
        codes = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
                 405: "method_not_allowed", 409: "conflict", 413: "payload_too_large",
                 429: "rate_limited", 503: "unavailable"}
        return _error(exc.status_code, codes.get(exc.status_code, "error"), str(exc.detail),
                      headers=dict(exc.headers) if exc.headers else None)

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception) -> Response:
        route = getattr(request.scope.get("route"), "path", "unmatched")
        log.error("internal error on %s %s (%s)", request.method, route, type(exc).__name__)
        return _error(500, "internal_error", "the server failed to handle this request")


# --- authentication ---------------------------------------------------------------------------

_bearer = HTTPBearer(auto_error=False, description="An API key as a bearer token.")
_api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="An API key.")


def _authorizer(scope: KeyScope) -> Callable[..., Awaitable[Principal]]:
    async def authorize(
        request: Request,
        bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
        api_key: Annotated[str | None, Depends(_api_key_header)],
    ) -> Principal:
        runtime: Runtime = request.app.state.runtime
        principal = authenticate(runtime, bearer.credentials if bearer else api_key)
        if principal is None:
            runtime.metrics.record_rejection("unauthorized")
            raise HTTPException(401, "a valid API key is required (Authorization: Bearer <key>)",
                                headers={"WWW-Authenticate": "Bearer"})
        if scope not in principal.scopes:
            runtime.metrics.record_rejection("forbidden")
            raise HTTPException(403, f"this API key lacks the '{scope.value}' scope")
        wait = runtime.limiter.acquire(_rate_bucket(principal, request.client.host if request.client else None))
        if wait > 0:
            runtime.metrics.record_rejection("rate_limited")
            raise HTTPException(429, "rate limit exceeded for this API key",
                                headers={"Retry-After": str(max(1, round(wait + 0.5)))})
        return principal

    return authorize


def authenticate(runtime: Runtime, token: str | None) -> Principal | None:
    """The principal for a presented key; everyone is anonymous (all scopes) with no keys configured."""
    if runtime.keyring.empty:
        return ANONYMOUS
    if not token:
        return None
    return runtime.keyring.authenticate(token)


CheckAuth = Annotated[Principal, Depends(_authorizer(KeyScope.CHECK))]
ModerateAuth = Annotated[Principal, Depends(_authorizer(KeyScope.MODERATE))]


def run_check(runtime: Runtime, text: str, context: Any, explain: bool = False) -> Decision:
    """Check one text and count it in the metrics."""
    start = time.perf_counter()
    decision = runtime.guard.check(text, context, explain=explain)
    runtime.metrics.record_decision(decision.action.value, (k.value for k in decision.kinds),
                                    context.surface.value, time.perf_counter() - start)
    return decision


async def run_check_async(runtime: Runtime, text: str, context: Any, explain: bool = False) -> Decision:
    """:func:`run_check` on the event loop (see :meth:`Guard.check_async`)."""
    start = time.perf_counter()
    decision = await runtime.guard.check_async(text, context, explain=explain)
    runtime.metrics.record_decision(decision.action.value, (k.value for k in decision.kinds),
                                    context.surface.value, time.perf_counter() - start)
    return decision


async def answer_check(runtime: Runtime, body: CheckRequest) -> Response:
    """The answer to a valid ``POST /v1/check``: the decision as the library's JSON form."""
    decision = await run_check_async(runtime, body.text, body.context.to_context(), body.explain)
    return JSONBytes(decision.to_dict())


def _install_api(app: FastAPI, runtime: Runtime) -> None:
    store = runtime.store

    @app.post("/v1/check", response_model=DecisionOut, responses=_ERRORS, tags=["check"],
              summary="Check one message")
    async def check(body: CheckRequest, _p: CheckAuth) -> Response:
        """Check one text written in a context; answers the decision as the library's JSON form.
        (Valid requests are answered by CheckFastPath before they get here; see there.)"""
        return await answer_check(runtime, body)

    @app.post("/v1/profiles/check", response_model=ProfileDecisionOut, responses=_ERRORS, tags=["check"],
              summary="Check profile fields")
    async def check_profile(body: ProfileCheckRequest, _p: CheckAuth) -> Response:
        """Check each profile field; answers a decision per field, the strictest action and the
        names of the fields that may not be saved as written."""
        for name, text in body.fields.items():
            if len(text) > 20_000:
                raise RequestValidationError([{"loc": ("body", "fields", name), "type": "string_too_long",
                                               "msg": "String should have at most 20000 characters"}])

        def check_fields() -> dict[str, Decision]:
            return {name: run_check(runtime, text,
                                    body.context.to_context(surface=Surface.PROFILE, field_name=name))
                    for name, text in body.fields.items()}

        decisions = await asyncio.to_thread(check_fields)
        overall = max((d.action for d in decisions.values()), key=lambda a: a.severity, default=Action.ALLOW)
        return JSONBytes({
            "action": overall.value,
            "refused_fields": [n for n, d in decisions.items() if d.action != Action.ALLOW],
            "fields": {n: d.to_dict() for n, d in decisions.items()},
        })

    @app.post("/v1/conversations/{conversation_id}/close", response_model=ClosedOut, responses=_ERRORS,
              tags=["check"], summary="Close a conversation")
    async def close_conversation(
        conversation_id: Annotated[str, Path(min_length=1, max_length=200)], _p: CheckAuth,
    ) -> Response:
        """Forget the conversation's state (pieces of contact split over several messages)."""
        await asyncio.to_thread(runtime.guard.close_conversation, conversation_id)
        return JSONBytes({"conversation_id": conversation_id, "closed": True})

    @app.get("/v1/review", responses=_ERRORS, tags=["moderate"], summary="The review queue")
    async def review_queue(
        _p: ModerateAuth,
        status: Annotated[str, Query(pattern="^(open|resolved|all)$")] = "open",
        limit: Annotated[int, Query(ge=1, le=500)] = 50,
        offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    ) -> Response:
        """Review items, newest first (contact values are masked)."""
        items = await asyncio.to_thread(store.review_items, None if status == "all" else status, limit, offset)
        return JSONBytes({"items": [i.to_dict() for i in items], "limit": limit, "offset": offset})

    @app.get("/v1/review/{item_id}", responses=_ERRORS | {404: {"model": ErrorOut}}, tags=["moderate"],
             summary="One review item")
    async def review_item(item_id: Annotated[int, Path(ge=1, le=2**62)], _p: ModerateAuth) -> Response:
        """One review item with its conversation context."""
        item = await asyncio.to_thread(store.review_item, item_id)
        if item is None:
            raise HTTPException(404, f"no review item {item_id}")
        return JSONBytes(item.to_dict())

    @app.post("/v1/review/{item_id}/resolve", responses=_ERRORS | {404: {"model": ErrorOut}},
              tags=["moderate"], summary="Resolve a review item")
    async def resolve(item_id: Annotated[int, Path(ge=1, le=2**62)], body: ResolveRequest,
                      _p: ModerateAuth) -> Response:
        """Resolve as ``confirmed`` (a strike stands) or ``false_positive``."""
        try:
            item = await asyncio.to_thread(store.resolve_review, item_id, body.resolution, body.by, body.note)
        except KeyError:
            raise HTTPException(404, f"no review item {item_id}") from None
        except ValueError as exc:
            raise HTTPException(409, str(exc)) from None
        return JSONBytes(item.to_dict())

    @app.get("/v1/users/{user_id}/strikes", responses=_ERRORS, tags=["moderate"],
             summary="A user's strikes")
    async def strikes(user_id: Annotated[str, Path(min_length=1, max_length=200)],
                      _p: ModerateAuth) -> Response:
        """The user's strike history, newest first."""
        records = await asyncio.to_thread(store.strikes, user_id)
        return JSONBytes({"user_id": user_id, "strikes": [r.to_dict() for r in records]})

    @app.get("/healthz", response_model=HealthOut, tags=["ops"], summary="Liveness")
    async def healthz() -> Response:
        """The process is up."""
        return JSONBytes({"status": "ok", "checks": {}})

    @app.get("/readyz", response_model=HealthOut, responses={503: {"model": HealthOut}}, tags=["ops"],
             summary="Readiness")
    async def readyz() -> Response:
        """The store and the conversation state are reachable."""
        checks = await asyncio.to_thread(_readiness, runtime)
        ok = all(v == "ok" for v in checks.values())
        return JSONBytes({"status": "ok" if ok else "unavailable", "checks": checks},
                         status_code=200 if ok else 503)

    @app.get("/metrics", tags=["ops"], summary="Prometheus metrics",
             responses={200: {"content": {CONTENT_TYPE: {}}}})
    async def metrics() -> Response:
        """Decisions by action, kind and surface; latency histograms (Prometheus text format)."""
        return Response(runtime.metrics.render(), media_type=CONTENT_TYPE)


def _readiness(runtime: Runtime) -> dict[str, str]:
    checks: dict[str, str] = {}
    try:
        checks["store"] = "ok" if runtime.store.ping() else "unreachable"
    except Exception as exc:
        checks["store"] = f"unreachable ({type(exc).__name__})"
    ping = getattr(runtime.state, "ping", None)
    if callable(ping):
        try:
            checks["state"] = "ok" if ping() else "unreachable"
        except Exception as exc:
            checks["state"] = f"unreachable ({type(exc).__name__})"
    else:
        checks["state"] = "ok"
    return checks


def _install_docs(app: FastAPI) -> None:
    import swagger_ui_bundle

    app.mount("/docs-static", StaticFiles(directory=swagger_ui_bundle.swagger_ui_path), name="docs-static")

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        """Interactive API documentation (Swagger UI served from the package, no CDN)."""
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="offsite API",
            swagger_js_url="/docs-static/swagger-ui-bundle.js",
            swagger_css_url="/docs-static/swagger-ui.css",
            swagger_favicon_url="/docs-static/favicon-32x32.png",
        )


