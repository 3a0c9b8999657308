"""Web-app commands: ``serve``, ``demo`` and ``manage`` (Django's management commands)."""

from __future__ import annotations

import os
import sys
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from django_tasks_db.management.commands.db_worker import Worker


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "altitude.config.settings")
    import django

    django.setup()


def _prepare_database(quiet: bool) -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0 if quiet else 1)


def _print_logins(password: str) -> None:
    from altitude.demo import PERSONAS

    typer.echo("Demo logins (username / password):")
    for persona in PERSONAS:
        typer.echo(f"  {persona.username:<10} {password:<18} {persona.role}")


def _ensure_demo(host: str) -> None:
    from altitude import demo

    password = demo.demo_password(os.environ.get("ALTITUDE_DEMO_PASSWORD"), host)
    if not demo.has_data():
        typer.echo("Empty database: loading the demo portfolio...")
        demo.load_demo(password)
    demo.set_persona_passwords(password)
    _print_logins(password)


def serve(
    host: str = typer.Option(os.environ.get("ALTITUDE_HOST", "127.0.0.1"), help="Address to bind."),
    port: int = typer.Option(int(os.environ.get("ALTITUDE_PORT", "8000")), help="Port to listen on."),
    demo: bool = typer.Option(False, "--demo", help="Load the demo into an empty database and print the logins."),
    threads: int = typer.Option(8, min=1, max=64, help="Worker threads of the embedded server."),
    worker: bool = typer.Option(
        os.environ.get("ALTITUDE_WORKER", "1") != "0", "--worker/--no-worker",
        help="Run background work (levelling optimisations) in this process; --no-worker when "
             "'altitude manage db_worker' processes run it (env ALTITUDE_WORKER=0).",
    ),
) -> None:
    """Migrate the database, collect static files and serve the web app (embedded server)."""
    _django()
    from django.core.management import call_command
    from waitress import serve as waitress_serve

    _prepare_database(quiet=True)
    call_command("collectstatic", interactive=False, verbosity=0)
    from altitude.config.wsgi import (
        application,  # after collectstatic: WhiteNoise indexes files at start
    )

    if demo:
        _ensure_demo(host)
    if worker:
        start_worker()
        typer.echo("Background work runs in this process (levelling optimisations).")
    shown = f"[{host}]" if ":" in host else host
    typer.echo(f"Altitude is serving on http://{shown}:{port}/  (Ctrl+C to stop)")
    waitress_serve(application, host=host, port=port, threads=threads, ident="altitude")


@dataclass
class BackgroundWorker:
    """The worker thread of ``altitude serve`` and the ``db_worker`` loop it runs."""

    worker: Worker
    thread: threading.Thread

    def stop(self, timeout: float = 30.0) -> None:
        """Ask the loop to end and wait for it (at most ``timeout`` s: a task under way finishes
        first), so that the thread's database connection is closed before the caller goes on."""
        self.worker.running = False
        self.thread.join(timeout)


def start_worker() -> BackgroundWorker:
    """The embedded deployment's worker: a daemon thread taking background tasks from the
    database queue, as ``db_worker`` does in its own process (it stops with the server, or
    with :meth:`BackgroundWorker.stop`)."""
    from django_tasks_db.management.commands.db_worker import Worker

    worker = Worker(queue_names=["default"], interval=1.0, batch=False, backend_name="default",
                    startup_delay=False, max_tasks=None, worker_id="altitude-serve", excluded_queue_names=[])
    thread = threading.Thread(target=_keep_working, args=(worker,), name="altitude-worker", daemon=True)
    thread.start()
    return BackgroundWorker(worker, thread)


def _keep_working(worker: Worker) -> None:
    """Run ``worker`` until it is stopped, through database errors: ``db_worker`` lets an error
    taking a task (a locked SQLite database past its busy timeout) end its loop, and a dead
    thread would leave every later optimisation queued. Its own process would be restarted by
    a supervisor; this thread restarts itself. Its connection is closed when it stops (else
    PostgreSQL keeps a session open on the database, and a test run cannot drop it)."""
    import logging
    import time

    from django.db import DatabaseError, close_old_connections, connections

    try:
        while worker.running:
            try:
                worker.run()
            except DatabaseError:
                logging.getLogger("altitude.worker").warning("background worker: database error, retrying",
                                                             exc_info=True)
                close_old_connections()
                time.sleep(worker.interval)
    finally:
        connections.close_all()


def demo_command(
    host: str = typer.Option("127.0.0.1", help="Where the server will bind (decides the default password)."),
) -> None:
    """Load the demo portfolio into an empty database (migrating first) and print the logins."""
    _django()
    from altitude import demo

    _prepare_database(quiet=True)
    if demo.has_data():
        typer.echo("The database already holds portfolios: the demo loads only into an empty one.", err=True)
        raise typer.Exit(code=1)
    _ensure_demo(host)


def manage(ctx: typer.Context) -> None:
    """Run a Django management command, e.g. ``altitude manage createsuperuser``."""
    _django()
    from django.core.management import execute_from_command_line

    execute_from_command_line([f"{sys.argv[0]} manage", *ctx.args])


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
    app.command("demo")(demo_command)
    app.command("manage", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})(manage)
