"""The review app: accounts, login, CSRF, roles and decisions, over HTTP (Starlette's
client runs the real app in-process), plus the same flow in Chromium on a real server."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from flows.review.decisions import reviews
from flows.store import Store
from flows.web import Users, WebError, make_app
from tests.conftest import XSS_SOURCE
from tests.miniweb import serve_asgi

PASSWORD = "correct horse battery"


@pytest.fixture
def site(review_site: Path, tmp_path: Path) -> Path:
    """A private copy of the review-site store (with the hostile source), accounts added."""
    store = tmp_path / "store"
    shutil.copytree(review_site, store)
    users = Users(store / "users.sqlite")
    users.add("rita", "reviewer", PASSWORD)
    users.add("vera", "viewer", PASSWORD)
    users.add("adam", "admin", PASSWORD)
    return store


def client(store: Path, read_only: bool = False) -> TestClient:
    """The app on ``store``; dismissals go to a noise file beside it, never the corpus's."""
    app = make_app(
        Store(store),
        Users(store / "users.sqlite"),
        store / "report",
        read_only=read_only,
        noise_file=store.parent / "noise.jsonl",
    )
    return TestClient(app, base_url="http://testserver", follow_redirects=False)


def login(http: TestClient, user: str, password: str = PASSWORD):
    form = http.get("/login")
    token = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)
    return http.post("/login", data={"user": user, "password": password, "csrf": token})


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def first_changeset(store: Path) -> str:
    """SOURCE/VERSION of a change set of the shipped corpus that waits for review."""
    st = Store(store)
    for source_id in ("consonews-amo-cnss", "cnops-amoe-leaflet"):
        for cs in st.changesets(source_id):
            if cs.from_version and cs.changes:
                return f"{source_id}/{cs.to_version}"
    raise AssertionError("no change set")


def test_accounts_hash_passwords_and_refuse_bad_input(tmp_path: Path) -> None:
    users = Users(tmp_path / "users.sqlite")
    users.add("ana", "reviewer", PASSWORD)
    raw = (tmp_path / "users.sqlite").read_bytes()
    assert PASSWORD.encode() not in raw and b"$argon2id$" in raw
    assert users.verify("ana", PASSWORD).role == "reviewer"
    assert users.verify("ana", "wrong password!") is None and users.verify("bob", PASSWORD) is None
    for bad in (("ana", "viewer", PASSWORD), ("x y", "viewer", PASSWORD), ("z", "boss", PASSWORD)):
        with pytest.raises(WebError):
            users.add(*bad)
    with pytest.raises(WebError, match="10 characters"):
        users.add("short", "viewer", "123")
    users.set_password("ana", "another long password")
    assert users.verify("ana", PASSWORD) is None


def test_nothing_is_served_without_a_login(site: Path) -> None:
    http = client(site)
    for path in (
        "/",
        "/index.html",
        "/changes.html",
        f"/sources/{XSS_SOURCE}.html",
        "/x/../index.html",
    ):
        response = http.get(path)
        assert response.status_code == 303 and response.headers["location"] == "/login", path
    assert http.post("/decide", data={"target": "a/b", "decision": "confirmed"}).status_code == 401
    assert http.post("/correct", data={"target": "a/b/c", "typed": "x"}).status_code == 401
    assert http.post("/account", data={"url": "json://127.0.0.1/"}).status_code == 401
    assert http.post("/lexicon", data={"word": "x"}).status_code == 401
    for path in ("/account", "/lexicon"):
        assert http.get(path).headers["location"] == "/login", path
    assert http.post("/logout").status_code == 403
    assert http.get("/assets/site.css").status_code == 200  # assets are public
    assert http.get("/login").status_code == 200


def test_login_sets_a_safe_session_cookie_and_shows_the_site(site: Path) -> None:
    http = client(site)
    before = http.cookies.get("dalil_session")
    response = login(http, "rita")
    assert response.status_code == 303
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Max-Age=28800" in cookie
    assert "Secure" not in cookie  # plain http on loopback; https sets it
    assert http.cookies.get("dalil_session") != before
    home = http.get("/")
    assert home.status_code == 200 and "rita (reviewer)" in home.text
    assert "default-src 'self'" in home.headers["content-security-policy"]


def test_a_reviewer_confirms_in_the_browser_as_on_the_cli(site: Path) -> None:
    http = client(site)
    login(http, "rita")
    target = first_changeset(site)
    source_id, version = target.split("/")
    page = http.get(f"/changes/{source_id}/{version}.html")
    assert f'name="target" value="{target}"' in page.text
    response = http.post(
        "/decide",
        data={"target": target, "decision": "confirmed", "note": "vu", "csrf": csrf_of(page.text)},
    )
    assert response.status_code == 303
    (review,) = [r for r in reviews(Store(site), source_id) if r.version == version]
    assert (review.decision, review.by, review.note) == ("confirmed", "rita", "vu")
    after = http.get(f"/changes/{source_id}/{version}.html").text
    assert "by rita" in after


def test_forms_need_the_session_csrf_token(site: Path) -> None:
    http = client(site)
    login(http, "rita")
    target = first_changeset(site)
    for token in (None, "forged", csrf_of(http.get("/login").text)):
        data = {"target": target, "decision": "confirmed"} | ({"csrf": token} if token else {})
        assert http.post("/decide", data=data).status_code == 403
    assert reviews(Store(site), target.split("/")[0]) == []
    fresh = client(site)
    assert fresh.post("/login", data={"user": "rita", "password": PASSWORD}).status_code == 403


def test_a_viewer_and_a_read_only_app_cannot_decide(site: Path) -> None:
    target = first_changeset(site)
    for http, user in ((client(site), "vera"), (client(site, read_only=True), "adam")):
        login(http, user)
        page = http.get("/changes/{}/{}.html".format(*target.split("/")))
        assert 'action="/decide"' not in page.text
        response = http.post(
            "/decide", data={"target": target, "decision": "dismissed", "csrf": csrf_of(page.text)}
        )
        assert response.status_code == 403, user
    assert reviews(Store(site), target.split("/")[0]) == []


def test_paths_stay_inside_the_site(site: Path) -> None:
    (site / "secret.txt").write_text("users and keys live here")
    http = client(site)
    login(http, "rita")
    for path in (
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/sources/..%2f..%2fsecret.txt",
        "/../web.secret",
    ):
        response = http.get(path)
        assert response.status_code == 404 and "users and keys" not in response.text, path
    bad = http.post(
        "/decide",
        data={
            "target": "../../etc/passwd",
            "decision": "confirmed",
            "csrf": csrf_of(http.get("/").text),
        },
    )
    assert bad.status_code == 400


def test_the_hostile_source_renders_inert_in_the_app(site: Path) -> None:
    http = client(site)
    login(http, "rita")
    page = http.get(f"/sources/{XSS_SOURCE}.html").text
    assert "<script>alert" not in page and 'onmouseover="alert' not in page


def test_twenty_guessed_passwords_lock_the_account_and_the_address(site: Path) -> None:
    http = client(site)
    codes = [login(http, "rita", f"guess number {n}").status_code for n in range(20)]
    assert codes[:5] == [401] * 5 and set(codes[5:]) == {429}
    assert login(http, "rita").status_code == 429  # even the right password waits
    other = login(http, "adam")
    assert other.status_code == 429  # the same address is held back too
    assert "Retry-After" in other.headers


def test_a_removed_user_loses_the_session_at_once(site: Path) -> None:
    http = client(site)
    login(http, "rita")
    assert http.get("/").status_code == 200
    Users(site / "users.sqlite").remove("rita")
    assert http.get("/").status_code == 303


@pytest.fixture
def served(site: Path):
    """The app on a real uvicorn server on loopback; yields its base URL."""
    noise = site.parent / "noise.jsonl"
    app = make_app(Store(site), Users(site / "users.sqlite"), site / "report", noise_file=noise)
    with serve_asgi(app) as url:
        yield url


@pytest.mark.browser
def test_in_chromium_a_reviewer_confirms_and_dismisses_and_a_viewer_cannot(
    site: Path, served: str
) -> None:
    from playwright.sync_api import expect, sync_playwright

    from tests.test_site_browser import CHROMIUM

    if not Path(CHROMIUM).exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: apt-get install chromium (.ci/run does)")
    target = first_changeset(site)
    source_id, version = target.split("/")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page()
        page.goto(f"{served}/changes.html")
        assert page.url.endswith("/login")
        page.fill("input[name=user]", "rita")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{served}/")
        page.goto(f"{served}/changes/{source_id}/{version}.html")
        form = page.locator(f'form.decide:has(input[name=target][value="{target}"])')
        form.locator("input[name=note]").fill("checked against the leaflet")
        form.locator("button[value=confirmed]").click()
        page.wait_for_load_state()
        assert "by rita" in page.content()
        event = page.locator("article.event form.decide").first
        event_target = event.locator("input[name=target]").get_attribute("value")
        event.locator("input[name=note]").fill("layout noise")
        event.locator("button[value=dismissed]").click()
        page.wait_for_load_state()
        decided = {(r.version, r.event, r.decision, r.by) for r in reviews(Store(site), source_id)}
        assert (version, None, "confirmed", "rita") in decided
        assert (version, event_target.split("/")[2], "dismissed", "rita") in decided
        assert (site.parent / "noise.jsonl").exists()  # the dismissal is a noise case
        page.goto(f"{served}/changes.html")  # the list of events shows the new state too
        rows = page.locator(f'tr:has(a[href*="{source_id}/{version}.html"])').all_inner_texts()
        assert rows and any(text.endswith("dismissed") for text in rows), rows
        page.evaluate("window.__stay = 1")  # gone if the page reloads
        page.select_option("select[name=state]", "dismissed")  # the queue of one state
        # locator assertions poll without eval(), which the app's CSP forbids
        expect(page.locator("output[name=count]")).to_have_text(re.compile(r"\S"))
        expect(page.locator("[data-rows] tbody tr:not([data-state=dismissed])")).to_have_count(0)
        assert page.evaluate("window.__stay") == 1 and "state=dismissed" in page.url
        assert page.locator("[data-rows] tbody tr").count() >= 1
        viewer = browser.new_page()
        viewer.goto(f"{served}/login")
        viewer.fill("input[name=user]", "vera")
        viewer.fill("input[name=password]", PASSWORD)
        viewer.click("button[type=submit]")
        viewer.wait_for_url(f"{served}/")
        viewer.goto(f"{served}/changes/{source_id}/{version}.html")
        assert viewer.locator("form.decide").count() == 0
        browser.close()


def test_the_change_list_is_filtered_and_paged_by_the_server(site: Path) -> None:
    http = client(site)
    assert http.get("/changes/rows").status_code == 401
    login(http, "vera")
    rows = json.loads((site / "report" / "changes.rows.json").read_text(encoding="utf-8"))
    pending = [r for r in rows if r["state"] == "pending"]
    got = http.get("/changes/rows", params={"state": "pending"}).json()
    assert got["total"] == len(pending) and got["rows"].count("<tr ") == min(len(pending), 100)
    one = rows[0]["source"]
    page = http.get("/changes.html", params={"source": one})
    assert page.status_code == 200 and "vera (viewer)" in page.text
    shown = re.findall(r'<tr data-source="([^"]+)"', page.text)
    assert shown and set(shown) == {one}
    assert "connect-src 'self'" in page.text  # the page's script may fetch more rows
    # a list of 250 events: pages of 100, then the last 50
    many = [
        {**rows[0], "anchor": f"e-{i}", "date": f"2025-01-{1 + i % 28:02d}"} for i in range(250)
    ]
    (site / "report" / "changes.rows.json").write_text(json.dumps(many), encoding="utf-8")
    first = http.get("/changes.html")
    assert first.text.count("<tr data-source") == 100 and 'data-next="100"' in first.text
    last = http.get("/changes/rows", params={"offset": 200}).json()
    assert last["rows"].count("<tr ") == 50 and last["next"] is None and last["total"] == 250
    ranged = http.get("/changes/rows", params={"from": "2025-01-27", "to": "2025-01-28"}).json()
    assert ranged["total"] == sum(1 for r in many if r["date"] >= "2025-01-27")


def test_a_planted_or_forged_session_cookie_gives_nobody_elses_rights(site: Path) -> None:
    http = client(site)
    login(http, "vera")
    planted = http.cookies.get("dalil_session")
    login(http, "rita")  # the victim signs in on a browser holding the attacker's cookie
    assert http.cookies.get("dalil_session") != planted
    attacker = client(site)
    attacker.cookies.set("dalil_session", planted)
    assert "vera (viewer)" in attacker.get("/").text  # still the attacker's own session
    forged = client(site)
    forged.cookies.set(
        "dalil_session", planted[:-4] + ("AAAA" if planted[-4:] != "AAAA" else "BBBB")
    )
    assert forged.get("/").headers["location"] == "/login"


def test_two_reviewers_deciding_one_event_at_once_lose_nothing(site: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from flows.review.decisions import Decisions

    target = first_changeset(site)
    source_id, version = target.split("/")
    event = next(c.id for c in Store(site).read_changes(source_id, version).changes)
    sessions = {}
    for name in ("rita", "adam"):
        sessions[name] = client(site)
        login(sessions[name], name)
    token = {n: csrf_of(h.get(f"/changes/{target}.html").text) for n, h in sessions.items()}

    def decide(i: int) -> int:
        name = ("rita", "adam")[i % 2]
        data = {
            "target": f"{target}/{event}",
            "decision": ("confirmed", "dismissed")[i % 2],
            "note": f"decision {i}",
            "csrf": token[name],
        }
        return sessions[name].post("/decide", data=data).status_code

    from flows.review import NOISE_FILE

    corpus_noise = NOISE_FILE.read_bytes()
    with ThreadPoolExecutor(4) as pool:
        codes = list(pool.map(decide, range(8)))
    assert codes == [303] * 8
    assert NOISE_FILE.read_bytes() == corpus_noise  # a test's dismissals stay out of it
    assert (site.parent / "noise.jsonl").read_text(encoding="utf-8").count("\n") >= 1
    recorded = [r for r in reviews(Store(site), source_id) if r.event == event]
    assert sorted(r.note for r in recorded) == sorted(f"decision {i}" for i in range(8))
    newest = max(recorded, key=lambda r: r.at)
    assert Decisions(recorded).latest[(version, event)] == newest
