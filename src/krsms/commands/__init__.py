"""Implementations of the ``krsms`` command-line commands (``krsms.cli`` wires them up)."""
