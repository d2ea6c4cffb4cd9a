"""The load benchmark's verdict on the history: lost, doubled and replayed actions."""

from __future__ import annotations

import math

from bench.load_check import SeenAction, history_check, percentile_ms, visit_check


def seen(case: int, action: str, key: str, status: int = 200, replayed: bool = False):
    return SeenAction(case_id=case, action=action, key=key, status=status, replayed=replayed)


def test_every_success_once_in_the_history_and_replayed_retries_pass():
    answers = [
        seen(1, "verify", "k1"),
        seen(1, "verify", "k1", replayed=True),  # the retry got the kept answer
        seen(1, "deliberate", "k2"),
        seen(2, "verify", "k3"),
        seen(3, "verify", "k4", status=409),  # refused: nothing happened, nothing expected
    ]
    check = history_check(answers, [(1, "verify"), (1, "deliberate"), (2, "verify")])
    assert check.ok, check.summary()
    assert (check.acted, check.events, check.replays) == (3, 3, 1)
    assert check.summary().startswith("OK")


def test_a_success_missing_from_the_history_is_lost():
    check = history_check([seen(1, "verify", "k1"), seen(2, "verify", "k2")], [(1, "verify")])
    assert not check.ok
    assert check.lost == [(2, "verify")]
    assert check.summary().startswith("FAILED")


def test_an_action_twice_in_the_history_is_doubled_even_if_seen_once():
    check = history_check([seen(1, "verify", "k1")], [(1, "verify"), (1, "verify")])
    assert check.doubled == [(1, "verify")] and not check.ok


def test_a_retry_that_ran_again_instead_of_replaying_is_caught():
    answers = [seen(1, "verify", "k1"), seen(1, "verify", "k1", replayed=False)]
    check = history_check(answers, [(1, "verify")])
    assert check.replay_ran_again == ["k1"] and not check.ok


def test_a_replay_without_a_first_success_and_an_entry_nobody_saw_are_caught():
    check = history_check([seen(1, "verify", "k9", replayed=True)], [(5, "deliberate")])
    assert check.replay_without_first == ["k9"]
    assert check.unseen == [(5, "deliberate")]
    assert not check.ok


def test_visits_each_stored_once_and_a_retry_answered_with_the_same_visit():
    good = visit_check([("a", 10, False), ("a", 10, True), ("b", 11, False)], [10, 11])
    assert good.ok and (good.made, good.stored, good.replays) == (2, 2, 1)
    doubled = visit_check([("a", 10, False), ("a", 12, False)], [10, 12])
    assert doubled.replay_differs == ["a"] and doubled.extra == [12] and not doubled.ok
    lost = visit_check([("a", 10, False)], [])
    assert lost.lost == [10] and not lost.ok


def test_percentiles_by_nearest_rank_in_milliseconds():
    latencies = [i / 1000 for i in range(1, 101)]  # 1..100 ms
    assert percentile_ms(latencies, 0.50) == 50
    assert percentile_ms(latencies, 0.95) == 95
    assert percentile_ms(latencies, 0.99) == 99
    assert percentile_ms([0.2], 0.99) == 200
    assert math.isnan(percentile_ms([], 0.5))
