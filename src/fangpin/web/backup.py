"""`fangpin backup FILE` / `fangpin restore FILE`: the whole database, to a file and back.

SQLite: the online backup API (a consistent copy while the site keeps serving). PostgreSQL:
pg_dump / pg_restore in the custom format. Backups are written 0600: they hold the registry.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connection

from fangpin.core.errors import BadValue

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"


def database_backup(target: Path) -> None:
    target = target.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    try:
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            out = sqlite3.connect(partial)
            try:
                connection.connection.backup(out)
            finally:
                out.close()
        elif connection.vendor == "postgresql":
            _pg("pg_dump", "--format=custom", "--no-owner", f"--file={partial}")
        else:
            raise BadValue(f"不支持备份该数据库:{connection.vendor}", code="backup_unsupported")
        os.chmod(partial, 0o600)
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)


def database_restore(source: Path) -> None:
    """Replace the whole database with the backup's content."""
    if not source.is_file():
        raise BadValue(f"备份文件不存在:{source}", code="backup_missing")
    with source.open("rb") as fh:
        head = fh.read(16)
    if connection.vendor == "sqlite":
        if not head.startswith(SQLITE_MAGIC):
            raise BadValue("该文件不是 SQLite 数据库备份,无法恢复到 SQLite", code="backup_format")
        connection.ensure_connection()
        backup = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            backup.backup(connection.connection)
        finally:
            backup.close()
        connection.close()
    elif connection.vendor == "postgresql":
        if not head.startswith(PG_MAGIC):
            raise BadValue(
                "该文件不是 PostgreSQL 备份(pg_dump 自定义格式),无法恢复到 PostgreSQL",
                code="backup_format",
            )
        connection.close()
        _pg(
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            str(source),
        )
    else:
        raise BadValue(f"不支持恢复该数据库:{connection.vendor}", code="backup_unsupported")


def _pg(tool: str, *args: str) -> None:
    binary = shutil.which(tool)
    if binary is None:
        raise BadValue(f"找不到 {tool}:请安装 PostgreSQL 客户端工具", code="backup_tool_missing")
    db = connection.settings_dict
    env = {**os.environ, "PGCONNECT_TIMEOUT": "10"}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    conn = [f"--dbname={db['NAME']}"]
    if db.get("HOST"):
        conn.append(f"--host={db['HOST']}")
    if db.get("PORT"):
        conn.append(f"--port={db['PORT']}")
    if db.get("USER"):
        conn.append(f"--username={db['USER']}")
    done = subprocess.run(  # noqa: S603 (fixed tool, arguments from settings)
        [binary, *conn, *args], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise BadValue(f"{tool} 失败:{done.stderr.strip()[-500:]}", code="backup_failed")
