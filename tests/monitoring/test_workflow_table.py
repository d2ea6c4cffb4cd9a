"""The workflow table is complete: each action carries everything the API, the pages and the
history need, so adding an action is adding one entry."""

from __future__ import annotations

import re

from fangpin.monitoring import workflow
from fangpin.monitoring.models import State
from fangpin.monitoring.schemas import ActionBody, ActionIn

CHINESE = re.compile(r"^[\u4e00-\u9fff/、()]+$")


def _fields(schema: type[ActionBody]) -> set[str]:
    # `done_on` is every action's (the history shows it apart from the body).
    return set(schema.model_fields) - {"version", "done_on"}


def test_every_action_has_its_schema_form_labels_and_event_label() -> None:
    assert set(workflow.ACTIONS) >= {"object", "resolve_objection"}
    for name, action in workflow.ACTIONS.items():
        assert issubclass(action.body, ActionBody), name
        body = _fields(action.body)
        form = set(action.form.base_fields) - {"version", "done_on"}
        assert body == form, (name, body ^ form)
        # Every step asks for its day: the notice's is its start.
        assert "done_on" in action.body.model_fields, name
        assert ("done_on" in action.form.base_fields) == (name != "publicize"), name
        assert body == set(action.labels), (name, body ^ set(action.labels))
        assert body <= set(ActionIn.model_fields), name  # the OpenAPI body lists it
        for text in (action.label, action.event_label, *action.labels.values()):
            assert CHINESE.match(text), (name, text)
        assert workflow.event_label(name) == action.event_label
        assert action.transitions and all(t.roles for t in action.transitions), name
        assert all(t.action == name for t in action.transitions)


def test_every_state_but_the_first_is_reached_and_every_open_state_can_move_on() -> None:
    targets = {t.target for t in workflow.TRANSITIONS}
    sources = {t.source for t in workflow.TRANSITIONS}
    assert set(State) - targets == {State.REPORTED}
    assert set(State) - sources == {State.REJECTED, State.ELIMINATED}


def test_objections_keep_the_case_where_it_is_in_both_notices() -> None:
    for name in ("object", "resolve_objection"):
        rows = workflow.ACTIONS[name].transitions
        assert {t.source for t in rows} == {State.PUBLICIZED, State.ELIMINATION_PUBLICIZED}
        assert all(not t.moves for t in rows)


def test_every_event_the_services_write_has_a_chinese_label() -> None:
    for action in [*workflow.ACTIONS, *workflow.OTHER_EVENTS]:
        assert CHINESE.match(workflow.event_label(action)), action
