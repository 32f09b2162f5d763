"""Batch runs: the runner behind `kam run`."""
