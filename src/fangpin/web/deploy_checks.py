"""What `fangpin check-deploy` refuses: settings that are unsafe for a production server.

Ours first (in Chinese), then whatever Django's own `check --deploy` finds that ours does not
already say. Without FANGPIN_HTTPS the HTTPS-only items (HSTS, redirect, secure cookies) are
a note, not a failure: the site may sit behind a TLS proxy that is configured elsewhere.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from django.conf import settings
from django.core import checks

MIN_KEY_LENGTH = 50
_HTTPS_ONLY = {"security.W004", "security.W008", "security.W012", "security.W016"}
# Django's checks that ours already cover, or that are advice rather than a risk.
_COVERED = {
    "security.W001",
    "security.W005",
    "security.W009",
    "security.W018",
    "security.W020",
    "security.W021",
}
_DJANGO_TEXT = {
    "security.W002": "未启用 XFrameOptionsMiddleware(页面可被嵌入其他网站)",
    "security.W006": "未设置 SECURE_CONTENT_TYPE_NOSNIFF",
    "security.W019": "X_FRAME_OPTIONS 不是 DENY",
    "security.W022": "未设置 Referrer-Policy",
}


def _font_problems() -> list[str]:
    from fangpin.monitoring import pdf

    try:
        pdf.cjk_font()
    except pdf.MissingCJKFont as missing:
        return [str(missing)]
    return []


def deploy_problems() -> tuple[list[str], list[str]]:
    """(problems that fail the check, notes that do not)."""
    problems: list[str] = []
    notes: list[str] = []
    https = bool(getattr(settings, "FANGPIN_HTTPS", False))
    if settings.DEBUG:
        problems.append("调试模式已开启(FANGPIN_DEBUG):出错时会向用户显示源代码和配置")
    key = str(settings.SECRET_KEY or "")
    if key == settings.FANGPIN_DEV_SECRET or not os.environ.get("FANGPIN_SECRET_KEY"):
        problems.append("未设置 FANGPIN_SECRET_KEY,正在使用公开的内置开发密钥")
    elif len(key) < MIN_KEY_LENGTH or len(set(key)) < 5:
        problems.append(f"FANGPIN_SECRET_KEY 太短或太简单(至少 {MIN_KEY_LENGTH} 个随机字符)")
    hosts = list(settings.ALLOWED_HOSTS)
    if "*" in hosts or not hosts:
        problems.append("FANGPIN_ALLOWED_HOSTS 含有 * 或为空:应只列出本系统的域名或地址")
    if "csp.middleware.CSPMiddleware" not in settings.MIDDLEWARE:
        problems.append("未启用内容安全策略(CSPMiddleware)")
    if "django.middleware.security.SecurityMiddleware" not in settings.MIDDLEWARE:
        problems.append("未启用 SecurityMiddleware")
    if https:
        if not settings.SESSION_COOKIE_SECURE:
            problems.append("已启用 HTTPS,但会话 Cookie 未设置 Secure(SESSION_COOKIE_SECURE)")
        if not settings.CSRF_COOKIE_SECURE:
            problems.append("已启用 HTTPS,但 CSRF Cookie 未设置 Secure(CSRF_COOKIE_SECURE)")
        if not settings.SECURE_HSTS_SECONDS:
            problems.append("已启用 HTTPS,但未设置 HSTS(SECURE_HSTS_SECONDS)")
    else:
        notes.append(
            "未设置 FANGPIN_HTTPS=1:请确认前面有 HTTPS 反向代理;否则密码和个人信息以明文传输"
        )
    if not settings.SESSION_COOKIE_HTTPONLY:
        problems.append("会话 Cookie 可被页面脚本读取(SESSION_COOKIE_HTTPONLY 未开启)")
    problems.extend(_data_dir_problems(Path(settings.DATA_DIR)))
    problems.extend(_font_problems())
    for message in checks.run_checks(include_deployment_checks=True):
        if message.level < checks.WARNING or message.id in _COVERED:
            continue
        if message.id in _HTTPS_ONLY:
            if https:
                problems.append(f"HTTPS 设置不完整({message.id}):{message.msg}")
            continue
        text = _DJANGO_TEXT.get(message.id or "", message.msg)
        problems.append(f"Django 检查 {message.id}:{text}")
    return problems, notes


def _data_dir_problems(data_dir: Path) -> list[str]:
    try:
        mode = data_dir.stat().st_mode
    except OSError:
        return []
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        return [f"数据目录 {data_dir} 允许其他用户访问(权限应为 0700)"]
    return []
