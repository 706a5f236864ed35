"""Plugins: the hook contract, the ``CheckPlugin`` base class, loading and calling them."""
