"""The demo community and the moderator console: server-rendered Jinja2 pages with a little
JavaScript (progressive enhancement: every form also works without it).

Demo pages: ``/`` (pick who you are), ``/demo/chat`` (one-on-one), ``/demo/room`` (group room),
``/demo/profile`` (profile editor). Console: ``/console`` (review queue), ``/console/review/{id}``,
``/console/users/{id}`` (strike history), ``/console/charts`` (decisions over time).
"""

from __future__ import annotations

import asyncio
import urllib.parse
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.staticfiles import StaticFiles

from offsite.models import Action, AgeGroup, Context, Role, Sender, Surface
from offsite.service.demo import (
    DEFAULT_PERSONA,
    PROFILE_FIELDS,
    ROOM_MEMBERS,
    DemoMessage,
    DemoSession,
    DemoState,
    Persona,
    clean_name,
    now,
    partner_for,
)
from offsite.service.keys import Scope

if TYPE_CHECKING:
    from offsite.service.app import Runtime

SID_COOKIE = "offsite_sid"
PERSONA_COOKIE = "offsite_persona"
PARTNER_COOKIE = "offsite_partner_age"
CONSOLE_COOKIE = "offsite_console_key"
MAX_FORM_TEXT = 2000
KIND_COLOURS = {
    "email": "#0f5e5a", "phone": "#b4460f", "url": "#5b4bb7", "invite": "#a3307a",
    "handle": "#1d6fa5", "solicitation": "#7a5c00", "address": "#4d6b2f", "none": "#8a8f98",
}
SURFACE_COLOURS = {"chat": "#0f5e5a", "room": "#b4460f", "listener_room": "#5b4bb7", "profile": "#1d6fa5"}


def _env() -> Environment:
    env = Environment(loader=PackageLoader("offsite.service", "templates"),
                      autoescape=select_autoescape(["html", "svg"]), trim_blocks=True, lstrip_blocks=True)
    env.globals["kind_colours"] = KIND_COLOURS
    return env


def install_web(app: FastAPI, runtime: Runtime) -> None:
    """Mount the static files and add the demo and console pages to ``app``."""
    from offsite.service.app import run_check

    env = _env()
    demo = DemoState()
    app.mount("/static", StaticFiles(packages=[("offsite.service", "static")]), name="static")

    def page(request: Request, template: str, code: int = 200, **values: Any) -> HTMLResponse:
        persona = _persona(request)
        html = env.get_template(template).render(request=request, persona=persona, path=request.url.path,
                                                 **values)
        return HTMLResponse(html, status_code=code)

    def session_of(request: Request) -> tuple[DemoSession, bool]:
        sid = request.cookies.get(SID_COOKIE) or ""
        fresh = len(sid) < 8 or len(sid) > 64 or not sid.replace("-", "").replace("_", "").isalnum()
        if fresh:
            sid = demo.new_sid()
        return demo.session(sid), fresh

    def panes(template: str, views: dict[str, dict[str, Any]], last: DemoMessage | None) -> Response:
        """The JSON answer of a send: each pane re-rendered, the screen-reader line, the action."""
        return _json({
            "panes": {name: env.get_template(template).render(**values) for name, values in views.items()},
            "announce": _announce(last),
            "action": last.action.value if last else None,
        })

    def with_sid(response: Response, session: DemoSession, fresh: bool) -> Response:
        if fresh:
            response.set_cookie(SID_COOKIE, session.sid, httponly=True, samesite="lax", max_age=86400)
        return response

    # --- demo ------------------------------------------------------------------------------

    @app.get("/", include_in_schema=False)
    async def home(request: Request) -> Response:
        """Pick who you are."""
        return page(request, "home.html", roles=list(Role)[:2], ages=[AgeGroup.ADULT, AgeGroup.TEEN])

    @app.post("/demo/persona", include_in_schema=False)
    async def set_persona(request: Request) -> Response:
        """Remember who the visitor plays (cookie) and go on to the chosen page."""
        form = await request.form()
        name = clean_name(str(form.get("name", "")))
        errors = {}
        if name is None:
            errors["name"] = "Use 1 to 24 letters, digits, spaces, apostrophes or hyphens, starting with a letter."
        try:
            role = Role(str(form.get("role", "member")))
            age = AgeGroup(str(form.get("age_group", "adult")))
            if role == Role.MODERATOR or age == AgeGroup.UNKNOWN:
                raise ValueError
        except ValueError:
            errors["role"] = "Choose member or listener, adult or teen."
            role, age = Role.MEMBER, AgeGroup.ADULT
        if errors:
            return page(request, "home.html", code=422, errors=errors, form=dict(form),
                        roles=list(Role)[:2], ages=[AgeGroup.ADULT, AgeGroup.TEEN])
        target = str(form.get("next", "/demo/chat"))
        if target not in ("/demo/chat", "/demo/room", "/demo/profile"):
            target = "/demo/chat"
        response = RedirectResponse(target, status_code=303)
        response.set_cookie(PERSONA_COOKIE, f"{role.value}:{age.value}:{name}", samesite="lax", max_age=86400)
        response.delete_cookie(PARTNER_COOKIE)
        return response

    @app.get("/demo/chat", include_in_schema=False)
    async def chat_page(request: Request) -> Response:
        """One-on-one chat: your side and the other person's side."""
        session, fresh = session_of(request)
        persona = _persona(request)
        partner = partner_for(persona, _partner_age(request))
        return with_sid(page(request, "chat.html", session=session, partner=partner, messages=session.chat,
                             ages=[AgeGroup.ADULT, AgeGroup.TEEN]), session, fresh)

    @app.post("/demo/chat/partner", include_in_schema=False)
    async def chat_partner(request: Request) -> Response:
        """Change the other person's age group (to see the adult-teen rule act)."""
        form = await request.form()
        response = RedirectResponse("/demo/chat", status_code=303)
        try:
            age = AgeGroup(str(form.get("partner_age", "")))
        except ValueError:
            return response
        if age != AgeGroup.UNKNOWN:
            response.set_cookie(PARTNER_COOKIE, age.value, samesite="lax", max_age=86400)
        return response

    @app.post("/demo/chat", include_in_schema=False)
    async def chat_send(request: Request) -> Response:
        """Send a chat message as yourself or as the other person."""
        session, fresh = session_of(request)
        form = await request.form()
        persona = _persona(request)
        partner = partner_for(persona, _partner_age(request))
        author = "partner" if form.get("as") == "partner" else "you"
        text = str(form.get("text", ""))[:MAX_FORM_TEXT]
        if text.strip():
            writer, reader = (partner, persona) if author == "partner" else (persona, partner)
            seq = session.next_seq()
            context = Context(
                surface=Surface.CHAT,
                sender=Sender(id=_user_id(writer, session), role=writer.role, age_group=writer.age_group),
                recipient_age_groups=(reader.age_group,),
                conversation_id=f"demo-chat-{session.sid}",
                message_id=f"m{seq}",
                known_usernames=frozenset({persona.name, partner.name}),
            )
            message = await asyncio.to_thread(_deliver, run_check, runtime, seq, author, writer, text, context)
            demo.add(session, "chat", message)
        if _wants_json(request):
            last = session.chat[-1] if session.chat and text.strip() else None
            common = {"messages": session.chat, "persona": persona, "partner": partner}
            return with_sid(panes("_chat_pane.html", {"you": {"me": "you", **common},
                                                      "partner": {"me": "partner", **common}}, last),
                            session, fresh)
        return with_sid(RedirectResponse("/demo/chat", status_code=303), session, fresh)

    @app.get("/demo/room", include_in_schema=False)
    async def room_page(request: Request) -> Response:
        """A group room: what you wrote, and what the room sees."""
        session, fresh = session_of(request)
        return with_sid(page(request, "room.html", session=session, messages=session.room,
                             members=ROOM_MEMBERS), session, fresh)

    @app.post("/demo/room", include_in_schema=False)
    async def room_send(request: Request) -> Response:
        """Post to the group room."""
        session, fresh = session_of(request)
        form = await request.form()
        persona = _persona(request)
        text = str(form.get("text", ""))[:MAX_FORM_TEXT]
        if text.strip():
            seq = session.next_seq()
            context = Context(
                surface=Surface.ROOM,
                sender=Sender(id=_user_id(persona, session), role=persona.role, age_group=persona.age_group),
                recipient_age_groups=(persona.age_group,),
                conversation_id=f"demo-room-{session.sid}",
                message_id=f"m{seq}",
                known_usernames=frozenset({persona.name, *ROOM_MEMBERS}),
            )
            message = await asyncio.to_thread(_deliver, run_check, runtime, seq, "you", persona, text, context)
            demo.add(session, "room", message)
        if _wants_json(request):
            last = session.room[-1] if session.room and text.strip() else None
            common = {"messages": session.room, "persona": persona, "members": ROOM_MEMBERS}
            return with_sid(panes("_room_pane.html", {"you": {"me": True, **common},
                                                      "room": {"me": False, **common}}, last),
                            session, fresh)
        return with_sid(RedirectResponse("/demo/room", status_code=303), session, fresh)

    @app.get("/demo/profile", include_in_schema=False)
    async def profile_page(request: Request) -> Response:
        """The profile editor."""
        session, fresh = session_of(request)
        values = {name: session.profile.get(name, "") for name, _ in PROFILE_FIELDS}
        if not values["display_name"]:
            values["display_name"] = _persona(request).name
        return with_sid(page(request, "profile.html", fields=PROFILE_FIELDS, values=values, results={},
                             saved=request.query_params.get("saved") == "1"), session, fresh)

    @app.post("/demo/profile", include_in_schema=False)
    async def profile_save(request: Request) -> Response:
        """Check every field; save the allowed ones, refuse the others naming each."""
        session, fresh = session_of(request)
        form = await request.form()
        persona = _persona(request)
        values = {name: str(form.get(name, ""))[:MAX_FORM_TEXT] for name, _ in PROFILE_FIELDS}
        sender = Sender(id=_user_id(persona, session), role=persona.role, age_group=persona.age_group)

        def check_all() -> dict[str, Any]:
            return {
                name: run_check(runtime, text, Context(surface=Surface.PROFILE, sender=sender, field_name=name))
                for name, text in values.items()
            }

        results = await asyncio.to_thread(check_all)
        accepted = {n: values[n] for n, d in results.items() if d.action == Action.ALLOW}
        refused = [n for n, d in results.items() if d.action != Action.ALLOW]
        demo.save_profile(session, accepted)
        labels = dict(PROFILE_FIELDS)
        if _wants_json(request):
            return with_sid(_json({
                "saved": list(accepted), "refused": refused,
                "fields": {n: {"action": d.action.value, "notice": d.notice,
                               "kinds": [k.value for k in d.kinds],
                               "message": _field_message(labels[n], d) if n in refused else None}
                           for n, d in results.items()},
                "announce": ("Saved." if not refused else
                             "Not saved: " + ", ".join(labels[n] for n in refused) +
                             " would share a way to reach you off the site."),
            }), session, fresh)
        if not refused:
            return with_sid(RedirectResponse("/demo/profile?saved=1", status_code=303), session, fresh)
        messages = {n: _field_message(labels[n], results[n]) for n in refused}
        return with_sid(page(request, "profile.html", code=422, fields=PROFILE_FIELDS, values=values,
                             results=results, messages=messages, refused=refused, saved=False),
                        session, fresh)

    @app.post("/demo/reset", include_in_schema=False)
    async def demo_reset(request: Request) -> Response:
        """Start the demo over."""
        sid = request.cookies.get(SID_COOKIE)
        if sid:
            demo.reset(sid)
        target = str((await request.form()).get("next", "/"))
        return RedirectResponse(target if target.startswith("/demo/") else "/", status_code=303)

    # --- moderator console --------------------------------------------------------------------

    def console_allowed(request: Request) -> bool:
        if runtime.keyring.empty:
            return True
        token = request.cookies.get(CONSOLE_COOKIE)
        principal = runtime.keyring.authenticate(token) if token else None
        return principal is not None and Scope.MODERATE in principal.scopes

    def login_redirect(request: Request) -> Response:
        return RedirectResponse("/console/login?next=" + urllib.parse.quote(request.url.path), status_code=303)

    @app.get("/console/login", include_in_schema=False)
    async def console_login_page(request: Request) -> Response:
        """Ask for a moderator key."""
        return page(request, "login.html", next=_safe_next(request.query_params.get("next")))

    @app.post("/console/login", include_in_schema=False)
    async def console_login(request: Request) -> Response:
        """Check the key and keep it in an HttpOnly cookie for the console."""
        form = await request.form()
        token = str(form.get("key", "")).strip()
        target = _safe_next(str(form.get("next", "/console")))
        principal = runtime.keyring.authenticate(token) if token else None
        if principal is None or Scope.MODERATE not in principal.scopes:
            return page(request, "login.html", code=401, next=target,
                        error="That key is not a moderator key of this server.")
        response = RedirectResponse(target, status_code=303)
        response.set_cookie(CONSOLE_COOKIE, token, httponly=True, samesite="strict", path="/console",
                            secure=request.url.scheme == "https", max_age=8 * 3600)
        return response

    @app.post("/console/logout", include_in_schema=False)
    async def console_logout() -> Response:
        """Forget the console key."""
        response = RedirectResponse("/", status_code=303)
        response.delete_cookie(CONSOLE_COOKIE, path="/console")
        return response

    @app.get("/console", include_in_schema=False)
    async def console_queue(request: Request) -> Response:
        """The review queue."""
        if not console_allowed(request):
            return login_redirect(request)
        status = request.query_params.get("status", "open")
        if status not in ("open", "resolved"):
            status = "open"
        items = await asyncio.to_thread(runtime.store.review_items, status, 100, 0)
        resolved = request.query_params.get("resolved")
        return page(request, "console_queue.html", items=[i.to_dict() for i in items], status=status,
                    resolved=resolved if resolved and resolved.isdigit() else None,
                    show_logout=not runtime.keyring.empty)

    @app.get("/console/review/{item_id}", include_in_schema=False)
    async def console_item(request: Request, item_id: int) -> Response:
        """One review item with its conversation context, and the resolve form."""
        if not console_allowed(request):
            return login_redirect(request)
        item = await asyncio.to_thread(runtime.store.review_item, item_id)
        if item is None:
            return page(request, "not_found.html", code=404, what=f"review item {item_id}")
        data = item.to_dict()
        thread = _demo_thread(demo, data.get("conversation_id"))
        return page(request, "console_item.html", item=data, thread=thread,
                    show_logout=not runtime.keyring.empty)

    @app.post("/console/review/{item_id}/resolve", include_in_schema=False)
    async def console_resolve(request: Request, item_id: int) -> Response:
        """Resolve an item from the console and go back to the queue."""
        if not console_allowed(request):
            return login_redirect(request)
        form = await request.form()
        resolution = str(form.get("resolution", ""))
        if resolution not in ("confirmed", "false_positive"):
            return page(request, "not_found.html", code=422, what="that resolution")
        by = clean_name(str(form.get("by", ""))) or "moderator"
        note = str(form.get("note", "")).strip()[:2000] or None
        try:
            await asyncio.to_thread(runtime.store.resolve_review, item_id, resolution, by, note)
        except KeyError:
            return page(request, "not_found.html", code=404, what=f"review item {item_id}")
        except ValueError:
            pass  # already resolved: the queue shows its state
        return RedirectResponse(f"/console?resolved={item_id}", status_code=303)

    @app.get("/console/users", include_in_schema=False)
    async def console_user_lookup(request: Request) -> Response:
        """Jump to a user's strike history."""
        user_id = (request.query_params.get("user_id") or "").strip()[:200]
        if not user_id:
            return RedirectResponse("/console", status_code=303)
        return RedirectResponse("/console/users/" + urllib.parse.quote(user_id, safe=""), status_code=303)

    @app.get("/console/users/{user_id:path}", include_in_schema=False)
    async def console_user(request: Request, user_id: str) -> Response:
        """A user's strike history."""
        if not console_allowed(request):
            return login_redirect(request)
        records = await asyncio.to_thread(runtime.store.strikes, user_id[:200])
        now_iso = datetime.now(UTC).isoformat()
        return page(request, "console_user.html", user_id=user_id[:200],
                    strikes=[r.to_dict() for r in records], now_iso=now_iso,
                    show_logout=not runtime.keyring.empty)

    @app.get("/console/charts", include_in_schema=False)
    async def console_charts(request: Request) -> Response:
        """Decisions over time by kind and by surface."""
        if not console_allowed(request):
            return login_redirect(request)
        bucket = request.query_params.get("bucket", "hour")
        if bucket not in ("hour", "day"):
            bucket = "hour"
        span = timedelta(hours=24) if bucket == "hour" else timedelta(days=14)
        since = datetime.now(UTC) - span
        rows = await asyncio.to_thread(runtime.store.decision_counts, since, bucket)
        slots = _slots(datetime.now(UTC), bucket)
        by_kind = _series(rows, "kind", slots)
        by_surface = _series(rows, "surface", slots)
        by_action = _series(rows, "action", slots)
        return page(request, "console_charts.html", bucket=bucket,
                    kind_chart=_chart(by_kind, KIND_COLOURS, "Contact found, by kind"),
                    surface_chart=_chart(by_surface, SURFACE_COLOURS, "Contact found, by surface"),
                    action_totals=_totals(by_action), kind_totals=_totals(by_kind),
                    surface_totals=_totals(by_surface), show_logout=not runtime.keyring.empty)


# --- helpers ----------------------------------------------------------------------------------


def _deliver(run_check: Any, runtime: Runtime, seq: int, author: str, writer: Persona, text: str,
             context: Context) -> DemoMessage:
    decision = run_check(runtime, text, context)
    if decision.action == Action.ALLOW:
        delivered: str | None = text
    elif decision.action == Action.REDACT:
        delivered = decision.redacted_text
    else:
        delivered = None
    return DemoMessage(seq=seq, author=author, author_name=writer.name, original=text, delivered=delivered,
                       action=decision.action, notice=decision.notice,
                       kinds=tuple(k.value for k in decision.kinds), sent_at=now())


def _announce(message: DemoMessage | None) -> str:
    if message is None:
        return ""
    if message.action == Action.ALLOW:
        return "Message delivered."
    return f"{message.status}. {message.notice or ''}".strip()


def _field_message(label: str, decision: Any) -> str:
    kinds = ", ".join(k.value for k in decision.kinds) or "contact"
    return f"{label} wasn't saved: it looks like it shares a way to reach you off the site ({kinds})."


def _persona(request: Request) -> Persona:
    raw = request.cookies.get(PERSONA_COOKIE, "")
    parts = raw.split(":", 2)
    if len(parts) == 3:
        name = clean_name(parts[2])
        try:
            role, age = Role(parts[0]), AgeGroup(parts[1])
        except ValueError:
            return DEFAULT_PERSONA
        if name and role != Role.MODERATOR and age != AgeGroup.UNKNOWN:
            return Persona(name, role, age)
    return DEFAULT_PERSONA


def _partner_age(request: Request) -> AgeGroup | None:
    try:
        age = AgeGroup(request.cookies.get(PARTNER_COOKIE, ""))
    except ValueError:
        return None
    return None if age == AgeGroup.UNKNOWN else age


def _user_id(persona: Persona, session: DemoSession) -> str:
    return f"demo-{persona.name.lower().replace(' ', '-')}-{session.sid[:6]}"


def _wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "")


def _json(value: Any) -> Response:
    from offsite.service.app import JSONBytes

    return JSONBytes(value)


def _safe_next(value: str | None) -> str:
    if value and value.startswith("/console") and "//" not in value:
        return value
    return "/console"


def _demo_thread(demo: DemoState, conversation_id: Any) -> list[dict[str, Any]]:
    """The demo conversation around a review item, as the recipients saw it (contact masked)."""
    if not isinstance(conversation_id, str):
        return []
    for prefix, where in (("demo-chat-", "chat"), ("demo-room-", "room")):
        if conversation_id.startswith(prefix):
            session = demo.session(conversation_id[len(prefix):])
            log = session.chat if where == "chat" else session.room
            return [{"seq": m.seq, "author": m.author_name,
                     "text": m.delivered if m.delivered is not None else "[not delivered]",
                     "action": m.action.value} for m in log[-12:]]
    return []


def _slots(now_: datetime, bucket: str) -> list[str]:
    """Every time bucket of the charted period, oldest first (ISO 8601, UTC)."""
    if bucket == "hour":
        end = now_.replace(minute=0, second=0, microsecond=0)
        return [(end - timedelta(hours=i)).isoformat() for i in range(23, -1, -1)]
    end = now_.replace(hour=0, minute=0, second=0, microsecond=0)
    return [(end - timedelta(days=i)).isoformat() for i in range(13, -1, -1)]


def _series(rows: list[dict[str, Any]], key: str, slots: list[str]) -> dict[str, dict[str, int]]:
    """``{bucket: {label: count}}`` from the store's decision counts, with every slot present."""
    out: dict[str, dict[str, int]] = {slot: {} for slot in slots}
    for row in rows:
        try:
            bucket = datetime.fromisoformat(str(row.get("bucket"))).astimezone(UTC).isoformat()
        except ValueError:
            continue
        if bucket not in out:
            continue
        label = str(row.get(key) or "none")
        out[bucket][label] = out[bucket].get(label, 0) + int(row.get("count", 0))
    return out


def _totals(series: dict[str, dict[str, int]]) -> list[tuple[str, int]]:
    totals: dict[str, int] = defaultdict(int)
    for counts in series.values():
        for label, count in counts.items():
            totals[label] += count
    return sorted(totals.items(), key=lambda kv: -kv[1])


def _chart(series: dict[str, dict[str, int]], colours: dict[str, str], title: str) -> dict[str, Any]:
    """Geometry of a stacked bar chart (drawn as inline SVG by the template)."""
    width, height, left, bottom, top = 640, 240, 40, 36, 12
    buckets = list(series)
    labels = sorted({label for counts in series.values() for label in counts})
    peak = max((sum(c.values()) for c in series.values()), default=0)
    scale_max = max(1, peak)
    plot_h = height - bottom - top
    slot = (width - left - 8) / max(1, len(buckets))
    bar_w = max(2.0, min(36.0, slot * 0.7))
    bars = []
    for i, bucket in enumerate(buckets):
        y = float(height - bottom)
        x = left + i * slot + (slot - bar_w) / 2
        for label in labels:
            count = series[bucket].get(label, 0)
            if not count:
                continue
            h = plot_h * count / scale_max
            y -= h
            bars.append({"x": round(x, 1), "y": round(y, 1), "w": round(bar_w, 1), "h": round(h, 1),
                         "colour": colours.get(label, "#8a8f98"), "label": label, "count": count,
                         "bucket": bucket})
    step = max(1, len(buckets) // 8)
    ticks = [{"x": round(left + i * slot + slot / 2, 1), "text": _bucket_label(b)}
             for i, b in enumerate(buckets) if i % step == 0]
    grid = [{"y": round(height - bottom - plot_h * f, 1), "value": round(scale_max * f)}
            for f in (0.0, 0.5, 1.0)]
    legend = [{"label": label, "colour": colours.get(label, "#8a8f98")} for label in labels]
    return {"title": title, "width": width, "height": height, "bars": bars, "ticks": ticks, "grid": grid,
            "legend": legend, "left": left, "empty": not bars,
            "table": [{"bucket": _bucket_label(b), **series[b]} for b in buckets if series[b]], "labels": labels}


def _bucket_label(bucket: str) -> str:
    try:
        moment = datetime.fromisoformat(bucket)
    except ValueError:
        return bucket[:16]
    return moment.strftime("%H:%M") if (moment.hour or moment.minute) else moment.strftime("%b %d")
