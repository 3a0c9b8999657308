"""A read never fails on another connection's open write, as in production (WAL on SQLite,
MVCC on PostgreSQL): the browser tests run the live server's request threads and the
background worker side by side, and a page used to fail reading its session now and then."""

from __future__ import annotations

import threading

from django.contrib.sessions.models import Session
from django.db import connection, transaction
from django.utils import timezone


def test_a_session_can_be_read_while_another_connection_writes_one(transactional_db: None) -> None:
    Session.objects.create(session_key="a" * 32, session_data="{}", expire_date=timezone.now())
    writing, read = threading.Event(), threading.Event()
    outcome: list[object] = []

    def reader() -> None:
        writing.wait(10)
        try:
            outcome.append(Session.objects.filter(session_key="a" * 32).count())
        except Exception as exc:  # noqa: BLE001: the failure is what is checked
            outcome.append(exc)
        finally:
            connection.close()
            read.set()

    thread = threading.Thread(target=reader)
    thread.start()
    with transaction.atomic():
        Session.objects.create(session_key="b" * 32, session_data="{}", expire_date=timezone.now())
        writing.set()
        read.wait(10)
    thread.join(10)
    assert outcome == [1]
