"""File watching: checks run when the files they watch change.

The parts, in the order a change goes through them:

* ``service``: ``FileWatcher``, the daemon service over ``watchfiles.awatch``
  (debouncing, polling fallback, the project folder deleted and recreated);
* ``ignore``: what never runs a check (``.git/`` internals except commit,
  checkout and stage moves, the state folder, declared outputs, what git ignores);
* ``matching``: each check's gitignore-style ``watch`` patterns;
* ``dispatch``: one queue per check and its ``on_busy`` policy;
* ``status``: ``WatchStatus``, the watcher in the daemon's snapshot;
* ``limits``: recognising the operating system's watch limit.

Turned on by ``AutocodeDaemon(watch=True)`` (``autocode daemon`` and
``autocode watch`` do) with ``daemon.watch.enabled``. Importing this package
imports nothing else (start-up time); import the modules you use.
"""
