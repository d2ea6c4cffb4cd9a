"""Files that hold personal data are the server account's alone: 0600 files, 0700 folders.

The process umask (0o077, set in settings and by the `fangpin` command) makes new files
private already; these helpers say so explicitly where the code itself writes, so a process
started with another umask (a test runner, a server wrapper) still leaves nothing readable.
"""

from __future__ import annotations

import os
from pathlib import Path

FILE_MODE = 0o600
FOLDER_MODE = 0o700
UMASK = 0o077


def private_folder(path: Path) -> Path:
    """Make `path` (and missing parents) a 0700 folder; return it."""
    path.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    path.chmod(FOLDER_MODE)
    return path


def private_file(path: Path) -> Path:
    path.chmod(FILE_MODE)
    return path


def private_tree(root: Path) -> None:
    """Make every folder under `root` (itself included) 0700 and every file 0600."""
    if not root.exists():
        return
    root.chmod(FOLDER_MODE)
    for folder, folders, files in os.walk(root):
        for name in folders:
            Path(folder, name).chmod(FOLDER_MODE)
        for name in files:
            target = Path(folder, name)
            if not target.is_symlink():
                target.chmod(FILE_MODE)
