"""Background jobs: a batch is screened by the django-q2 worker, never in the request.

django-q2 with its ORM broker needs nothing beyond the database the app already uses
(SQLite or PostgreSQL) and can use Redis when configured; `fangpin qcluster` runs the worker.
Tests set Q_CLUSTER sync, which runs the job in the calling process.
"""

from __future__ import annotations

from django_q.tasks import async_task


def batch_enqueue(batch_id: int) -> None:
    async_task(
        "fangpin.screening.jobs.batch_job",
        batch_id,
        task_name=f"screening-batch-{batch_id}",
        group="screening",
    )


def batch_job(batch_id: int) -> str:
    from .services import batch_run

    batch = batch_run(batch_id=batch_id)
    return batch.status
