"""The runtime: ``AutocodeDaemon``, its events, listeners and health."""
