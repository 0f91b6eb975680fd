"""The JSON API over real HTTP against ``offsite serve`` (embedded SQLite, in-memory state; one test
with Redis and PostgreSQL shared by two workers)."""

from __future__ import annotations

import json
import os
import pathlib
import re
import socket
import uuid

import httpx
import pytest

from .conftest import Server, start_server

EMAIL = "jo.contact@example.com"
PHONE = "555 013 7781"


def uid() -> str:
    return uuid.uuid4().hex[:10]


def test_health_and_readiness(client: httpx.Client) -> None:
    assert client.get("/healthz").json()["status"] == "ok"
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ok", "checks": {"store": "ok", "state": "ok"}}


def test_check_clean_text_is_allowed(client: httpx.Client) -> None:
    r = client.post("/v1/check", json={"text": "I had a rough week, thanks for listening"})
    assert r.status_code == 200
    body = r.json()
    assert body["action"] == "allow"
    assert body["flagged"] is False
    assert body["findings"] == []
    assert body["notice"] is None


def test_check_contact_returns_the_library_decision(client: httpx.Client) -> None:
    from offsite import Context, Guard, Sender

    text = f"mail me at {EMAIL} ok?"
    context = {"surface": "chat", "sender": {"id": "u-" + uid(), "role": "member", "age_group": "adult"}}
    r = client.post("/v1/check", json={"text": text, "context": context})
    assert r.status_code == 200
    body = r.json()
    assert body["action"] in ("bounce", "block", "redact")
    assert body["flagged"] is True
    assert [f["kind"] for f in body["findings"]] == ["email"]
    assert EMAIL not in body["redacted_text"]
    assert "[email hidden]" in body["redacted_text"]
    assert body["notice"]
    expected = Guard().check(text, Context(sender=Sender(id="x"))).to_dict()
    assert set(body) == set(expected)
    assert body["findings"][0]["start"] == expected["findings"][0]["start"]


def test_check_explain_adds_the_trace(client: httpx.Client) -> None:
    r = client.post("/v1/check", json={"text": f"call {PHONE}", "explain": True})
    assert r.status_code == 200
    assert r.json()["trace"], "explain=true must return the developer trace"


def test_validation_errors_name_the_field_and_never_echo_input(client: httpx.Client) -> None:
    r = client.post("/v1/check", json={"text": f"mail {EMAIL}", "context": {"sender": {"role": "boss"}}})
    assert r.status_code == 422
    body = r.json()
    assert body["error"] == "validation_error"
    assert [f["path"] for f in body["fields"]] == ["context.sender.role"]
    assert "context.sender.role" in body["message"]
    assert EMAIL not in r.text

    r = client.post("/v1/check", json={"context": {}})
    assert r.status_code == 422
    assert [f["path"] for f in r.json()["fields"]] == ["text"]

    r = client.post("/v1/check", json={"text": "hi", "context": {"surfce": "chat"}})
    assert r.status_code == 422
    assert r.json()["fields"][0]["path"] == "context.surfce"

    r = client.post("/v1/check", json={"text": "hi", "context": {"recipient_age_groups": ["adult", "kid"]}})
    assert r.status_code == 422
    assert r.json()["fields"][0]["path"] == "context.recipient_age_groups.1"

    r = client.post("/v1/check", content=b'{"text": "hi",', headers={"content-type": "application/json"})
    assert r.status_code == 422
    assert r.json()["error"] == "validation_error"


def test_body_over_the_limit_gets_413(client: httpx.Client) -> None:
    big = json.dumps({"text": "a" * 70_000})
    r = client.post("/v1/check", content=big, headers={"content-type": "application/json"})
    assert r.status_code == 413
    assert r.json()["error"] == "payload_too_large"

    def chunks() -> object:
        for _ in range(80):
            yield b"a" * 1024

    r = client.post("/v1/check", content=chunks(), headers={"content-type": "application/json"})  # chunked
    assert r.status_code == 413


def test_profile_check_refuses_the_field_with_the_handle(client: httpx.Client) -> None:
    r = client.post("/v1/profiles/check", json={
        "fields": {"display_name": "Sunny", "bio": "I love hiking. ig: sunny.days"},
        "context": {"sender": {"id": "p-" + uid()}},
    })
    assert r.status_code == 200
    body = r.json()
    assert body["refused_fields"] == ["bio"]
    assert body["action"] == "block"
    assert body["fields"]["display_name"]["action"] == "allow"
    assert body["fields"]["bio"]["action"] == "block"
    assert "sunny.days" not in body["fields"]["bio"]["redacted_text"]

    r = client.post("/v1/profiles/check", json={"fields": {}})
    assert r.status_code == 422
    assert r.json()["fields"][0]["path"] == "fields"


def test_review_queue_item_and_resolve(client: httpx.Client) -> None:
    sender = "adult-" + uid()
    conversation = "c-" + uid()
    r = client.post("/v1/check", json={
        "text": "add me on snap: quietfox22",
        "context": {"sender": {"id": sender, "age_group": "adult"}, "recipient_age_groups": ["teen"],
                    "conversation_id": conversation, "message_id": "m1"},
    })
    assert r.json()["action"] == "block"
    assert r.json()["review_priority"] == "urgent"

    items = client.get("/v1/review", params={"status": "open", "limit": 500}).json()["items"]
    mine = [i for i in items if i["sender_id"] == sender]
    assert len(mine) == 1
    item = mine[0]
    assert item["priority"] == "urgent"
    assert "quietfox22" not in json.dumps(item)

    one = client.get(f"/v1/review/{item['id']}")
    assert one.status_code == 200
    assert one.json()["conversation_id"] == conversation

    done = client.post(f"/v1/review/{item['id']}/resolve", json={"resolution": "confirmed", "by": "mod-ann"})
    assert done.status_code == 200
    assert done.json()["status"] == "resolved"
    assert done.json()["resolution"] == "confirmed"
    still_open = client.get("/v1/review", params={"limit": 500}).json()["items"]
    assert item["id"] not in [i["id"] for i in still_open]
    resolved = client.get("/v1/review", params={"status": "resolved", "limit": 500}).json()["items"]
    assert item["id"] in [i["id"] for i in resolved]

    assert client.get("/v1/review/999999").status_code == 404
    missing = client.post("/v1/review/999999/resolve", json={"resolution": "confirmed"})
    assert missing.status_code == 404
    assert missing.json()["error"] == "not_found"
    bad = client.post(f"/v1/review/{item['id']}/resolve", json={"resolution": "maybe"})
    assert bad.status_code == 422
    assert bad.json()["fields"][0]["path"] == "resolution"
    assert client.get("/v1/review", params={"status": "bogus"}).status_code == 422


def test_strikes_follow_slips(client: httpx.Client) -> None:
    user = "slipper-" + uid()
    for i in range(2):
        client.post("/v1/check", json={"text": f"text me {PHONE}",
                                      "context": {"sender": {"id": user}, "message_id": f"s{i}"}})
    r = client.get(f"/v1/users/{user}/strikes")
    assert r.status_code == 200
    body = r.json()
    assert body["user_id"] == user
    assert len(body["strikes"]) >= 1
    assert all(s["user_id"] == user for s in body["strikes"])
    assert client.get("/v1/users/nobody-" + uid() + "/strikes").json()["strikes"] == []


def test_conversation_split_contact_and_close(client: httpx.Client) -> None:
    conv = "split-" + uid()
    ctx = {"conversation_id": conv, "sender": {"id": "a-" + uid()}}
    client.post("/v1/check", json={"text": "my number is", "context": {**ctx, "message_id": "1"}})
    client.post("/v1/check", json={"text": "555 01", "context": {**ctx, "message_id": "2"}})
    last = client.post("/v1/check", json={"text": "92 334", "context": {**ctx, "message_id": "3"}}).json()
    assert last["flagged"] is True

    r = client.post(f"/v1/conversations/{conv}/close")
    assert r.status_code == 200
    assert r.json() == {"conversation_id": conv, "closed": True}
    again = client.post("/v1/check", json={"text": "92 334", "context": {**ctx, "message_id": "4"}}).json()
    assert again["flagged"] is False


def test_shared_state_and_store_split_contact_across_workers(tmp_path: pathlib.Path) -> None:
    """Two workers sharing Redis and PostgreSQL (checks on the event loop while Redis answers
    fast): contact split over messages is still pieced together whichever worker gets each."""
    redis_url, pg_url = os.environ.get("OFFSITE_TEST_REDIS_URL"), os.environ.get("OFFSITE_TEST_PG_URL")
    if not redis_url or not pg_url:
        pytest.skip("OFFSITE_TEST_REDIS_URL and OFFSITE_TEST_PG_URL are not set")
    shared = start_server(tmp_path, env={"OFFSITE_REDIS_URL": redis_url, "OFFSITE_DATABASE_URL": pg_url},
                          args=("--workers", "2"))
    try:
        with shared.client() as http:
            for round_ in range(6):  # several conversations: the messages land on both workers
                conv = f"shared-{round_}-" + uid()
                ctx = {"conversation_id": conv, "sender": {"id": "s-" + uid()}}
                texts = ["my number is", "555 01", "92 334"]
                answers = [http.post("/v1/check", json={"text": t, "context": {**ctx, "message_id": str(i)}}).json()
                           for i, t in enumerate(texts)]
                assert answers[-1]["flagged"] and [f["kind"] for f in answers[-1]["findings"]] == ["phone"]
                assert not any(a.get("degraded") for a in answers)
    finally:
        shared.stop()


def test_metrics_count_decisions_and_latency(client: httpx.Client) -> None:
    client.post("/v1/check", json={"text": f"write to {EMAIL}", "context": {"surface": "room"}})
    text = client.get("/metrics")
    assert text.status_code == 200
    assert text.headers["content-type"].startswith("text/plain")
    body = text.text
    match = re.search(r'offsite_decisions_total\{action="(\w+)",kind="email",surface="room"\} (\d+)', body)
    assert match and int(match.group(2)) >= 1
    assert 'offsite_http_request_duration_seconds_bucket{route="/v1/check",le="0.005"}' in body
    assert 'offsite_check_duration_seconds_count{surface="room"}' in body
    assert EMAIL not in body


def test_the_fast_path_and_the_route_answer_alike(client: httpx.Client) -> None:
    """Valid JSON requests are answered before FastAPI's routing (CheckFastPath); a JSON body
    of another media type ("+json") goes through the route. Both give the same decisions, and
    both count under the route's name in the metrics."""
    texts = ["hello, how was your day?", f"write to {EMAIL}", "call me 555 019 4410",
             "add me on snap: jane.d", "i deleted snapchat last week"]
    for text in texts:
        body = json.dumps({"text": text, "context": {"surface": "chat", "locale": "en"}})
        fast = client.post("/v1/check", content=body, headers={"Content-Type": "application/json"})
        routed = client.post("/v1/check", content=body, headers={"Content-Type": "application/vnd.test+json"})
        assert fast.status_code == routed.status_code == 200
        assert fast.json() == routed.json(), text
    bad = json.dumps({"text": 5})
    for media_type in ("application/json", "application/vnd.test+json"):
        r = client.post("/v1/check", content=bad, headers={"Content-Type": media_type})
        assert r.status_code == 422 and r.json()["fields"][0]["path"] == "text"
    metrics = client.get("/metrics").text
    assert 'offsite_http_requests_total{route="/v1/check",method="POST",status="200"}' in metrics


def test_cors_headers_on_answered_checks(keyed_server: Server) -> None:
    origin = {"Origin": "https://community.example"}
    with keyed_server.client(keyed_server.keys["check"]) as c:
        ok = c.post("/v1/check", json={"text": "hi"}, headers=origin)
        refused = c.post("/v1/check", json={"text": 5}, headers=origin)
    assert ok.status_code == 200 and refused.status_code == 422
    for r in (ok, refused):
        assert r.headers["access-control-allow-origin"] == "https://community.example"


def test_openapi_and_docs_are_served_without_a_cdn(client: httpx.Client) -> None:
    spec = client.get("/openapi.json").json()
    for path in ("/v1/check", "/v1/profiles/check", "/v1/conversations/{conversation_id}/close", "/v1/review",
                 "/v1/review/{item_id}", "/v1/review/{item_id}/resolve", "/v1/users/{user_id}/strikes",
                 "/healthz", "/readyz", "/metrics"):
        assert path in spec["paths"], path
    docs = client.get("/docs")
    assert docs.status_code == 200
    assert "/docs-static/swagger-ui-bundle.js" in docs.text
    assert "cdn" not in docs.text.lower()
    assert client.get("/docs-static/swagger-ui-bundle.js").status_code == 200


def test_unknown_route_is_a_json_404(client: httpx.Client) -> None:
    r = client.get("/v1/nope")
    assert r.status_code == 404
    assert r.json()["error"] == "not_found"


def test_no_contact_value_in_any_log_line(server: Server, client: httpx.Client) -> None:
    marker_email = f"zz{uid()}@example.org"
    marker_phone = "555 019 4410"
    client.post("/v1/check", json={"text": f"{marker_email} or {marker_phone}",
                                   "context": {"sender": {"id": "log-" + uid()}}})
    client.post("/v1/check", json={"text": marker_email, "context": {"sender": {"role": "wrong"}}})
    client.post("/v1/profiles/check", json={"fields": {"bio": marker_email}})
    log = server.log()
    assert '"POST /v1/check HTTP/1.1" 200' in log  # the access log is on, so this test can fail
    assert marker_email not in log
    assert marker_phone not in log
    assert "5550194410" not in log


def test_keys_are_required_and_scoped(keyed_server: Server) -> None:
    keys = keyed_server.keys
    with keyed_server.client() as anon:
        r = anon.post("/v1/check", json={"text": "hi"})
        assert r.status_code == 401
        assert r.json()["error"] == "unauthorized"
        assert r.headers["www-authenticate"] == "Bearer"
        assert anon.get("/healthz").status_code == 200
    with keyed_server.client(keys["check"]) as c:
        assert c.post("/v1/check", json={"text": "hi"}).status_code == 200
        r = c.get("/v1/review")
        assert r.status_code == 403
        assert "moderate" in r.json()["message"]
    with keyed_server.client(keys["moderate"]) as m:
        assert m.get("/v1/review").status_code == 200
        assert m.post("/v1/check", json={"text": "hi"}).status_code == 403
    wrong = keys["both"][:-4] + "AAAA"
    with keyed_server.client(wrong) as w:
        assert w.post("/v1/check", json={"text": "hi"}).status_code == 401
    r = httpx.post(keyed_server.url + "/v1/check", json={"text": "hi"}, headers={"X-API-Key": keys["both"]})
    assert r.status_code == 200


def test_keys_are_hashed_at_rest(keyed_server: Server) -> None:
    stored = (keyed_server.data_dir / "api_keys.json").read_text()
    for token in keyed_server.keys.values():
        secret = token.split("_", 2)[2]
        assert secret not in stored
        assert token.split("_")[1] in stored  # the key id is
    assert len(json.loads(stored)["keys"]) == len(keyed_server.keys)


def test_rate_limit_per_key(keyed_server: Server) -> None:
    with keyed_server.client(keyed_server.keys["limited"]) as c:
        codes = [c.post("/v1/check", json={"text": "hello"}).status_code for _ in range(40)]
        limited = c.post("/v1/check", json={"text": "hello"})
    assert codes[:10] == [200] * 10
    assert 429 in codes
    assert limited.status_code == 429
    assert int(limited.headers["retry-after"]) >= 1
    assert limited.json()["error"] == "rate_limited"
    with keyed_server.client(keyed_server.keys["both"]) as other:  # another key is not limited
        assert other.post("/v1/check", json={"text": "hello"}).status_code == 200


def test_cors_is_configurable(keyed_server: Server) -> None:
    ok = httpx.options(keyed_server.url + "/v1/check", headers={
        "Origin": "https://community.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type"})
    assert ok.status_code == 200
    assert ok.headers["access-control-allow-origin"] == "https://community.example"
    bad = httpx.options(keyed_server.url + "/v1/check", headers={
        "Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in bad.headers


def test_http_keep_alive_many_requests(client: httpx.Client) -> None:
    results = {client.post("/v1/check", json={"text": f"message {i}"}).status_code for i in range(50)}
    assert results == {200}


def test_server_refuses_public_bind_without_keys(tmp_path: object) -> None:
    import subprocess

    from .conftest import offsite_cmd

    done = subprocess.run(offsite_cmd("serve", "--host", "0.0.0.0", "--port", "1", "--data-dir", str(tmp_path)),
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "refusing to serve 0.0.0.0" in done.stderr
    assert "Traceback" not in done.stderr


def test_bad_database_url_is_one_clear_line(tmp_path: object) -> None:
    import os
    import subprocess

    from .conftest import free_port, offsite_cmd

    env = {**os.environ, "OFFSITE_DATABASE_URL": "mysql://nobody@127.0.0.1/x"}
    done = subprocess.run(offsite_cmd("serve", "--port", str(free_port()), "--data-dir", str(tmp_path)),
                          capture_output=True, text=True, timeout=60, env=env)
    assert done.returncode == 2
    assert "database URL" in done.stderr
    assert "Traceback" not in done.stderr


def test_socket_level_garbage_does_not_crash_the_server(server: Server, client: httpx.Client) -> None:
    host, port = server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(b"THIS IS NOT HTTP\r\n\r\n")
        sock.recv(1024)
    assert client.get("/healthz").status_code == 200


def _raw_check(sock: socket.socket, text: str) -> tuple[bytes, bool]:
    """One POST /v1/check on an open connection: the response head, and whether the server
    then closed the connection."""
    body = json.dumps({"text": text}).encode()
    sock.sendall(b"POST /v1/check HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                 b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(65536)
    head, _, rest = data.partition(b"\r\n\r\n")
    length = int(re.search(rb"(?i)content-length: *(\d+)", head).group(1))  # type: ignore[union-attr]
    while len(rest) < length:
        rest += sock.recv(65536)
    closed = False
    if b"connection: close" in head.lower():
        sock.settimeout(5)
        closed = sock.recv(1) == b""
    return head, closed


@pytest.mark.parametrize(("setting", "closes_after"), [("3", 3), ("0", None)])
def test_keep_alive_connections_are_recycled(tmp_path: pathlib.Path, setting: str, closes_after: int | None) -> None:
    """After ``keepalive_requests`` answers on one connection the server says
    ``Connection: close`` and closes it, so that clients open a new one (which another worker may
    accept); 0 keeps connections open."""
    srv = start_server(tmp_path, env={"OFFSITE_KEEPALIVE_REQUESTS": setting}, args=("--workers", "2"))
    try:
        host, port = srv.url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=10) as sock:
            for n in range(1, 6):
                head, closed = _raw_check(sock, "hello, how was your day?")
                assert head.startswith(b"HTTP/1.1 200")
                assert closed == (n == closes_after), n
                if closed:
                    break
            else:
                assert closes_after is None
        with httpx.Client(base_url=srv.url, timeout=10) as http:  # clients reconnect on their own
            answers = [http.post("/v1/check", json={"text": f"call me 555 019 44{n:02d}"}) for n in range(7)]
        assert all(a.status_code == 200 and a.json()["flagged"] for a in answers)
    finally:
        srv.stop()
