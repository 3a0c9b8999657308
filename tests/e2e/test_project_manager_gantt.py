"""The project manager's main job in a real browser (issue 6, criterion 1).

Jonas ("project", manager of DCX-01) opens the Schedule tab, drags "Build Order tracking"
three weeks later in the Gantt: the task gets a start-no-earlier-than constraint, the
project is rescheduled through the API, its successor moves and the critical path now
runs through it instead of through Promotions. The task list shows the new dates. Then
an invalid predecessors entry is refused inline, and a drag on a task someone else
changed meanwhile answers 409 and is not saved.

The demo is scheduled program-wide (DCX-01's tasks have float against the program's
finish); the fixture first reschedules DCX-01 on its own, as its manager would, so the
chart starts from the project's own critical path.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from altitude.accounts.models import User
from altitude.delivery import services
from altitude.delivery.models import Dependency, Project, Task
from altitude.demo import load_demo
from tests.e2e.conftest import PageWatch
from tests.personas import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MOVED = 35  # 4.7.1 Build Order tracking: 9 working days of float
SUCCESSOR = 36  # 4.7.2 Test Order tracking
WAS_CRITICAL = 38  # 4.8.1 Build Promotions: critical before the drag


@pytest.fixture
def dcx01(transactional_db: None) -> Project:
    load_demo(PASSWORD, plans=True)
    project = Project.objects.get(code="DCX-01")
    services.reschedule_project(User.objects.get(username="project"), project.pk)
    return project


def _unexpected(errors: list[str], status: int) -> list[str]:
    """Console errors other than Chromium's own log line for the one refusal the walk provokes.

    The refusal is the designed answer (422 for a bad entry, 409 for a stale version, as
    the API promises); Chromium logs every 4xx response as "Failed to load resource".
    Anything else (a script error, another status) still fails the walk.
    """
    expected = f"Failed to load resource: the server responded with a status of {status}"
    return [e for e in errors if not e.startswith(expected)]


def _sign_in(page: Any, base: str) -> None:
    page.goto(base + "/accounts/login/")
    page.get_by_label("Username").fill("project")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def _bars(page: Any) -> dict[int, tuple[float, bool]]:
    """Row ID -> (bar x in the SVG, critical class) as rendered."""
    rows: dict[str, list[Any]] = page.evaluate("""() => {
        const out = {};
        document.querySelectorAll('#gantt-chart .bar-wrapper[data-row]').forEach((w) => {
            out[w.dataset.row] = [Number(w.querySelector('.bar').getAttribute('x')), w.classList.contains('critical')];
        });
        return out;
    }""")
    return {int(k): (float(v[0]), bool(v[1])) for k, v in rows.items()}


def _drag_right(page: Any, row: int, pixels: int) -> None:
    bar = page.locator(f"#gantt-chart .bar-wrapper[data-row='{row}'] .bar")
    bar.scroll_into_view_if_needed()
    box = bar.bounding_box()
    x, y = box["x"] + min(40, box["width"] / 2), box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + pixels / 2, y, steps=8)
    page.mouse.move(x + pixels, y, steps=8)
    page.mouse.up()


def _open_schedule(page: Any, base: str, project: Project) -> None:
    page.goto(f"{base}/projects/{project.pk}/")
    page.get_by_role("link", name="Schedule", exact=True).click()
    page.locator(f"#gantt-chart .bar-wrapper[data-row='{MOVED}']").wait_for()
    page.locator("#gantt-status").get_by_text("tasks · finish").wait_for()


def test_drag_moves_successors_and_the_critical_path(browser: Any, live_server: Any, dcx01: Project,
                                                    screenshot_dir: Path) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    watch = PageWatch(page, live_server.url)
    _sign_in(page, live_server.url)
    _open_schedule(page, live_server.url, dcx01)
    assert page.get_by_role("button", name="Week").get_attribute("aria-pressed") == "true"
    assert page.locator(".baseline-bar").count() > 0  # the demo has an approved baseline
    before = _bars(page)
    assert before[WAS_CRITICAL][1] and not before[MOVED][1] and not before[SUCCESSOR][1]
    page.screenshot(path=str(screenshot_dir / "project-gantt-before.png"), full_page=True)

    _drag_right(page, MOVED, 420)  # Week view: 20 px a day, three weeks later
    status = page.locator("#gantt-status.ok")
    status.wait_for(timeout=30000)
    assert "Build Order tracking” starts no earlier than" in status.inner_text()
    page.locator(f"#gantt-chart .bar-wrapper.critical[data-row='{MOVED}']").wait_for()
    after = _bars(page)
    assert after[SUCCESSOR][0] > before[SUCCESSOR][0], "the successor's bar moved later"
    assert after[MOVED][1] and after[SUCCESSOR][1], "the moved task and its successor are now critical"
    assert not after[WAS_CRITICAL][1], "Promotions has float now: the critical path moved"
    page.locator(f"#gantt-chart .bar-wrapper.critical[data-row='{MOVED}']").scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot_dir / "project-gantt-after.png"), full_page=True)

    moved = Task.objects.get(project=dcx01, outline=MOVED)
    successor = Task.objects.get(project=dcx01, outline=SUCCESSOR)
    assert moved.constraint_type == "snet" and moved.constraint_date is not None
    assert successor.start is not None
    page.get_by_role("link", name="Tasks", exact=True).click()
    row = page.locator(f"#task-{successor.pk}")
    assert row.locator("td.start").inner_text() == successor.start.strftime("%Y-%m-%d")
    assert page.locator(f"#task-{moved.pk} td.start").inner_text() == moved.constraint_date.isoformat()
    assert "critical" in page.locator(f"#task-{moved.pk}").inner_text()
    page.screenshot(path=str(screenshot_dir / "project-tasks.png"), full_page=True)

    page.get_by_role("link", name="Board", exact=True).click()
    expect(page.locator(".board-column")).to_have_count(4)  # retries: the click navigates
    assert "Build Order tracking" in page.locator("section[data-status='todo']").inner_text()
    card = page.locator(f"#card-{moved.pk}")
    card.get_by_label("Move to").select_option("in_progress")  # the keyboard way: a list and a button
    card.get_by_role("button", name="Move").click()
    page.locator("#board .notice.ok", has_text="moved to In progress").wait_for()
    assert "Build Order tracking" in page.locator("section[data-status='in_progress']").inner_text()
    assert Task.objects.get(pk=moved.pk).status == "in_progress"
    page.screenshot(path=str(screenshot_dir / "project-board.png"), full_page=True)
    page.get_by_role("link", name="Resources", exact=True).click()
    expect(page.get_by_role("heading", name="Load per week")).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "project-resources.png"), full_page=True)
    assert watch.errors == [] and watch.foreign == []
    page.close()


def test_invalid_predecessors_are_refused_inline(browser: Any, live_server: Any, dcx01: Project,
                                                 screenshot_dir: Path) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    watch = PageWatch(page, live_server.url)
    _sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/projects/{dcx01.pk}/tasks/")
    successor = Task.objects.get(project=dcx01, outline=SUCCESSOR)
    links_before = list(Dependency.objects.filter(successor=successor).values_list("predecessor_id", "type", "lag_minutes"))
    page.get_by_role("link", name=f"Edit row {SUCCESSOR} Test Order tracking").click()
    field = page.get_by_label("Predecessors")
    field.wait_for()
    assert field.input_value() == str(MOVED)
    field.fill(f"{MOVED}FS+2d, 12XY")
    page.get_by_role("button", name="Save").click()
    error = page.locator(f"#task-{successor.pk} .errorlist")
    error.wait_for()
    assert "'12XY': unknown link type 'XY'" in error.inner_text()
    page.screenshot(path=str(screenshot_dir / "project-tasks-predecessor-error.png"), full_page=True)
    assert list(Dependency.objects.filter(successor=successor).values_list(
        "predecessor_id", "type", "lag_minutes")) == links_before
    assert Task.objects.get(pk=successor.pk).version == successor.version

    page.get_by_label("Predecessors").fill(f"{MOVED}FS+2d")
    page.get_by_role("button", name="Save").click()
    page.locator("#task-table .notice.ok").wait_for()
    assert page.locator(f"#task-{successor.pk} td.preds").inner_text().strip() == f"{MOVED}FS+2d"
    assert Dependency.objects.get(successor=successor, predecessor__outline=MOVED).lag_minutes == 960
    assert len(watch.errors) == 1 and _unexpected(watch.errors, 422) == []
    assert watch.foreign == []
    page.close()


def test_a_stale_drag_is_refused_and_reloaded(browser: Any, live_server: Any, dcx01: Project,
                                              screenshot_dir: Path) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    watch = PageWatch(page, live_server.url)
    _sign_in(page, live_server.url)
    _open_schedule(page, live_server.url, dcx01)
    moved = Task.objects.get(project=dcx01, outline=MOVED)
    admin = User.objects.get(username="admin")
    services.update_task(admin, moved.pk, moved.version, {"name": "Build order tracking v2"})  # someone else saves

    _drag_right(page, MOVED, 200)
    status = page.locator("#gantt-status.error")
    status.wait_for(timeout=30000)
    assert "changed by someone else since you loaded it; reloaded" in status.inner_text()
    page.screenshot(path=str(screenshot_dir / "project-gantt-conflict.png"), full_page=True)
    fresh = Task.objects.get(pk=moved.pk)
    assert fresh.constraint_type == "asap" and fresh.name == "Build order tracking v2"
    assert "Build order tracking v2" in page.locator("#gantt-outline").inner_text()  # the chart reloaded
    assert len(watch.errors) == 1 and _unexpected(watch.errors, 409) == [], watch.errors
    assert watch.foreign == []
    page.close()


def _arrow_ends(d: str) -> tuple[float, float]:
    """Where a typed arrow's path leaves the predecessor (its first point) and meets the
    successor (the last horizontal run before the arrowhead)."""
    tokens = d.replace(",", " ").split()
    head = tokens.index("m")
    last_h = max(i for i, t in enumerate(tokens[:head]) if t == "H")
    return float(tokens[1]), float(tokens[last_h + 1])


def test_arrows_follow_the_link_type(browser: Any, live_server: Any, dcx01: Project,
                                     screenshot_dir: Path) -> None:
    """SS, FF and SF links are drawn from and to the ends they bind, not finish-to-start."""
    manager = User.objects.get(username="project")
    typed: dict[str, Dependency] = {
        "SS": Dependency.objects.get(predecessor__project=dcx01, predecessor__name="Solution architecture"),
        "FF": Dependency.objects.get(predecessor__project=dcx01, predecessor__outline=MOVED,
                                     successor__outline=SUCCESSOR),
        "SF": Dependency.objects.get(predecessor__project=dcx01, predecessor__outline=WAS_CRITICAL,
                                     successor__outline=WAS_CRITICAL + 1),
    }
    assert typed["SS"].type == "SS"
    for kind in ("FF", "SF"):
        link = typed[kind]
        typed[kind] = services.update_dependency(manager, link.pk, link.version, {"type": kind})
    services.reschedule_project(manager, dcx01.pk)
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    watch = PageWatch(page, live_server.url)
    _sign_in(page, live_server.url)
    _open_schedule(page, live_server.url, dcx01)
    drawn: dict[str, Any] = page.evaluate("""() => {
        const bar = (id) => {
            const b = document.querySelector(`#gantt-chart .bar-wrapper[data-id='${id}'] .bar`);
            return [Number(b.getAttribute('x')), Number(b.getAttribute('width'))];
        };
        const out = {};
        document.querySelectorAll('#gantt-chart path[data-from][data-to]').forEach((a) => {
            out[a.dataset.from + '>' + a.dataset.to] = [a.dataset.type, a.getAttribute('d'),
                                                         bar(a.dataset.from), bar(a.dataset.to)];
        });
        return out;
    }""")
    types = [v[0] for v in drawn.values()]
    assert types.count("FS") > 10 and types.count("SS") == types.count("FF") == types.count("SF") == 1
    for kind, link in typed.items():
        drawn_type, d, (px, pw), (sx, sw) = drawn[f"{link.predecessor_id}>{link.successor_id}"]
        assert drawn_type == kind
        leaves, meets = _arrow_ends(d)
        assert leaves == pytest.approx(px + pw if kind == "FF" else px), (kind, d)
        assert meets == pytest.approx(sx if kind == "SS" else sx + sw), (kind, d)
    page.locator(f"#gantt-chart .bar-wrapper[data-row='{MOVED}']").scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot_dir / "project-gantt-link-types.png"), full_page=True)
    assert watch.errors == [] and watch.foreign == []
    page.close()


def _working_days_after(day: Any, count: int) -> Any:
    while count:
        day += timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


def test_the_keyboard_moves_and_stretches_a_bar(browser: Any, live_server: Any, dcx01: Project) -> None:
    """Tab to a bar, arrow keys: the same saved change as a drag, and Escape saves nothing."""
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    watch = PageWatch(page, live_server.url)
    _sign_in(page, live_server.url)
    _open_schedule(page, live_server.url, dcx01)
    moved = Task.objects.get(project=dcx01, outline=MOVED)
    assert moved.start is not None
    bar = page.locator(f"#gantt-chart .bar-wrapper[data-row='{MOVED}']")
    assert "Arrow keys move it" in (bar.get_attribute("aria-label") or "")
    assert page.locator(f"#gantt-chart .bar-wrapper[data-row='{MOVED - 1}']").get_attribute("tabindex") is None

    bar.focus()
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    expect(page.locator("#gantt-status")).to_contain_text("(saved in a moment; Escape cancels)")
    expect(page.locator("#gantt-status.ok")).to_contain_text("starts no earlier than", timeout=30000)
    after = Task.objects.get(pk=moved.pk)
    assert after.constraint_type == "snet"
    assert after.constraint_date == _working_days_after(moved.start.date(), 3)
    assert after.duration_minutes == moved.duration_minutes
    expect(page.locator(f"#gantt-chart .bar-wrapper[data-row='{MOVED}']")).to_be_focused()

    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("Shift+ArrowRight")
    expect(page.locator("#gantt-status.ok")).to_contain_text("lasts", timeout=30000)
    stretched = Task.objects.get(pk=moved.pk)
    assert stretched.duration_minutes == moved.duration_minutes + 2 * 480
    assert stretched.constraint_date == after.constraint_date

    page.keyboard.press("ArrowLeft")
    page.keyboard.press("Escape")
    expect(page.locator("#gantt-status")).to_contain_text("Change cancelled; nothing was saved.")
    page.wait_for_timeout(1500)  # past the pause after which an edit would have been saved
    assert Task.objects.get(pk=moved.pk).version == stretched.version
    assert watch.errors == [] and watch.foreign == []
    page.close()
