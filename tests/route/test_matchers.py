"""Matchers: the four operators, Alertmanager anchoring, missing labels, parsing and printing."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from firebreak.route.matchers import Matcher, MatchOp, matches_all, parse_matcher, parse_matchers


@pytest.mark.parametrize(
    ("text", "labels", "expected"),
    [
        ('job="api"', {"job": "api"}, True),
        ('job="api"', {"job": "api-gateway"}, False),
        ('job!="api"', {"job": "api"}, False),
        ('job!="api"', {"job": "web"}, True),
        ('job=~"api|web"', {"job": "web"}, True),
        # anchored at both ends: no substring or prefix matches
        ('job=~"api"', {"job": "api-gateway"}, False),
        ('job=~"api"', {"job": "my-api"}, False),
        ('job=~"api.*"', {"job": "api-gateway"}, True),
        ('job!~"api.*"', {"job": "api-gateway"}, False),
        ('job!~"api"', {"job": "api-gateway"}, True),
        # a missing label is the empty string
        ('team=""', {}, True),
        ('team!=""', {}, False),
        ('team!=""', {"team": "x"}, True),
        ('team=~".*"', {}, True),
        ('team=~".+"', {}, False),
        ('team!~".+"', {}, True),
        ('team="x"', {}, False),
        ('team!="x"', {}, True),
        # alternation binds inside the anchors
        ('sev=~"critical|warning"', {"sev": "critical-ish"}, False),
        # newlines inside a value are matched by . (Alertmanager compiles with s flag)
        ('msg=~"a.b"', {"msg": "a\nb"}, True),
    ],
)
def test_operator_semantics(text: str, labels: dict[str, str], expected: bool) -> None:
    assert parse_matcher(text).matches(labels) is expected


def test_operators_are_parsed() -> None:
    assert [parse_matcher(t).op for t in ('a="1"', 'a!="1"', 'a=~"1"', 'a!~"1"')] == [
        MatchOp.EQ, MatchOp.NE, MatchOp.RE, MatchOp.NRE]


def test_unquoted_and_quoted_values() -> None:
    assert parse_matcher("env!=staging") == Matcher.of("env", "!=", "staging")
    assert parse_matcher('  env = "prod" ').value == "prod"
    assert parse_matcher(r'msg="say \"hi\"\n"').value == 'say "hi"\n'
    assert parse_matcher('re=~a{2}').value == "a{2}"


@pytest.mark.parametrize("bad", ['job=~"("', "job=~[", 'job=~"a**"'])
def test_bad_regex_is_rejected(bad: str) -> None:
    with pytest.raises(ValueError, match="invalid regular expression"):
        parse_matcher(bad)


@pytest.mark.parametrize("bad", ["", "job", "=x", 'job=="x"x', 'job="unterminated', r'job="\q"'])
def test_garbage_is_rejected(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_matcher(bad)


def test_matcher_lists() -> None:
    found = parse_matchers('{alertname="Disk, full", env!="dev" , sev=~"a|b"}')
    assert [str(m) for m in found] == ['alertname="Disk, full"', 'env!="dev"', 'sev=~"a|b"']
    assert parse_matchers("a=1,b=2") == (Matcher.of("a", "=", "1"), Matcher.of("b", "=", "2"))
    assert parse_matchers("{}") == ()
    with pytest.raises(ValueError):
        parse_matchers('{a="1" b="2"}')
    with pytest.raises(ValueError):
        parse_matchers('{a="1"')


def test_matches_all() -> None:
    matchers = parse_matchers('service="api", severity=~"critical|warning"')
    assert matches_all(matchers, {"service": "api", "severity": "warning"})
    assert not matches_all(matchers, {"service": "api", "severity": "info"})
    assert matches_all((), {"anything": "x"})


@given(
    name=st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,10}", fullmatch=True),
    op=st.sampled_from(["=", "!="]),
    value=st.text(max_size=20),
)
def test_printing_round_trips(name: str, op: str, value: str) -> None:
    matcher = Matcher.of(name, op, value)
    assert parse_matcher(str(matcher)) == matcher
    assert parse_matchers(f"{{{matcher}, {matcher}}}") == (matcher, matcher)


@given(value=st.text(max_size=12), other=st.text(max_size=12))
def test_equality_and_its_negation_disagree(value: str, other: str) -> None:
    labels = {"x": other}
    assert Matcher.of("x", "=", value).matches(labels) != Matcher.of("x", "!=", value).matches(labels)
