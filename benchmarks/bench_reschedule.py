"""Reschedule benchmark (issue 5, acceptance 2), on PostgreSQL.

A program of 10 projects and 5,000 tasks (phases of 20-30 tasks, chains and cross-links
inside each project, 20 links from each project into the next) is rescheduled through
``reschedule_program`` end to end (load in a fixed number of queries, engine, one
bulk write, the run record), then its schedule endpoint is fetched as the Gantt does.
Targets: reschedule < 1 s, schedule endpoint < 300 ms, and the same query count for
1,000 and 5,000 tasks. Then every leaf task is assigned to one of 50 shared people and the
levelling preview endpoint levels the whole program (its own target: < 3 s, half a second
of it the heuristic's budget).

    .venv/bin/python benchmarks/bench_reschedule.py [--tasks 5000] [--projects 10] [--repeat 5]

Without ``DATABASE_URL`` it re-runs itself under ``scripts/with-postgres.sh`` (a
throwaway cluster).  The first reschedule of a process also loads the compiled engine
kernels; it is reported separately ("cold") and the target applies to a running server.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def reexec_under_postgres() -> None:
    if os.environ.get("DATABASE_URL"):
        return
    script = ROOT / "scripts" / "with-postgres.sh"
    os.execvp("bash", ["bash", str(script), sys.executable, *sys.argv])


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "altitude.config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    call_command("migrate", verbosity=0)


def build_program(name: str, tasks: int, projects: int, seed: int) -> int:
    """Bulk-create a program of ``projects`` projects holding ``tasks`` tasks; returns its id."""
    from altitude.accounts.models import User
    from altitude.delivery.models import Dependency, Program, Project, Task
    from altitude.strategy.models import Portfolio

    rng = random.Random(seed)
    owner = User.objects.filter(username="bench").first() or User.objects.create_superuser("bench", "bench@example.com", "x")
    portfolio, _ = Portfolio.objects.get_or_create(name="Benchmark portfolio", defaults={"owner": owner})
    program = Program.objects.create(portfolio=portfolio, name=name, manager=owner)
    per_project = tasks // projects
    leaves_by_project: list[list[int]] = []
    for p in range(projects):
        project = Project.objects.create(
            portfolio=portfolio, program=program, code=f"{name[:6]}-{p:02d}", name=f"{name} project {p}",
            start_date=dt.date(2027, 1, 4) + dt.timedelta(weeks=2 * p),
        )
        phases: list[Task] = []
        sizes: list[int] = []
        remaining = per_project
        while remaining > 0:
            size = min(remaining - 1, rng.randint(19, 29)) if remaining > 1 else 0
            sizes.append(size)
            remaining -= size + 1
        for k in range(len(sizes)):
            phases.append(Task(project=project, name=f"Phase {k + 1}", position=k + 1, wbs=str(k + 1), outline=k + 1))
        Task.objects.bulk_create(phases)
        leaves: list[Task] = []
        for k, (phase, size) in enumerate(zip(phases, sizes, strict=True)):
            for j in range(size):
                milestone = j == size - 1
                leaves.append(Task(
                    project=project, parent=phase, name=f"Task {k + 1}.{j + 1}", position=j + 1,
                    wbs=f"{k + 1}.{j + 1}", outline=0, milestone=milestone,
                    duration_minutes=0 if milestone else 480 * rng.randint(1, 10),
                ))
        Task.objects.bulk_create(leaves, batch_size=2000)
        ids = [t.pk for t in leaves]
        links = []
        for i in range(1, len(ids)):
            links.append(Dependency(predecessor_id=ids[i - 1], successor_id=ids[i]))
            if i > 5 and rng.random() < 0.5:
                j = i - rng.randint(2, 5)
                links.append(Dependency(predecessor_id=ids[j], successor_id=ids[i], type=rng.choice(["FS", "SS", "FF"]),
                                        lag_minutes=rng.choice([0, 0, 240, -240])))
        Dependency.objects.bulk_create(links, batch_size=5000)
        leaves_by_project.append(ids)
    cross = []
    for p in range(1, projects):
        before, after = leaves_by_project[p - 1], leaves_by_project[p]
        for a, b in zip(rng.sample(before[: len(before) // 2], 20), rng.sample(after[len(after) // 2:], 20), strict=True):
            cross.append(Dependency(predecessor_id=a, successor_id=b))
    Dependency.objects.bulk_create(cross)
    return program.pk


def time_reschedule(program_id: int, repeat: int) -> tuple[float, list[float], int, int]:
    from altitude.accounts.models import User
    from altitude.delivery import services

    user = User.objects.get(username="bench")
    clock = time.perf_counter()
    run = services.reschedule_program(user, program_id)
    cold = time.perf_counter() - clock
    warm = []
    for _ in range(repeat):
        clock = time.perf_counter()
        run = services.reschedule_program(user, program_id)
        warm.append(time.perf_counter() - clock)
    return cold, warm, run.query_count, run.task_count


def time_schedule_endpoint(program_id: int, repeat: int) -> tuple[list[float], int, int]:
    from django.test import Client

    from altitude.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username="bench"))
    url = f"/api/v1/programs/{program_id}/schedule"
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    times = []
    for _ in range(repeat):
        clock = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - clock)
    return times, len(response.content), len(response.json()["tasks"])


def time_leveling_preview(program_id: int, repeat: int) -> tuple[list[float], dict[str, Any]]:
    """Assign every leaf to one of 50 people (random, seeded), then time the preview endpoint."""
    from decimal import Decimal

    from django.test import Client

    from altitude.accounts.models import User
    from altitude.delivery.models import Program, Task
    from altitude.resources.models import Assignment, Resource

    rng = random.Random(3)
    program = Program.objects.get(pk=program_id)
    people = Resource.objects.bulk_create(
        Resource(portfolio_id=program.portfolio_id, name=f"Person {k}", max_units=Decimal("1")) for k in range(50))
    leaves = Task.objects.filter(project__program=program, children__isnull=True, milestone=False).values_list("pk", flat=True)
    Assignment.objects.bulk_create((Assignment(task_id=pk, resource=rng.choice(people)) for pk in leaves), batch_size=2000)
    client = Client()
    client.force_login(User.objects.get(username="bench"))
    url = f"/api/v1/programs/{program_id}/leveling-preview"
    times, body = [], {}
    for _ in range(repeat):
        clock = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - clock)
        assert response.status_code == 200, response.content[:300]
        body = response.json()
    return times, body


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tasks", type=int, default=5000)
    parser.add_argument("--projects", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    reexec_under_postgres()
    setup_django()
    from django.db import connection

    print(f"database: {connection.vendor} {connection.settings_dict.get('HOST')}:{connection.settings_dict.get('PORT')}")
    load = os.getloadavg()[0]
    print(f"load average before the run: {load:.2f} on {os.cpu_count()} cores"
          + ("  (contended: timings are pessimistic)" if load > 1.0 else ""))
    clock = time.perf_counter()
    small = build_program("Small", 1000, args.projects, seed=1)
    big = build_program("Large", args.tasks, args.projects, seed=2)
    print(f"built programs of 1,000 and {args.tasks:,} tasks in {time.perf_counter() - clock:.1f} s")

    _, _, small_queries, small_tasks = time_reschedule(small, 1)
    cold, warm, big_queries, big_tasks = time_reschedule(big, args.repeat)
    best, median = min(warm), statistics.median(warm)
    print(f"reschedule_program {big_tasks:,} tasks: cold {cold * 1000:.0f} ms (first call loads the engine), "
          f"warm median {median * 1000:.0f} ms, best {best * 1000:.0f} ms over {args.repeat} runs")
    print(f"queries per reschedule: {small_queries} for {small_tasks:,} tasks, {big_queries} for {big_tasks:,} tasks")
    endpoint, size, rows = time_schedule_endpoint(big, args.repeat)
    e_median = statistics.median(endpoint)
    print(f"GET /api/v1/programs/{{id}}/schedule: {rows:,} tasks, {size / 1024:.0f} KiB, "
          f"median {e_median * 1000:.0f} ms, best {min(endpoint) * 1000:.0f} ms")

    preview, body = time_leveling_preview(big, max(1, args.repeat // 2))
    p_median = statistics.median(preview)
    print(f"GET /api/v1/programs/{{id}}/leveling-preview: {body['tasks']:,} tasks on {body['resources']} people, "
          f"{len(body['delayed']):,} delayed, {len(body['before'])} over-allocations before and "
          f"{len(body['after'])} after, finish {body['finish_before']} -> {body['finish_after']}; "
          f"median {p_median:.2f} s, best {min(preview):.2f} s")
    checks = [
        (f"reschedule {big_tasks:,} tasks across {args.projects} projects < 1 s (warm median)", median < 1.0),
        (f"levelling preview of {body['tasks']:,} tasks < 3 s (median)", p_median < 3.0),
        ("query count constant in the number of tasks", small_queries == big_queries),
        (f"schedule endpoint for {rows:,} tasks < 300 ms (median)", e_median < 0.3),
    ]
    for label, ok in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {label}")
    return 0 if all(ok for _, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
