"""Where and how the Spark engine runs, read from the environment (see docs/spark.md).

- FANGPIN_SPARK_MASTER: `local[*]` (default), `local[N]`, `spark://host:7077` (a standalone
  cluster; several masters for standby: `spark://h1:7077,h2:7077`), `yarn` or
  `k8s://https://host:port`.
- FANGPIN_SHARED_STORAGE: a directory (or `file://`, `hdfs://`, `s3a://` URI) that the worker
  and every Spark node reach under the same name. When set, the registry's Parquet snapshot,
  the batch and the earlier batches' matched rows are put there before Spark reads them, and
  the matched rows are written there. Required with a cluster master: an executor on another
  machine cannot read the worker's local files.
- FANGPIN_SPARK_DRIVER_MEMORY (or the older FANGPIN_SPARK_MEMORY), FANGPIN_SPARK_EXECUTOR_MEMORY:
  JVM sizes such as `4g` or `512m`. In local mode the driver runs the tasks.
- FANGPIN_SPARK_PARTITIONS: shuffle partitions (`spark.sql.shuffle.partitions`).
- FANGPIN_SPARK_CONF: any other Spark settings, `key=value` separated by `;` or new lines
  (`spark-defaults.conf` in SPARK_CONF_DIR is read by Spark itself, before these).
A wrong value stops the engine with a Chinese message naming the variable.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlparse

from django.core.exceptions import ImproperlyConfigured

DEFAULT_MASTER = "local[*]"
_LOCAL = re.compile(r"local(\[(\*|[1-9]\d*)(,[1-9]\d*)?\])?")
_HOST_PORT = r"[A-Za-z0-9]([A-Za-z0-9.\-]*[A-Za-z0-9])?:[1-9]\d{0,4}"
_STANDALONE = re.compile(rf"spark://{_HOST_PORT}(,{_HOST_PORT})*")
_K8S = re.compile(rf"k8s://https?://{_HOST_PORT}")
_MEMORY = re.compile(r"[1-9]\d*[kmgt]?", re.IGNORECASE)
_KEY = re.compile(r"spark\.[A-Za-z0-9_.\-]+")
STORAGE_SCHEMES = ("file", "hdfs", "s3a")
# Set from the variables above; FANGPIN_SPARK_CONF may not set them a second way.
_OWN_KEYS = frozenset(
    {
        "spark.master",
        "spark.driver.memory",
        "spark.executor.memory",
        "spark.sql.shuffle.partitions",
    }
)


@dataclass(frozen=True)
class SparkConfig:
    master: str
    driver_memory: str
    executor_memory: str | None
    shuffle_partitions: int
    shared_storage: str | None  # a directory path, or a URI Spark reads (hdfs://, s3a://)
    extra: tuple[tuple[str, str], ...] = ()

    @property
    def local(self) -> bool:
        return self.master.startswith("local")

    def spark_conf(self) -> dict[str, str]:
        """Every setting the session is built with (the product's own, then the extra)."""
        conf = {
            "spark.ui.enabled": "false",
            "spark.ui.showConsoleProgress": "false",
            "spark.sql.session.timeZone": "UTC",
            "spark.driver.memory": self.driver_memory,
            "spark.sql.shuffle.partitions": str(self.shuffle_partitions),
        }
        if self.executor_memory:
            conf["spark.executor.memory"] = self.executor_memory
        conf.update(self.extra)
        return conf


def spark_config(environ: Mapping[str, str] | None = None) -> SparkConfig:
    """The configuration from the environment (default: `os.environ`), checked."""
    env = os.environ if environ is None else environ
    master = env.get("FANGPIN_SPARK_MASTER", "").strip() or DEFAULT_MASTER
    if not any(p.fullmatch(master) for p in (_LOCAL, _STANDALONE, _K8S)) and master != "yarn":
        raise ImproperlyConfigured(
            f"FANGPIN_SPARK_MASTER 无效:“{master}”。应为 local[*]、local[N](本机 N 个线程)、"
            "spark://主机:端口(如 spark://10.0.0.5:7077)、yarn 或 k8s://https://主机:端口"
        )
    driver = _memory(
        env,
        "FANGPIN_SPARK_DRIVER_MEMORY",
        env.get("FANGPIN_SPARK_DRIVER_MEMORY") or env.get("FANGPIN_SPARK_MEMORY") or "2g",
    )
    executor = env.get("FANGPIN_SPARK_EXECUTOR_MEMORY", "").strip() or None
    if executor is not None:
        executor = _memory(env, "FANGPIN_SPARK_EXECUTOR_MEMORY", executor)
    partitions_text = env.get("FANGPIN_SPARK_PARTITIONS", "").strip() or "8"
    if not partitions_text.isdigit() or int(partitions_text) < 1:
        raise ImproperlyConfigured(
            f"FANGPIN_SPARK_PARTITIONS 无效:“{partitions_text}”。应为正整数(如 200)"
        )
    storage = _storage(env.get("FANGPIN_SHARED_STORAGE", "").strip() or None)
    if storage is None and not master.startswith("local"):
        raise ImproperlyConfigured(
            "使用 Spark 集群(FANGPIN_SPARK_MASTER 不是 local)时必须设置 FANGPIN_SHARED_STORAGE:"
            "集群各节点都能访问的共享存储目录"
        )
    return SparkConfig(
        master=master,
        driver_memory=driver,
        executor_memory=executor,
        shuffle_partitions=int(partitions_text),
        shared_storage=storage,
        extra=_extra(env.get("FANGPIN_SPARK_CONF", "")),
    )


def _memory(env: Mapping[str, str], name: str, value: str) -> str:
    value = value.strip()
    if not _MEMORY.fullmatch(value):
        raise ImproperlyConfigured(f"{name} 无效:“{value}”。应为内存大小,如 4g 或 512m")
    return value.lower()


def _storage(value: str | None) -> str | None:
    if value is None:
        return None
    parsed = urlparse(value)
    if parsed.scheme == "" and value.startswith("/"):
        return value.rstrip("/") or "/"
    if parsed.scheme == "file" and parsed.path.startswith("/"):
        return parsed.path.rstrip("/") or "/"
    if parsed.scheme in STORAGE_SCHEMES and parsed.netloc:
        return value.rstrip("/")
    raise ImproperlyConfigured(
        f"FANGPIN_SHARED_STORAGE 无效:“{value}”。应为绝对路径(各节点挂载于同一路径的共享目录)"
        "或 file://、hdfs://、s3a:// 地址"
    )


def _extra(text: str) -> tuple[tuple[str, str], ...]:
    pairs = []
    for item in re.split(r"[;\n]", text):
        item = item.strip()
        if not item or item.startswith("#"):
            continue
        key, sep, value = item.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or not _KEY.fullmatch(key) or not value:
            raise ImproperlyConfigured(
                f"FANGPIN_SPARK_CONF 中的“{item}”无效:应为 spark.配置项=值,多项以分号或换行分隔"
            )
        if key in _OWN_KEYS:
            raise ImproperlyConfigured(
                f"FANGPIN_SPARK_CONF 不能设置 {key}:请用对应的 FANGPIN_SPARK_* 环境变量"
            )
        pairs.append((key, value))
    return tuple(pairs)
