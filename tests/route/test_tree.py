"""The route tree: order, `continue`, nesting, inheritance and the default route."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from firebreak.route.decision import MatcherResult
from firebreak.route.matchers import parse_matchers
from firebreak.route.tree import RouteNode, select_routes


def node(name: str, matchers: str = "", *, cont: bool = False, children: tuple[RouteNode, ...] = ()) -> RouteNode:
    return RouteNode(name=name, matchers=parse_matchers(matchers), continue_=cont, children=children)


def names(root: RouteNode, labels: dict[str, str]) -> list[str]:
    return [route.name for route in select_routes(root, labels)]


def test_first_matching_route_wins() -> None:
    root = node("default", children=(node("a", 'service="api"'), node("b", 'service=~"api|web"')))
    assert names(root, {"service": "api"}) == ["a"]
    assert names(root, {"service": "web"}) == ["b"]


def test_order_matters() -> None:
    root = node("default", children=(node("b", 'service=~"api|web"'), node("a", 'service="api"')))
    assert names(root, {"service": "api"}) == ["b"]


def test_continue_tries_later_siblings() -> None:
    root = node("default", children=(
        node("all-prod", 'env="prod"', cont=True),
        node("api", 'service="api"'),
        node("never", 'service="api"'),
    ))
    assert names(root, {"env": "prod", "service": "api"}) == ["all-prod", "api"]
    assert names(root, {"env": "prod", "service": "db"}) == ["all-prod"]
    assert names(root, {"env": "dev", "service": "api"}) == ["api"]


def test_nested_routes_and_parent_fallback() -> None:
    root = node("default", children=(
        node("db", 'service="postgres"', children=(
            node("db-conn", 'alertname="TooManyConnections"'),
            node("db-lag", 'alertname="ReplicationLag"'),
        )),
        node("other", 'alertname="TooManyConnections"'),
    ))
    assert names(root, {"service": "postgres", "alertname": "ReplicationLag"}) == ["db-lag"]
    # no child matches: the parent route takes it, and siblings of the parent are not tried
    assert names(root, {"service": "postgres", "alertname": "DiskFull"}) == ["db"]
    # the child is only tried under a matching parent
    assert names(root, {"service": "redis", "alertname": "TooManyConnections"}) == ["other"]


def test_continue_inside_nested_routes() -> None:
    root = node("default", children=(
        node("db", 'service="postgres"', children=(
            node("tag", 'env="prod"', cont=True),
            node("conn", 'alertname="TooManyConnections"'),
        )),
    ))
    assert names(root, {"service": "postgres", "env": "prod", "alertname": "TooManyConnections"}) == [
        "tag", "conn"]
    assert names(root, {"service": "postgres", "env": "prod", "alertname": "Other"}) == ["tag"]


def test_default_route_takes_what_nothing_else_does() -> None:
    root = node("default", children=(node("a", 'service="api"'),))
    assert names(root, {"service": "zzz"}) == ["default"]
    assert names(root, {}) == ["default"]


def test_trace_records_every_matcher() -> None:
    root = node("default", children=(node("a", 'service="api", env="prod"'), node("b", 'service="web"')))
    trace: list[MatcherResult] = []
    select_routes(root, {"service": "web"}, trace)
    assert trace == [
        MatcherResult("a", 'service="api"', False),
        MatcherResult("a", 'env="prod"', False),
        MatcherResult("b", 'service="web"', True),
    ]


def test_walk_lists_every_route() -> None:
    root = node("default", children=(node("a", children=(node("a1"),)), node("b")))
    assert [route.name for route in root.walk()] == ["default", "a", "a1", "b"]


LABEL_VALUES = {"service": ["api", "web", "db", ""], "env": ["prod", "staging", ""], "team": ["a", "b", ""]}
MATCHER_TEXT = st.sampled_from([
    'service="api"', 'service="web"', 'service="db"', 'env="prod"', 'env!="staging"', 'team=~"a|b"',
    'service=~"api|db"', 'team=""', 'env="staging"', 'service!~"web"'])


@st.composite
def trees(draw: st.DrawFn, depth: int = 2) -> RouteNode:
    count = draw(st.integers(min_value=0, max_value=6 if depth else 0))
    children = []
    for index in range(count):
        matchers = ", ".join(draw(st.lists(MATCHER_TEXT, min_size=0, max_size=2)))
        sub = draw(trees(depth - 1)) if depth else node("leaf")
        children.append(node(f"d{depth}-{index}", matchers, cont=draw(st.booleans()), children=sub.children))
    return node("default", children=tuple(children))


@given(root=trees(), labels=st.fixed_dictionaries({k: st.sampled_from(v) for k, v in LABEL_VALUES.items()}))
def test_skipping_keyed_routes_never_changes_the_result(root: RouteNode, labels: dict[str, str]) -> None:
    """The fast path (children filed by their `label="value"` matcher) selects exactly what
    evaluating every matcher in order selects."""
    present = {k: v for k, v in labels.items() if v}
    assert select_routes(root, present) == select_routes(root, present, [])
