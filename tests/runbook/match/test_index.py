"""The match index scores only the runbooks that share a signal, and gives exactly what scoring every runbook gives."""

from __future__ import annotations

from functools import cache

from hypothesis import given, settings
from hypothesis import strategies as st

from firebreak.runbook.library import store
from firebreak.runbook.match import attach
from firebreak.runbook.match.rank import RunbookIndex, build_index, make_query, rank, score
from firebreak.runtime import Runtime
from tests.runbook.corpus import collections, seed_runbooks


@cache
def index() -> RunbookIndex:
    return build_index(collections())


@cache
def vocabulary() -> tuple[list[str], list[str], list[str]]:
    """Alert names, words and URLs taken from the runbooks themselves, so that queries hit something."""
    runbooks = index().profiles
    names = sorted({n for p in runbooks for n in p.runbook.alert_names} | {p.runbook.title for p in runbooks})
    words = sorted({w for p in runbooks for w in p.words if len(w) >= 3})[:400]
    urls = sorted({p.runbook.url for p in runbooks if p.runbook.url})
    return names, words, urls


def every_runbook(**query: object) -> list[tuple[str, float, tuple[str, ...]]]:
    built = make_query(index(), **query)  # type: ignore[arg-type]
    found = [m for i in range(len(index().profiles)) if (m := score(index(), i, built))]
    return sorted(((m.slug, m.score, tuple(m.reasons)) for m in found), key=lambda m: (-m[1], m[0]))


queries = st.builds(
    dict,
    alert_names=st.lists(st.one_of(st.sampled_from(vocabulary()[0]), st.text(min_size=1, max_size=20)), max_size=3),
    runbook_urls=st.lists(st.sampled_from(vocabulary()[2]), max_size=2),
    labels=st.dictionaries(st.sampled_from(["namespace", "service", "app", "job", "pod"]),
                           st.sampled_from(vocabulary()[1]), max_size=3),
    text=st.lists(st.sampled_from(vocabulary()[1]), max_size=8).map(" ".join),
)




@settings(max_examples=300, deadline=None)
@given(queries)
def test_the_index_gives_what_scoring_every_runbook_gives(query: dict) -> None:  # type: ignore[type-arg]
    indexed = [(m.slug, m.score, tuple(m.reasons)) for m in rank(index(), **query)]
    assert indexed == every_runbook(**query)


def test_a_query_sharing_nothing_scores_no_runbook_at_all() -> None:
    assert rank(index(), alert_names=["Zzqx"], runbook_urls=[], labels={"pod": "qqq-1"}, text="zzz") == []


def test_a_runbook_url_alone_finds_its_runbook_among_all_the_collections() -> None:
    runbooks = index().profiles
    assert len(runbooks) > 50
    target = next(p.runbook for p in runbooks if p.runbook.url)
    best = rank(index(), runbook_urls=[target.url or ""])[0]
    assert best.slug == target.slug and best.score >= 100


def test_the_cached_index_follows_the_library_as_runbooks_are_added_and_replaced(runtime: Runtime) -> None:
    from dataclasses import dataclass, field, replace

    @dataclass
    class Fired:
        name: str
        labels: dict[str, str]
        annotations: dict[str, str] = field(default_factory=dict)
        summary: str = ""
        runbook_url: str | None = None

    pool, disk = (r for r in seed_runbooks() if r.slug.endswith(("/database-connection-pool-exhausted",
                                                                 "/disk-space-critical")))
    now = runtime.clock.now()
    fired = Fired("OrdersDbSaturated", {"alertname": "OrdersDbSaturated"})
    with runtime.session_factory.begin() as session:
        store.save_runbooks(session, runbooks=[pool], now=now)
    with runtime.session_factory() as session:
        assert attach.match_alerts(session, alerts=[fired]) == []
    with runtime.session_factory.begin() as session:  # a new runbook lists the alert
        store.save_runbooks(session, runbooks=[replace(disk, alert_names=["OrdersDbSaturated"])], now=now)
    with runtime.session_factory() as session:
        assert [m.slug for m in attach.match_alerts(session, alerts=[fired])][:1] == [disk.slug]
    with runtime.session_factory.begin() as session:  # a new version of the first one lists it too, by name
        store.save_runbooks(session, runbooks=[replace(pool, alert_names=["OrdersDbSaturated"])], now=now)
    with runtime.session_factory() as session:
        assert {m.slug for m in attach.match_alerts(session, alerts=[fired])} >= {pool.slug, disk.slug}
