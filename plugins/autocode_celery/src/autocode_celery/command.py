"""``autocode worker``: a Celery worker that runs check tasks (entry point ``autocode.commands``).

    autocode worker [-C PROJECT] [--broker URL] [--backend URL] [--queues a,b]
                    [--concurrency N] [--cache DIR] [--max-worktrees N] [--hostname NAME]

The broker, backend and default queue come from the ``[celery]`` section of
the project's configuration (``-C``, default the current folder) unless given.
Runs that carry a repository URL are checked out under ``--cache`` (default
``~/.cache/autocode/worker``), at most ``--max-worktrees`` kept.
"""

from __future__ import annotations

import argparse
import socket
import sys
from pathlib import Path

from autocode_celery.app import make_app
from autocode_celery.checkout import CheckoutCache
from autocode_celery.settings import settings_problem
from autocode_celery.task import register_task
from autocode_core.config.models import AutocodeConfig

__all__ = ["main"]


def _config(project: Path | None) -> AutocodeConfig:
    from autocode_core.errors import ConfigError
    from autocode_core.project import Project

    try:
        return Project(project or Path.cwd(), load_entry_points=False).config
    except ConfigError:
        return AutocodeConfig()


def main(argv: list[str]) -> int:
    """Parse ``argv`` and run the worker until it is stopped; the exit code."""
    parser = argparse.ArgumentParser(prog="autocode worker", description=__doc__.split("\n\n")[0])
    parser.add_argument("-C", "--project", type=Path, help="read [celery] from this project's configuration")
    parser.add_argument("--broker", help="broker URL (default: celery.broker_url)")
    parser.add_argument("--backend", help="result backend URL (default: celery.result_backend, else the broker)")
    parser.add_argument("--queues", help="comma-separated queues to consume (default: celery.queue)")
    parser.add_argument("--concurrency", type=int, default=1, help="runs at once (default 1)")
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "autocode" / "worker")
    parser.add_argument("--max-worktrees", type=int, default=8, help="worktrees kept in the cache (default 8)")
    parser.add_argument("--hostname", default=f"autocode@{socket.gethostname()}")
    parser.add_argument("--loglevel", default="INFO")
    args = parser.parse_args(argv)
    if not 1 <= args.concurrency <= 256 or not 1 <= args.max_worktrees <= 10_000:
        parser.error("--concurrency must be 1..256 and --max-worktrees 1..10000")
    raw = dict(_config(args.project).celery)
    raw |= {k: v for k, v in {"broker_url": args.broker, "result_backend": args.backend}.items() if v}
    settings, problem = settings_problem(raw)
    if settings is None:
        print(f"autocode worker: {problem}", file=sys.stderr)
        return 2
    app = make_app(settings)
    register_task(app, CheckoutCache(args.cache, args.max_worktrees))
    app.worker_main([
        "worker", "--pool=prefork", f"--concurrency={args.concurrency}",
        f"--queues={args.queues or settings.queue}", f"--hostname={args.hostname}",
        f"--loglevel={args.loglevel}", "--without-gossip", "--without-mingle", "--without-heartbeat",
    ])
    return 0
