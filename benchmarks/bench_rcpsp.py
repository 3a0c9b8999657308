"""Resource levelling benchmark: PSPLIB j30/j60/j120 and a 10,000-task program vs TaskJuggler.

    .venv/bin/python benchmarks/bench_rcpsp.py                 # acceptance run (see --help)
    .venv/bin/python benchmarks/bench_rcpsp.py --sets j30 --limit 50
    .venv/bin/python benchmarks/bench_rcpsp.py --sets j120 --full --jobs 2 --time-limit 5

Targets (issue 7): j30, the optimum on every instance at <= 1 s each; j120 at 5 s, mean
deviation from the critical-path bound <= 30.0 %; j60 <= 10.6 %; a 10,000-task,
500-resource program levelled by the heuristic in < 0.8 s, >= 100x faster than ``tj3``,
with no over-allocation (checked here independently of the engine).

By default j60/j120 run every 10th instance (a sample, judged on its projection to the whole
set; ``--full`` runs all 1,080, about 45 minutes on a quiet machine: j60 10, j120 32). One
instance at a time on two cores (``--workers 2``: the genetic algorithm on one, CP-SAT on the
other; from 50 tasks, j60 and j120, CP-SAT on the whole model for a share of
the time, then a second genetic algorithm on the mirrored problem). Timings are wall-clock
(model building included) and depend on the load of the machine, which the header prints.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from altitude.engine.leveling import (
    Activity,
    LevelingOptions,
    LevelingProblem,
    Link,
    Mode,
    Resource,
    ga,
    level,
)
from altitude.engine.leveling.network import compile_problem
from altitude.interop.psplib import instance_key, parse_bounds, parse_makespans, read_sm

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("ALTITUDE_SHARED_DATA", ROOT / ".." / "shared" / "data")) / "psplib"


@dataclass(frozen=True)
class Outcome:
    name: str
    makespan: int
    status: str
    cp_bound: int
    seconds: float


def _solve(args: tuple[str, float, int]) -> Outcome:
    path, limit, workers = args
    instance = read_sm(path)
    problem = instance.to_problem()
    started = time.perf_counter()
    result = level(
        problem, LevelingOptions(mode=Mode.EXACT, time_limit_seconds=limit, workers=workers)
    )
    seconds = time.perf_counter() - started
    cp_bound = max(t.early_start + (t.finish - t.start) for t in result.tasks)
    return Outcome(instance.name, result.makespan, result.status.value, cp_bound, seconds)


def _warm_up(workers: int) -> None:
    """Compile the numba kernels (once per machine, cached) and load CP-SAT before timing."""
    ga.warm_up()
    crew = Resource("crew", 3)
    tasks = tuple(Activity(name, 2, {"crew": 2}) for name in "ABC")
    level(
        LevelingProblem(tasks, (crew,)),
        LevelingOptions(mode=Mode.EXACT, time_limit_seconds=0.5, workers=workers),
    )


def _run_set(
    name: str, limit: float, jobs: int, workers: int, stride: int, count: int | None
) -> list[Outcome]:
    files = sorted((DATA / f"{name}.sm").glob("*.sm"), key=lambda p: instance_key(p.stem))
    files = files[::stride][:count]
    tasks = [(str(f), limit, workers) for f in files]
    if jobs <= 1:
        return [_solve(t) for t in tasks]
    with ProcessPoolExecutor(jobs) as pool:
        return list(pool.map(_solve, tasks))


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def _report_j30(outcomes: list[Outcome], limit: float) -> bool:
    optimum = parse_makespans((DATA / "j30opt.sm").read_text(encoding="latin-1"))
    hits = sum(o.makespan == optimum[instance_key(o.name)] for o in outcomes)
    proven = sum(o.status == "optimal" for o in outcomes)
    deviation = sum(100 * (o.makespan / optimum[instance_key(o.name)] - 1) for o in outcomes) / len(
        outcomes
    )
    worst = max(o.seconds for o in outcomes)
    slow = sum(o.seconds > 1.0 for o in outcomes)
    missed = [o.name for o in outcomes if o.makespan != optimum[instance_key(o.name)]]
    print(
        f"j30: {len(outcomes)} instances at {limit:.2f} s: optimal {hits}/{len(outcomes)}, "
        f"proven optimal {proven}, mean deviation from optimum {deviation:.3f} %, "
        f"mean time {sum(o.seconds for o in outcomes) / len(outcomes):.2f} s, worst {worst:.2f} s, over 1 s: {slow}"
    )
    if missed:
        print(f"  missed: {' '.join(missed[:30])}{' ...' if len(missed) > 30 else ''}")
    ok = hits == len(outcomes) and slow == 0
    print(f"  {_verdict(ok)} j30: optimum on every instance within 1 s")
    return ok


def _report_large(
    name: str, outcomes: list[Outcome], limit: float, target: float, sample: bool
) -> bool:
    best = parse_makespans((DATA / f"{name}hrs.sm").read_text(encoding="latin-1"))
    bounds = parse_bounds((DATA / f"{name}lb.sm").read_text(encoding="latin-1"))
    n = len(outcomes)
    from_cp = sum(100 * (o.makespan / o.cp_bound - 1) for o in outcomes) / n
    known = [best[instance_key(o.name)] for o in outcomes]
    from_best = sum(100 * (o.makespan / b - 1) for o, b in zip(outcomes, known, strict=True)) / n
    best_cp = sum(100 * (b / o.cp_bound - 1) for o, b in zip(outcomes, known, strict=True)) / n
    matched = sum(o.makespan <= b for o, b in zip(outcomes, known, strict=True))
    # j60lb.sm stops at parameter 41: instances past it count only through the other metrics.
    optimal = sum(
        o.makespan == bounds[instance_key(o.name)].lower
        for o in outcomes
        if instance_key(o.name) in bounds
    )
    proven = sum(o.status == "optimal" for o in outcomes)
    print(
        f"{name}: {n} instances{' (sample)' if sample else ''} at {limit:.1f} s: "
        f"mean deviation from CP bound {from_cp:.2f} % (best known on these: {best_cp:.2f} %), "
        f"from best known {from_best:.2f} %, best known matched {matched}, "
        f"at published lower bound {optimal}, proven optimal {proven}, "
        f"worst time {max(o.seconds for o in outcomes):.2f} s"
    )
    above = [
        f"{o.name}({o.makespan}/{b})"
        for o, b in zip(outcomes, known, strict=True)
        if o.makespan > b
    ]
    if above:
        print(f"  above best known: {' '.join(above[:40])}{' ...' if len(above) > 40 else ''}")
    measured = from_cp
    if sample:
        everything = _best_known_deviation(name, best)
        measured = from_cp - best_cp + everything
        print(
            f"  projected on all {name}: {measured:.2f} % (best known on all: "
            f"{everything:.2f} %, plus this sample's {from_cp - best_cp:.2f} points above it; "
            f"an estimate: only --full measures the target)"
        )
    # A sample is judged on its projection: its own mean is easier than the whole set's
    # (j120 every 10th passed on 29.7 % while projecting 31.0 %).
    ok = measured <= target
    print(f"  {_verdict(ok)} {name}: mean deviation from CP bound <= {target} %"
          f"{' (projected from the sample)' if sample else ''}")
    return ok


def _best_known_deviation(name: str, best: dict[tuple[int, int], int]) -> float:
    """Mean % deviation of the best-known makespans from the critical-path bound, over
    every instance of the set (a sample's own figure can be far from it: j120 every 10th
    is 27.6 % against 28.9 % for all 600)."""
    total, count = 0.0, 0
    for path in (DATA / f"{name}.sm").glob("*.sm"):
        net = compile_problem(read_sm(path).to_problem())
        total += 100 * (best[instance_key(path.stem)] / net.cpm_makespan - 1)
        count += 1
    return total / count


def generate_program(
    tasks: int, resources: int, seed: int, splittable: bool = False
) -> LevelingProblem:
    """A program of 20 projects sharing one pool: unit resources, one per task, FS links."""
    rng = random.Random(seed)
    projects = 20
    per_project = tasks // projects
    activities = []
    links = []
    for p in range(projects):
        for k in range(per_project):
            task_id = f"p{p}t{k}"
            activities.append(
                Activity(
                    task_id,
                    rng.randint(1, 10),
                    {f"r{rng.randrange(resources)}": 1},
                    project=f"p{p}",
                    splittable=splittable,
                )
            )
            if k >= 5:
                for pred in rng.sample(range(max(0, k - 300), k), min(k, rng.randint(1, 2))):
                    links.append(Link(f"p{p}t{pred}", task_id))
    pool = tuple(Resource(f"r{r}", 1) for r in range(resources))
    return LevelingProblem(tuple(activities), pool, tuple(links))


def independent_overload(
    problem: LevelingProblem,
    starts: dict[str, int],
    finishes: dict[str, int],
    pieces: dict[str, tuple[tuple[int, int], ...]],
) -> int:
    """Over-capacity (resource, period) pairs, wrong durations and broken FS links,
    counted from the dates alone (no engine code)."""
    capacity = {r.id: r.capacity for r in problem.resources}
    load: dict[tuple[str, int], int] = {}
    wrong = 0
    for a in problem.activities:
        spans = pieces[a.id]
        work = sum(end - begin for begin, end in spans)
        if work != a.duration or (
            spans and (spans[0][0], spans[-1][1]) != (starts[a.id], finishes[a.id])
        ):
            wrong += 1
        for r, q in a.demands.items():
            for begin, end in spans:
                for t in range(begin, end):
                    load[(r, t)] = load.get((r, t), 0) + q
    over = sum(1 for (r, _), v in load.items() if v > capacity[r])
    for link in problem.links:
        if starts[link.successor] < finishes[link.predecessor] + link.lag:
            wrong += 1
    return over + wrong


def write_tjp(problem: LevelingProblem, path: Path) -> None:
    lines = [
        'project prog "Program" 2026-01-05 +30y {',
        "  timingresolution 60min",
        "  workinghours mon - sun 9:00 - 17:00",
        "  dailyworkinghours 8",
        "}",
    ]
    lines += [f'resource {r.id} "{r.id}"' for r in problem.resources]
    preds: dict[str, list[str]] = {}
    for link in problem.links:
        preds.setdefault(link.successor, []).append(link.predecessor)
    by_project: dict[str, list[Activity]] = {}
    for a in problem.activities:
        by_project.setdefault(a.project or "p", []).append(a)
    for project, activities in by_project.items():
        lines.append(f'task {project} "{project}" {{')
        lines.append("  start 2026-01-05")
        for a in activities:
            resource = next(iter(a.demands))
            depends = ", ".join(f"{project}.{p}" for p in preds.get(a.id, []))
            extra = f" depends {depends}" if depends else ""
            lines.append(
                f'  task {a.id} "{a.id}" {{ effort {a.duration}d allocate {resource}{extra} }}'
            )
        lines.append("}")
    lines.append('taskreport out "out" { formats csv columns id, end timeformat "%Y-%m-%d %H:%M" }')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def run_tj3(problem: LevelingProblem, timeout: float) -> tuple[float, int] | None:
    """Seconds and makespan (days) of TaskJuggler on the same program, or None."""
    if shutil.which("tj3") is None:
        print("  tj3 not installed: TaskJuggler comparison skipped")
        return None
    with tempfile.TemporaryDirectory() as folder:
        tjp = Path(folder) / "program.tjp"
        write_tjp(problem, tjp)
        started = time.perf_counter()
        try:
            subprocess.run(
                ["tj3", "--silent", "--no-color", tjp.name],
                cwd=folder,
                check=True,
                timeout=timeout,
                capture_output=True,
            )
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
            print(f"  tj3 failed: {exc}")
            return None
        seconds = time.perf_counter() - started
        rows = (Path(folder) / "out.csv").read_text(encoding="utf-8").splitlines()[1:]
        origin = datetime(2026, 1, 5, 9, 0)
        ends = [datetime.strptime(r.split(";")[1].strip('"'), "%Y-%m-%d %H:%M") for r in rows]
        makespan = max(math.ceil((e - origin).total_seconds() / 86400) for e in ends)
        return seconds, makespan


PROGRAM_RUNS = 3
"""Runs of the heuristic on the program; the median is judged."""


def bench_program(tasks: int, resources: int, budget: float | None, tj: bool) -> bool:
    """Unsplit tasks (our default), then splittable ones: TaskJuggler books effort hour by
    hour around other bookings, so its tasks may be interrupted; the split run is the
    like-for-like comparison of makespans."""
    ok = True
    runs = {}
    for splittable in (False, True):
        problem = generate_program(tasks, resources, seed=7, splittable=splittable)
        walls, cpus = [], []
        for _ in range(PROGRAM_RUNS):  # the median: one run on a shared VM can be 50 % off
            started, cpu = time.perf_counter(), time.process_time()
            options = LevelingOptions(mode=Mode.HEURISTIC, time_limit_seconds=budget)
            result = level(problem, options)
            walls.append(time.perf_counter() - started)
            cpus.append(time.process_time() - cpu)
        seconds, cpu = sorted(walls)[len(walls) // 2], sorted(cpus)[len(cpus) // 2]
        starts = {t.id: t.start for t in result.tasks}
        finishes = {t.id: t.finish for t in result.tasks}
        pieces = {t.id: t.pieces for t in result.tasks}
        violations = independent_overload(problem, starts, finishes, pieces)
        kind = "splittable" if splittable else "unsplit"
        print(
            f"program ({kind}): {tasks} tasks, {resources} resources: heuristic {seconds:.3f} s "
            f"(CPU {cpu:.3f} s; median of {PROGRAM_RUNS} runs: {', '.join(f'{w:.3f}' for w in walls)}) "
            f"(budget {options.budget_seconds} s, {result.passes} passes), makespan {result.makespan} days, "
            f"critical-path bound {result.bound}, status {result.status.value}, "
            f"violations (independent check) {violations}"
        )
        print(
            f"  {_verdict(seconds < 0.8)} heuristic under 0.8 s; {_verdict(violations == 0)} no over-allocation"
        )
        ok = ok and seconds < 0.8 and violations == 0
        runs[splittable] = (problem, seconds, result.makespan)
    if tj:
        problem, seconds, makespan = runs[True]
        peer = run_tj3(problem, timeout=900)
        if peer is not None:
            tj_seconds, tj_makespan = peer
            ratio = tj_seconds / seconds
            print(
                f"  tj3: {tj_seconds:.1f} s, makespan {tj_makespan} days; speed ratio {ratio:.0f}x "
                f"(unsplit run: {tj_seconds / runs[False][1]:.0f}x), makespan ours/tj3 "
                f"{makespan / tj_makespan:.3f} (unsplit: {runs[False][2] / tj_makespan:.3f})"
            )
            print(f"  {_verdict(ratio >= 100)} at least 100x faster than tj3")
            ok = ok and ratio >= 100
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--sets", default="j30,j60,j120,program", help="comma list of j30,j60,j120,program"
    )
    parser.add_argument(
        "--time-limit", type=float, default=5.0, help="seconds per j60/j120 instance"
    )
    parser.add_argument(
        "--j30-time-limit",
        type=float,
        default=0.9,
        help="seconds per j30 instance (0.9: the loaded machine's hand-over stays under 1 s)",
    )
    parser.add_argument(
        "--limit", type=int, default=None, help="at most this many instances per set"
    )
    parser.add_argument(
        "--stride", type=int, default=10, help="every n-th j60/j120 instance (default 10)"
    )
    parser.add_argument("--full", action="store_true", help="all j60/j120 instances (stride 1)")
    parser.add_argument(
        "--jobs", type=int, default=1, help="instances solved in parallel processes"
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=2,
        help="cores per instance: 2 = genetic algorithm beside a 1-worker CP-SAT (default)",
    )
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--resources", type=int, default=500)
    parser.add_argument(
        "--budget",
        type=float,
        default=None,
        help="heuristic budget for the program (default: the engine's own, 0.5 s)",
    )
    parser.add_argument("--no-tj3", action="store_true", help="skip the TaskJuggler run")
    args = parser.parse_args(argv)
    sets = args.sets.split(",")
    stride = 1 if args.full else args.stride
    print(
        f"bench_rcpsp: data {DATA.resolve()}, jobs {args.jobs}, CP-SAT workers {args.workers}, "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    _warm_up(args.workers)
    ok = True
    if "j30" in sets:
        outcomes = _run_set("j30", args.j30_time_limit, args.jobs, args.workers, 1, args.limit)
        ok &= _report_j30(outcomes, args.j30_time_limit)
    for name, target in (("j60", 10.6), ("j120", 30.0)):
        if name in sets:
            outcomes = _run_set(name, args.time_limit, args.jobs, args.workers, stride, args.limit)
            ok &= _report_large(
                name, outcomes, args.time_limit, target, stride > 1 or args.limit is not None
            )
    if "program" in sets:
        ok &= bench_program(args.tasks, args.resources, args.budget, not args.no_tj3)
    print("ALL PASS" if ok else "SOME TARGETS FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
