"""The demo community and the moderator console in a real browser (Playwright + Debian's chromium).

Screenshots of every page go to ``$OFFSITE_SCREENSHOT_DIR`` when it is set
(``scripts/screenshots.sh`` sets it to ``docs/screenshots``), else to a temporary directory.
When ``CI=true`` and chromium is missing these tests fail instead of skipping."""

from __future__ import annotations

import os
import pathlib
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from .conftest import Server

CHROMIUM = pathlib.Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
DESKTOP = {"width": 1280, "height": 860}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's chromium driven by Playwright (no browser download)."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: run scripts/ci/install_chromium.sh"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    """Where screenshots go."""
    target = os.environ.get("OFFSITE_SCREENSHOT_DIR")
    path = pathlib.Path(target) if target else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture()
def page(browser: Any, server: Server) -> Iterator[Any]:
    """A fresh browser context (own cookies) on the zero-configuration server."""
    context = browser.new_context(base_url=server.url, viewport=DESKTOP)
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert errors == [], f"JavaScript errors: {errors}"


def become(page: Any, name: str, role: str, age: str, start: str = "/demo/chat") -> None:
    """Pick who you are on the home page."""
    page.goto("/")
    page.get_by_label("Your name in the demo").fill(name)
    page.locator(f"input[name=role][value={role}]").check()
    page.locator(f"input[name=age_group][value={age}]").check()
    page.get_by_label("Start in").select_option(start)
    page.get_by_role("button", name="Enter the community").click()
    page.wait_for_url(f"**{start}")


def assert_labelled(page: Any) -> None:
    """Every visible form control has a label."""
    unlabelled = page.evaluate("""() => [...document.querySelectorAll('input, textarea, select')]
        .filter(el => el.type !== 'hidden' && !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
        .map(el => el.name || el.id)""")
    assert unlabelled == []


def test_chat_contact_is_redacted_for_the_other_side_and_the_sender_sees_the_notice(
        page: Any, shots: pathlib.Path) -> None:
    become(page, "Alex", "member", "adult")
    page.screenshot(animations="disabled", path=str(shots / "chat-empty.png"))
    assert_labelled(page)
    you, partner = page.locator("#pane-you"), page.locator("#pane-partner")

    page.get_by_label("Message from Alex").fill("hi Sam, rough day today")
    page.get_by_label("Message from Alex").press("Enter")  # keyboard only
    partner.get_by_text("hi Sam, rough day today").wait_for()

    page.get_by_label("Message from Alex").fill("my videos help me cope, find me at https://www.tiktok.com")
    page.locator("#pane-you + form button").click()
    you.get_by_text("Only you can see this.").wait_for()
    assert "Delivered with contact details hidden" in you.inner_text()
    partner.get_by_text("[link hidden]").wait_for()
    assert "tiktok.com" not in partner.inner_text()

    page.get_by_label("Message from Alex").fill("text me at 555 013 7781 tonight")
    page.get_by_label("Message from Alex").press("Enter")
    you.locator(".msg.bounce, .msg.block").first.wait_for()
    assert "Not delivered" in you.inner_text()
    assert "555" not in partner.inner_text()
    expect(page.locator("#live")).to_contain_text("Not delivered")

    page.get_by_label("Message from Sam").fill("I'm glad you're here. What helped today?")
    page.get_by_label("Message from Sam").press("Enter")
    you.get_by_text("What helped today?").wait_for()
    page.screenshot(animations="disabled", path=str(shots / "chat.png"), full_page=True)

    page.reload()  # the server kept the conversation (no JavaScript state)
    assert "[link hidden]" in page.locator("#pane-partner").inner_text()


def test_group_room_hides_contact_from_the_room(page: Any, shots: pathlib.Path) -> None:
    become(page, "Robin", "member", "teen", start="/demo/room")
    page.get_by_label("Message to the room").fill("hello everyone, first time here")
    page.get_by_label("Message to the room").press("Enter")
    page.locator("#pane-room").get_by_text("first time here").wait_for()
    page.get_by_label("Message to the room").fill("anyone on discord? add me: sunnyfox#1234")
    page.get_by_label("Message to the room").press("Enter")
    page.locator("#pane-you").get_by_text("Only you can see this.").wait_for()
    assert "sunnyfox" not in page.locator("#pane-room").inner_text()
    page.screenshot(animations="disabled", path=str(shots / "room.png"), full_page=True)


def test_profile_with_a_handle_is_refused_with_the_field_named(page: Any, shots: pathlib.Path) -> None:
    become(page, "Kai", "member", "adult", start="/demo/profile")
    assert_labelled(page)
    page.get_by_label("Pronouns").fill("they/them")
    page.get_by_label("About me").fill("Music and long walks keep me going. ig: sunny.days")
    page.get_by_role("button", name="Save profile").click()
    error = page.locator("#e-bio")
    error.get_by_text("About me wasn't saved").wait_for()
    assert page.get_by_label("About me").get_attribute("aria-invalid") == "true"
    assert page.get_by_label("Pronouns").get_attribute("aria-invalid") is None
    assert "Not saved: About me" in page.locator("#profile-status").inner_text()
    assert page.evaluate("document.activeElement.id") == "f-bio"
    page.screenshot(animations="disabled", path=str(shots / "profile.png"), full_page=True)

    page.get_by_label("About me").fill("Music and long walks keep me going.")
    page.get_by_role("button", name="Save profile").click()
    page.locator("#profile-status").get_by_text("Saved.").wait_for()
    page.reload()
    assert page.get_by_label("Pronouns").input_value() == "they/them"


def test_profile_refusal_works_without_javascript(browser: Any, server: Server) -> None:
    context = browser.new_context(base_url=server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/demo/profile")
    page.get_by_label("About me").fill("snap: quietfox22")
    page.get_by_role("button", name="Save profile").click()
    assert "About me wasn't saved" in page.locator("#e-bio").inner_text()
    context.close()


def test_resolving_a_review_item_removes_it_from_the_queue(
        page: Any, server: Server, shots: pathlib.Path) -> None:
    name = "Jo" + uuid.uuid4().hex[:6]
    become(page, name, "member", "adult")
    page.get_by_label("Sam is").select_option("teen")
    page.get_by_role("button", name="Change").click()
    page.get_by_label(f"Message from {name}").fill("you seem cool, add me on snap: quietfox22")
    page.get_by_label(f"Message from {name}").press("Enter")
    page.locator("#pane-you").get_by_text("Only you can see this.").wait_for()

    page.goto("/console")
    assert_labelled(page)
    item = page.locator(".queue-item", has_text=f"demo-{name.lower()}").first
    item_id = item.get_attribute("data-item-id")
    assert item_id
    assert "quietfox22" not in item.inner_text()
    page.screenshot(animations="disabled", path=str(shots / "console-queue.png"), full_page=True)

    item.locator("a.q-title").click()
    page.wait_for_url(f"**/console/review/{item_id}")
    assert "urgent" in page.locator("h1").inner_text()
    assert "quietfox22" not in page.content()
    page.screenshot(animations="disabled", path=str(shots / "console-item.png"), full_page=True)
    page.get_by_label("Note (optional)").fill("Adult asking a teen to move to Snapchat.")
    page.get_by_role("button", name="Confirm: it shares contact").click()
    page.wait_for_url("**/console?resolved=*")
    page.get_by_text(f"Review item #{item_id} resolved").wait_for()
    assert page.locator(f'.queue-item[data-item-id="{item_id}"]').count() == 0
    page.goto("/console?status=resolved")
    assert page.locator(f'.queue-item[data-item-id="{item_id}"]').count() == 1

    with httpx.Client(base_url=server.url) as api:
        assert api.get(f"/v1/review/{item_id}").json()["resolution"] == "confirmed"


def test_strike_history_and_charts_pages(page: Any, server: Server, shots: pathlib.Path) -> None:
    user = "member-" + uuid.uuid4().hex[:6]
    with httpx.Client(base_url=server.url) as api:
        for i, text in enumerate(["call me 555 013 7781", "mail me at jo@example.com", "ig: sunny.days"]):
            api.post("/v1/check", json={"text": text, "context": {"sender": {"id": user}, "message_id": str(i)}})
        api.post("/v1/check", json={"text": "snap me: quietfox22", "context": {"surface": "room"}})
    page.goto("/console")
    page.get_by_label("Strike history of user").fill(user)
    page.get_by_role("button", name="Look up").click()
    page.wait_for_url(f"**/console/users/{user}")
    assert user in page.locator("main").inner_text()
    page.screenshot(animations="disabled", path=str(shots / "console-strikes.png"), full_page=True)

    page.goto("/console/charts")
    page.locator("figure.chart svg").first.wait_for()
    assert page.locator("figure.chart rect").count() >= 2
    page.screenshot(animations="disabled", path=str(shots / "console-charts.png"), full_page=True)
    page.goto("/console/charts?bucket=day")
    page.locator("figure.chart svg").first.wait_for()


def test_home_and_docs_pages(page: Any, shots: pathlib.Path) -> None:
    page.goto("/")
    assert_labelled(page)
    page.screenshot(animations="disabled", path=str(shots / "home.png"), full_page=True)
    page.goto("/docs")
    page.locator(".swagger-ui .opblock").first.wait_for()
    page.screenshot(animations="disabled", path=str(shots / "api-docs.png"))


def test_phone_sized_screen_has_no_sideways_scrolling(browser: Any, server: Server, shots: pathlib.Path) -> None:
    context = browser.new_context(base_url=server.url, viewport=PHONE, device_scale_factor=2, is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    for path, shot in (("/", "phone-home.png"), ("/demo/chat", "phone-chat.png"), ("/demo/profile", None),
                       ("/demo/room", None), ("/console", "phone-console.png"), ("/console/charts", None)):
        page.goto(path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px"
        if shot:
            page.screenshot(animations="disabled", path=str(shots / shot), full_page=True)
    context.close()


def test_keyboard_reaches_the_composer_and_focus_is_visible(page: Any) -> None:
    become(page, "Ari", "listener", "adult")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "text-you":
            break
    assert page.evaluate("document.activeElement.id") == "text-you"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.type("hello, how are you feeling today?")
    page.keyboard.press("Enter")
    page.locator("#pane-partner").get_by_text("how are you feeling").wait_for()
