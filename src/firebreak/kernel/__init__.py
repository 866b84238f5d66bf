"""Kernel: settings, clock and the error tree every stage of the pipeline shares."""
