"""The `fangpin` command's exit statuses (CONTRACT §2): 2 for usage errors."""

from __future__ import annotations

import pytest

from fangpin.cli import main


def test_an_unknown_command_is_a_usage_error_that_exits_2_in_chinese(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["no-such-command"])
    assert exited.value.code == 2
    assert "未知命令" in capsys.readouterr().err


def test_a_missing_required_flag_exits_2(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["stats"])
    assert exited.value.code == 2
