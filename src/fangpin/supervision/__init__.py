"""Supervision and evaluation (督导考核): the task list, computed indicators, reports with
approval, scoring and ranking, bulletins and post-assessment sampling (CONTRACT §9)."""
