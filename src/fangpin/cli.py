"""The `fangpin` console command: Django's manage.py with Fangpin's settings."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    # Everything the command writes (database, uploads, exports, logs) is the account's own.
    os.umask(0o077)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangpin.settings")
    from django.core.management import execute_from_command_line

    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["demo"]:
        # The demo serves like production, with its own key (made once, kept 0600).
        from fangpin.web.secret_key import demo_secret_key_into_environment

        demo_secret_key_into_environment()
    if args[:1] in (["serve"], ["demo"]) and "--no-serve" not in args:
        _metrics_dir_prepare()
    if args and not args[0].startswith("-") and args[0] not in {"help", "version"}:
        # Django exits 1 for an unknown command; the contract reserves 1 for bad input and 2
        # for usage errors, and a misspelt command is a usage error.
        import django
        from django.core.management import get_commands

        django.setup()
        if args[0] not in get_commands():
            sys.stderr.write(f"未知命令:{args[0]}。运行 fangpin help 查看可用命令\n")
            sys.exit(2)
    execute_from_command_line(["fangpin", *args])


def _metrics_dir_prepare() -> None:
    """A fresh folder where the server's processes count their metrics (before any of them
    imports prometheus-client); an operator's own PROMETHEUS_MULTIPROC_DIR is kept."""
    from fangpin.core.metrics_dir import MULTIPROC_ENV, multiprocess_dir_prepare
    from fangpin.datadir import data_dir

    if not os.environ.get(MULTIPROC_ENV):
        multiprocess_dir_prepare(data_dir())


if __name__ == "__main__":
    main()
