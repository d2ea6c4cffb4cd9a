"""`fangpin check-deploy` fails (exit 1, a Chinese list) on unsafe settings, passes on safe."""

from __future__ import annotations

import pytest
from django.core.management import call_command

SAFE_KEY = "Yq3v-8Jd2kLp0ZtR5nW7xB1cF4hM6sG9aE2uI8oP3rT5yV7wQ1zX4bN6mK8jH0gD"


@pytest.fixture
def safe(settings, monkeypatch, tmp_path):
    """A production configuration behind HTTPS that check-deploy should accept."""
    data = tmp_path / "var"
    data.mkdir(mode=0o700)
    monkeypatch.setenv("FANGPIN_SECRET_KEY", SAFE_KEY)
    monkeypatch.delenv("DJANGO_ALLOW_ASYNC_UNSAFE", raising=False)  # set by the browser tests
    settings.SECRET_KEY = SAFE_KEY
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["fangpin.example.gov.cn"]
    settings.DATA_DIR = data
    settings.FANGPIN_HTTPS = True
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    return settings


def _check(capsys) -> tuple[int, str]:
    try:
        call_command("check-deploy")
    except SystemExit as exited:
        code = int(exited.code or 0)
    else:
        code = 0
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_safe_settings_pass(safe, capsys):
    code, output = _check(capsys)
    assert code == 0, output
    assert "部署检查通过" in output


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        ({"DEBUG": True}, "调试模式已开启"),
        ({"ALLOWED_HOSTS": ["*"]}, "FANGPIN_ALLOWED_HOSTS 含有 *"),
        ({"SESSION_COOKIE_SECURE": False}, "会话 Cookie 未设置 Secure"),
        ({"CSRF_COOKIE_SECURE": False}, "CSRF Cookie 未设置 Secure"),
        ({"SECURE_HSTS_SECONDS": 0}, "未设置 HSTS"),
    ],
)
def test_each_unsafe_setting_fails_the_check_with_a_chinese_reason(safe, capsys, change, complaint):
    for name, value in change.items():
        setattr(safe, name, value)
    code, output = _check(capsys)
    assert code == 1
    assert "部署检查未通过" in output
    assert complaint in output


def test_the_public_development_key_fails_the_check(safe, monkeypatch, capsys):
    monkeypatch.delenv("FANGPIN_SECRET_KEY")
    safe.SECRET_KEY = safe.FANGPIN_DEV_SECRET
    code, output = _check(capsys)
    assert code == 1
    assert "内置开发密钥" in output


def test_a_short_key_fails_the_check(safe, monkeypatch, capsys):
    monkeypatch.setenv("FANGPIN_SECRET_KEY", "short-key")
    safe.SECRET_KEY = "short-key"
    code, output = _check(capsys)
    assert code == 1
    assert "太短" in output


def test_a_data_directory_open_to_other_users_fails_the_check(safe, capsys):
    safe.DATA_DIR.chmod(0o755)
    code, output = _check(capsys)
    assert code == 1
    assert "允许其他用户访问" in output
