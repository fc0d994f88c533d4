"""``python -m krsms``: the ``krsms`` command (it needs the ``cli`` extra)."""

from krsms.cli import main

main()
