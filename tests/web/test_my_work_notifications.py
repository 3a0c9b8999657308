"""Notifications: notify() skips the actor and duplicates; only the recipient marks them read."""

from __future__ import annotations

import pytest

from altitude.core import notifications
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
