"""The HTTP API and live dashboard of autocode (the ``autocode-core[server]`` extra).

Importing this package imports FastAPI and uvicorn, so ``autocode daemon``
learns at once whether the extra is installed.

* ``create_app(daemon)``: the FastAPI application (JSON API, ``/docs``,
  ``/health/*``, ``/metrics``, ``/api/events``, the dashboard at ``/``);
* ``service(daemon, *, task_status)``: a daemon service that serves it with
  uvicorn in the daemon's task group on ``api.host``/``api.port``;
* ``HttpService``: the same as an object that tells its port (``port``, ``url``);
* ``server_address(daemon)``: where the daemon's server listens.
"""

import fastapi  # noqa: F401  (eager: an ImportError here means the extra is missing)
import uvicorn  # noqa: F401

from autocode_core.server.app import create_app
from autocode_core.server.service import HttpService, server_address, service

__all__ = ["HttpService", "create_app", "server_address", "service"]
