"""Tools for plugin authors: git, project files, atomic writes, per-check state."""
