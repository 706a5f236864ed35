"""Notifications: the built-in incident listener and its channels."""
