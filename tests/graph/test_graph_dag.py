"""`build_dag`: the graph is derived from the IR, complete, and the same every time."""

from __future__ import annotations

from collections import Counter

from graph_support import program

from waymark_runtime.dag import Dag, build_dag


def dag_of(body: str) -> Dag:
    return build_dag(program(body))


def labels(dag: Dag, kind: str) -> list[str]:
    return [node.label for node in dag.nodes if node.kind == kind]


def edge_labels(dag: Dag, source_label: str) -> set[str]:
    [source] = [node.id for node in dag.nodes if node.label == source_label]
    return {edge.label for edge in dag.edges_from(source)}


def assert_well_formed(dag: Dag) -> None:
    ids = [node.id for node in dag.nodes]
    assert len(ids) == len(set(ids)), Counter(ids).most_common(3)
    for edge in dag.edges:
        assert edge.source in ids and edge.target in ids, edge


SEQUENCE = """
async def run(self, item: int) -> int:
    first = await fetch(item)
    doubled = first * 2
    await send(doubled)
    return doubled
"""


def test_a_sequence_runs_from_start_to_end() -> None:
    dag = dag_of(SEQUENCE)
    assert_well_formed(dag)
    assert [n.kind for n in dag.nodes] == ["start", "action", "compute", "action", "return", "end"]
    assert [n.label for n in dag.nodes][1:5] == [
        "first = fetch(item)",
        "doubled = first * 2",
        "send(doubled)",
        "return doubled",
    ]
    assert dag.node("run.0").detail == "demo:fetch"
    chain = [(e.source, e.target) for e in dag.edges]
    assert chain == [
        ("run.start", "run.0"),
        ("run.0", "run.1"),
        ("run.1", "run.2"),
        ("run.2", "run.3"),
        ("run.3", "run.end"),
    ]


def test_the_same_program_gives_the_same_graph() -> None:
    assert dag_of(SEQUENCE) == dag_of(SEQUENCE)
    assert build_dag(program(SEQUENCE)).nodes == dag_of(SEQUENCE).nodes


def test_policies_become_badges() -> None:
    dag = dag_of(
        """
        async def run(self, item: int) -> int:
            return await self.run_action(
                fetch(item),
                retry=RetryPolicy(attempts=3, exception_types=[ValueError]),
                timeout=timedelta(seconds=30),
            )
        """
    )
    [action] = [n for n in dag.nodes if n.kind == "action"]
    assert action.badges == ("retry \u00d73 on ValueError", "timeout 30s")


def test_gather_fans_out_and_joins() -> None:
    dag = dag_of(
        """
        async def run(self, items: list[int]) -> list[int]:
            results = await asyncio.gather(
                fetch(0), *[fetch(i) for i in items if i > 1], return_exceptions=True
            )
            return results
        """
    )
    assert_well_formed(dag)
    [gather] = [n for n in dag.nodes if n.kind == "gather"]
    [join] = [n for n in dag.nodes if n.kind == "join"]
    assert gather.badges == ("return_exceptions",)
    assert join.label == "results = join"
    fan_out = [e.target for e in dag.edges if e.kind == "fan_out"]
    fan_in = [e.source for e in dag.edges if e.kind == "fan_in"]
    assert fan_out == fan_in == [f"{gather.id}.0", f"{gather.id}.1"]
    assert dag.node(f"{gather.id}.1").label == "fetch(i)\nfor i in items if i > 1"
    assert dag.node(f"{gather.id}.1").detail == "demo:fetch"


def test_gather_flag_known_at_run_time_is_on_its_badge() -> None:
    dag = dag_of(
        """
        async def run(self, items: list[int], tolerant: bool) -> list[int]:
            return await asyncio.gather(*[fetch(i) for i in items], return_exceptions=tolerant)
        """
    )
    [gather] = [n for n in dag.nodes if n.kind == "gather"]
    assert gather.badges == ("return_exceptions=(tolerant)",)


def test_branches_carry_their_condition() -> None:
    dag = dag_of(
        """
        async def run(self, item: int) -> int:
            if item > 1 and item != 7:
                await send(item)
            elif item < -1:
                return 0
            return item
        """
    )
    assert_well_formed(dag)
    assert labels(dag, "branch") == ["if item > 1 and item != 7", "if item < -1"]
    assert edge_labels(dag, "if item > 1 and item != 7") == {"true", "false"}
    # the false arm of the inner `if` falls through to the final return
    [final] = [n.id for n in dag.nodes if n.label == "return item"]
    assert any(e.label == "false" and e.target == final for e in dag.edges)


def test_a_loop_has_a_back_edge_and_an_exit() -> None:
    dag = dag_of(
        """
        async def run(self, items: list[int]) -> int:
            total = 0
            for item in items:
                if item < 0:
                    continue
                if item > 100:
                    break
                total += await fetch(item)
            return total
        """
    )
    assert_well_formed(dag)
    [loop] = [n.id for n in dag.nodes if n.kind == "loop"]
    back = {(e.source, e.label) for e in dag.edges if e.kind == "back"}
    assert all(e.target == loop for e in dag.edges if e.kind == "back")
    assert ("run.1.body.0", "true: continue") in back
    assert any(label == "" for _, label in back)  # the end of the body loops back
    exits = {e.label for e in dag.edges if e.source in (loop, "run.1.body.1")}
    assert {"each", "done", "true: break"} <= exits


def test_while_true_has_no_exit_but_its_breaks() -> None:
    dag = dag_of(
        """
        async def run(self, item: int) -> int:
            while True:
                item = await fetch(item)
                if item > 10:
                    break
            return item
        """
    )
    [loop] = [n.id for n in dag.nodes if n.kind == "loop"]
    assert {e.label for e in dag.edges_from(loop)} == {"true"}


def test_try_except_has_recovery_edges() -> None:
    dag = dag_of(
        """
        async def run(self, item: int) -> int:
            try:
                value = await fetch(item)
            except (ValueError, KeyError) as error:
                value = 0
            except Exception:
                raise
            return value
        """
    )
    assert_well_formed(dag)
    [dispatcher] = [n.id for n in dag.nodes if n.kind == "except"]
    [action] = [n.id for n in dag.nodes if n.kind == "action"]
    assert any(
        e.source == action and e.target == dispatcher and e.kind == "error" for e in dag.edges
    )
    handlers = {e.label for e in dag.edges_from(dispatcher)}
    assert handlers == {"except (ValueError, KeyError) as error", "except Exception"}
    assert labels(dag, "raise") == ["raise"]


def test_sleep_return_and_raise_nodes() -> None:
    dag = dag_of(
        """
        async def run(self, item: int) -> int:
            await asyncio.sleep(60)
            if item < 0:
                raise ValueError(f"negative: {item}")
            return item
        """
    )
    assert labels(dag, "sleep") == ["sleep 60s"]
    assert labels(dag, "raise") == ["raise ValueError(f'negative: {item}')"]
    assert dag.edges_from(next(n.id for n in dag.nodes if n.kind == "raise")) == ()


def test_helpers_are_clusters_reached_by_call_edges() -> None:
    dag = dag_of(
        """
        async def run(self, item: int) -> int:
            return await self.double(item)

        async def double(self, item: int) -> int:
            value = await fetch(item)
            return value * 2
        """
    )
    assert_well_formed(dag)
    [cluster] = dag.clusters
    assert cluster.name == "double"
    assert all(dag.node(node_id).function == "double" for node_id in cluster.nodes)
    assert dag.node("double.start").label == "def double(item)"
    [call] = [e for e in dag.edges if e.kind == "call"]
    assert (dag.node(call.source).kind, call.target) == ("call", "double.start")


def test_match_cases_label_their_edges() -> None:
    dag = dag_of(
        """
        async def run(self, item: int) -> int:
            match item:
                case 0 | 1:
                    return 1
                case int(n) if n > 10:
                    await send(n)
            return item
        """
    )
    [branch] = [n for n in dag.nodes if n.kind == "branch"]
    assert branch.label == "match item"
    assert {e.label for e in dag.edges_from(branch.id)} == {
        "case 0 | 1",
        "case int(n) if n > 10",
        "no match",
    }


def test_ids_depend_only_on_position() -> None:
    """Growing one branch leaves the ids in the other branch and before it unchanged."""
    short = dag_of(
        """
        async def run(self, item: int) -> int:
            if item:
                await send(1)
            else:
                await send(2)
            return item
        """
    )
    longer = dag_of(
        """
        async def run(self, item: int) -> int:
            if item:
                await send(1)
                await send(3)
            else:
                await send(2)
            return item
        """
    )
    assert short.node("run.0.else.0") == longer.node("run.0.else.0")
    assert short.node("run.1") == longer.node("run.1")


SIGNAL = """
async def run(self, item: int) -> int:
    try:
        extra = await self.wait_for_signal("extra", int, timeout=timedelta(hours=1))
    except TimeoutError:
        extra = 0
    return item + extra
"""


def test_a_signal_wait_is_a_node_of_its_own_that_can_raise() -> None:
    dag = dag_of(SIGNAL)
    assert_well_formed(dag)
    [wait] = [node for node in dag.nodes if node.kind == "signal"]
    assert wait.label == "extra = wait for signal 'extra'"
    assert (wait.detail, wait.badges) == ("builtins:int", ("timeout 3600.0",))
    assert "raises" in {edge.label for edge in dag.edges_from(wait.id)}


def test_a_computed_action_call_is_labelled_by_its_callee() -> None:
    dag = dag_of(
        """
        async def run(self, item: int) -> list[int]:
            handler = fetch if item else send
            first = await handler(item)
            rest = await asyncio.gather(*[step(item) for step in (fetch, send)])
            return [first, *rest]
        """
    )
    assert labels(dag, "action") == [
        "first = handler(item)",
        "step(item)\nfor step in (fetch, send)",
    ]
    assert {n.detail for n in dag.nodes if n.kind == "action"} == {"computed action"}
