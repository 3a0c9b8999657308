"""Random link attempts: every refusal is a real cycle (named), every acceptance keeps a DAG."""

from __future__ import annotations

import random

import networkx as nx
import pytest

from altitude.core.errors import InvalidInput
from altitude.delivery.adapters import CyclicPlan
from altitude.delivery.models import Dependency
from tests.personas import Demo
from tests.web.planning import link, task

pytestmark = pytest.mark.django_db


def test_random_links_are_refused_exactly_when_they_close_a_cycle(demo: Demo) -> None:
    admin = demo.user("admin")
    rng = random.Random(5)
    tasks = [task(admin, demo.dcx01 if i % 2 else demo.dcx02, f"T{i}", 1) for i in range(10)]
    graph = nx.DiGraph()
    graph.add_nodes_from(t.pk for t in tasks)
    refused = 0
    for _ in range(45):
        a, b = rng.sample(tasks, 2)
        if graph.has_edge(a.pk, b.pk):
            continue
        closes = nx.has_path(graph, b.pk, a.pk)
        try:
            link(admin, a, b)
        except CyclicPlan as exc:
            refused += 1
            assert closes, (a.name, b.name)
            names = {n.split()[-1] for n in exc.cycle}
            assert {a.name, b.name} <= names
            cycle = [t.pk for t in tasks if t.name in names]
            assert len(cycle) == len(exc.cycle)
        except InvalidInput as exc:  # pragma: no cover - any other refusal is a bug here
            raise AssertionError(exc.message) from exc
        else:
            assert not closes, (a.name, b.name)
            graph.add_edge(a.pk, b.pk)
    assert refused > 0
    stored = nx.DiGraph(list(Dependency.objects.values_list("predecessor_id", "successor_id")))
    assert nx.is_directed_acyclic_graph(stored)
    assert stored.number_of_edges() == graph.number_of_edges()
