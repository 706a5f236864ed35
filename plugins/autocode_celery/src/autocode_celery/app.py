"""The Celery application both sides use: the daemon sends, ``autocode worker`` runs.

Delivery semantics (the reason for each setting):

* ``task_acks_late`` + ``task_reject_on_worker_lost``: a run is acknowledged
  only when it finished; a worker killed mid-run leaves it unacknowledged, so
  the broker redelivers it (Redis: after ``visibility_timeout``, found by a
  sweep every fifth of it) to another worker; a run longer than the
  visibility timeout would be delivered twice, so keep it above the longest
  check timeout. The daemon records the one result under the run id: once.
* ``worker_prefetch_multiplier = 1``: a busy worker holds no runs back from an
  idle one.
* JSON only: a task carries data, never pickled objects.
"""

from __future__ import annotations

from celery import Celery

from autocode_celery.settings import CelerySettings

__all__ = ["TASK_NAME", "make_app"]

TASK_NAME = "autocode.run_check"


def make_app(settings: CelerySettings) -> Celery:
    """A Celery app for ``settings`` (the task is registered by ``autocode_celery.task``)."""
    app = Celery("autocode", broker=settings.broker_url, backend=settings.backend, set_as_current=False)
    timeout = settings.connect_timeout_seconds
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        task_default_queue=settings.queue,
        result_expires=86_400,
        broker_connection_retry_on_startup=True,
        broker_connection_timeout=timeout,
        broker_transport_options={
            "visibility_timeout": settings.visibility_timeout_seconds,
            # sweep for runs of dead workers every fifth of the visibility timeout (at most 10 s)
            "unacked_restore_interval": min(10.0, max(1.0, settings.visibility_timeout_seconds / 5)),
            "unacked_restore_throttle": 1,
            "socket_connect_timeout": timeout,
            "socket_timeout": max(timeout, 5.0),
        },
        result_backend_transport_options={"socket_connect_timeout": timeout},
        redis_socket_connect_timeout=timeout,
        redis_socket_timeout=max(timeout, 5.0),
        worker_hijack_root_logger=False,
    )
    return app
