"""Notifications: notify() skips the actor and duplicates; only the recipient marks them read."""

from __future__ import annotations

import pytest
from django.test import Client

from altitude.core import notifications
from altitude.core.backends import SessionUserBackend
from altitude.core.errors import NotFound
from tests.personas import Demo

pytestmark = pytest.mark.django_db


def test_notify_creates_one_per_recipient_and_skips_the_actor(demo: Demo) -> None:
    member, pm = demo.user("member"), demo.user("project")
    made = notifications.notify([member, member.pk, pm, None], "You were assigned to Build Checkout", "/my-work/", actor=pm)
    assert [n.recipient_id for n in made] == [member.pk]
    assert notifications.unread_count(member) == 1 and notifications.unread_count(pm) == 0
    assert notifications.notify([], "nobody") == []


def test_only_the_recipient_marks_read(demo: Demo) -> None:
    member, pm = demo.user("member"), demo.user("project")
    [note] = notifications.notify([member], "x" * 400)
    assert len(note.text) == 300
    with pytest.raises(NotFound):
        notifications.mark_read(pm, note.pk)
    assert notifications.mark_read(member, note.pk).read_at is not None
    notifications.notify([member], "second")
    notifications.notify([member], "third")
    assert notifications.mark_all_read(member) == 2
    assert notifications.unread_count(member) == 0


def nav_badge(html: str) -> str:
    """The top bar's unread badge, as rendered."""
    start = html.index('<span id="nav-unread"')
    return html[start : html.index("</span></span>", start)]


def test_the_top_bar_counts_unread_notifications_on_every_page(demo: Demo) -> None:
    member, pm = demo.user("member"), demo.user("project")
    client = Client()
    client.force_login(member)
    assert "hidden" in nav_badge(client.get("/projects/").content.decode())
    notifications.notify([member], "You were assigned to Build Checkout", "/my-work/", actor=pm)
    [note] = notifications.notify([member], "Your time sheet was returned", "/my-work/", actor=pm)
    badge = nav_badge(client.get("/projects/").content.decode())
    assert "hidden" not in badge and ">2<" in badge and "unread" in badge
    answer = client.post(f"/notifications/{note.pk}/read/", headers={"HX-Request": "true"})
    badge = nav_badge(answer.content.decode())
    assert 'hx-swap-oob="true"' in badge and ">1<" in badge
    notifications.mark_all_read(member)
    assert "hidden" in nav_badge(client.get("/my-work/").content.decode())
    other = Client()
    other.force_login(pm)
    assert "hidden" in nav_badge(other.get("/projects/").content.decode())


def test_the_session_user_comes_with_the_count_and_inactive_users_are_refused(demo: Demo) -> None:
    member = demo.user("member")
    notifications.notify([member], "one")
    notifications.notify([member], "two")
    backend = SessionUserBackend()
    loaded = backend.get_user(member.pk)
    assert loaded == member and loaded.unread_notifications == 2
    member.is_active = False
    member.save(update_fields=["is_active"])
    assert backend.get_user(member.pk) is None
    assert backend.get_user(10**9) is None
