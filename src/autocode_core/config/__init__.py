"""Configuration: the models, where values come from, and how they resolve per check."""
