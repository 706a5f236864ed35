"""When checks run: the periodic scheduler and the clocks it runs on."""
