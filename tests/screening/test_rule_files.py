"""Rules are data: every rule file is checked when loaded, and a bad one is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from fangpin.screening.rules import RuleError, rule_parse, rules_all

GOOD = """
title = "测试"
source = "housing"
risk_type = "99"
parameters = []
message = "{name}"
query = "{query}"
"""


def _rule(tmp_path: Path, query: str, **changes: str) -> Path:
    text = GOOD.replace("{query}", query)
    for key, value in changes.items():
        text = text.replace(f'{key} = "{value[0]}"', f'{key} = "{value[1]}"')
    path = tmp_path / "test_rule.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_every_shipped_rule_loads_and_covers_each_source():
    rules = rules_all()
    assert {r.source for r in rules} == {
        "medical",
        "civil",
        "housing",
        "education",
        "disability",
        "disaster",
        "death",
    }
    assert len(rules) >= 9


@pytest.mark.parametrize(
    ("query", "problem"),
    [
        ("DROP TABLE matched", "one SELECT"),
        ("SELECT person_id, household_id, list(ref) AS evidence FROM persons", "may read only"),
        (
            "SELECT person_id, household_id, list(ref) AS evidence FROM matched "
            "WHERE grade > :secret",
            "not declared",
        ),
        ("SELECT person_id FROM matched", "must return"),
        (
            "SELECT person_id, household_id, list(grade) AS evidence FROM matched "
            "GROUP BY person_id, household_id",
            "evidence must be list",
        ),
    ],
)
def test_a_bad_rule_file_is_refused(tmp_path, query, problem):
    with pytest.raises(RuleError, match=problem):
        rule_parse(_rule(tmp_path, query))


def test_a_rule_naming_an_unknown_source_is_refused(tmp_path):
    query = "SELECT person_id, household_id, list(ref) AS evidence FROM matched"
    with pytest.raises(RuleError, match="unknown source"):
        rule_parse(_rule(tmp_path, query, source=("housing", "weather")))


def test_the_warning_sentence_fills_fields_only_never_attributes(tmp_path):
    query = "SELECT person_id, household_id, list(ref) AS evidence FROM matched"
    rule = rule_parse(_rule(tmp_path, query))
    rule = type(rule)(**{**rule.__dict__, "message": "{name}:{name.__class__}"})
    assert rule.render({"name": "甲"}) == "甲:{name.__class__}"
