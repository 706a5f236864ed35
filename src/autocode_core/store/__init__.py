"""What is kept: run history, run statistics, the state folder and its lock."""
