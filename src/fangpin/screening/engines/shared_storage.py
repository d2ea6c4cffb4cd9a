"""Shared storage for a Spark cluster: the files a batch needs, where every node reads them.

The worker keeps the registry export and the batches on its own disk (`screening.export`,
`services.common.batch_dir`); an executor on another machine cannot read them there. `put`
copies a file (or a folder of Parquet parts) to the shared storage once: the copy is named by
the original's path, size and modification time, so an unchanged registry part is not copied
again for the next batch, and a changed one never overwrites a copy another run may read.
Files already on the shared storage are used in place.

Layout under FANGPIN_SHARED_STORAGE: `registry/<stamp>/part-NNNNNN.parquet` and
`registry/<stamp>/monitored.parquet` (the registry snapshot), `matched/<stamp>/...` (earlier
batches' matched rows), `batches/<batch id>/` (the batch and its matched rows while it runs;
removed after the run, once the matched rows are copied back to the worker).
"""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path

import pyarrow.fs as pafs


class SharedStorage:
    def __init__(self, root: str) -> None:
        self.root = root.rstrip("/") or "/"
        self.local = "://" not in root
        if self.local:
            self.fs: pafs.FileSystem = pafs.LocalFileSystem()
            self.base = self.root
        else:
            # pyarrow names S3 `s3://`; Spark's Hadoop connector, `s3a://`.
            uri = "s3://" + root[len("s3a://") :] if root.startswith("s3a://") else root
            self.fs, self.base = pafs.FileSystem.from_uri(uri)

    def uri(self, rel: str) -> str:
        """The name Spark reads `rel` by (`file://` for a mounted folder: a bare path would
        be taken as one on the cluster's default file system, often HDFS)."""
        return f"file://{self.base}/{rel}" if self.local else f"{self.root}/{rel}"

    def inside(self, path: Path) -> bool:
        if not self.local:
            return False
        return path.resolve().is_relative_to(Path(self.base).resolve())

    def put(self, path: Path, area: str) -> str:
        """The file or folder `path` on the shared storage (copied once), as Spark names it."""
        if self.inside(path):
            return f"file://{path.resolve()}"
        stamp = _stamp(path)
        rel = f"{area}/{stamp}/{path.name}"
        target = f"{self.base}/{rel}"
        if self.fs.get_file_info(target).type == pafs.FileType.NotFound:
            partial = f"{self.base}/{area}/.partial-{uuid.uuid4().hex}"
            self.fs.create_dir(partial, recursive=True)
            pafs.copy_files(  # a folder is copied with everything in it
                str(path.resolve()),
                f"{partial}/{path.name}",
                source_filesystem=pafs.LocalFileSystem(),
                destination_filesystem=self.fs,
            )
            self.fs.create_dir(f"{self.base}/{area}/{stamp}", recursive=True)
            # A rename, so that a reader never sees half a file (atomic on a POSIX mount and
            # HDFS; on S3 a copy, still complete before it is visible).
            self.fs.move(f"{partial}/{path.name}", target)
            self.fs.delete_dir(partial)
        return self.uri(rel)

    def fetch(self, rel: str, dest: Path) -> None:
        """Copy the Parquet files of folder `rel` into the local folder `dest`."""
        dest.mkdir(parents=True, exist_ok=True)
        selector = pafs.FileSelector(f"{self.base}/{rel}", allow_not_found=True)
        for info in self.fs.get_file_info(selector):
            if info.type == pafs.FileType.File and info.base_name.endswith(".parquet"):
                pafs.copy_files(
                    info.path,
                    str(dest / info.base_name),
                    source_filesystem=self.fs,
                    destination_filesystem=pafs.LocalFileSystem(),
                )

    def remove(self, rel: str) -> None:
        target = f"{self.base}/{rel}"
        if self.fs.get_file_info(target).type != pafs.FileType.NotFound:
            self.fs.delete_dir(target)


def _stamp(path: Path) -> str:
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    digest = hashlib.sha256(str(path.resolve()).encode())
    for f in files:
        stat = f.stat()
        digest.update(f"{f.name}:{stat.st_size}:{stat.st_mtime_ns};".encode())
    return digest.hexdigest()[:16]
