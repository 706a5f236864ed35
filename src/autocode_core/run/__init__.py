"""Running one check once: the context it gets, the runner, its subprocesses."""
