"""Results files of bulk sends from the command line, and what ``--resume`` skips.

Results are appended batch by batch and flushed
(:class:`~krsms.commands.results.files.ResultsFile`, CSV or JSON lines as the suffix says),
so a Ctrl-C loses nothing and ``--resume`` can skip what already settled
(:func:`~krsms.commands.results.reading.settled_recipients`). Before a batch is sent its
recipients are noted in a journal beside the results
(:func:`~krsms.commands.results.journal.journal_path`), and marked settled once their rows
are written: after a crash or a kill, ``--resume`` records those it had in flight as UNKNOWN
(:func:`~krsms.commands.results.journal.recover_in_flight`) instead of sending them again,
reading the journal line by line and keeping only the batches not marked settled. A
recipient is skipped only when a settled results row has both its reference (line number)
and its number, so a results file of another campaign, or a recipients file edited between
runs, never makes ``--resume`` skip the wrong people. One run at a time holds a results file
(:func:`~krsms.commands.results.lock.exclusive_use`), and a last row a crash tore is mended
before appending.

One concept a module:

- :mod:`krsms.commands.results.files`: the rows appended batch by batch, flushed;
- :mod:`krsms.commands.results.rows`: what a row holds, as CSV or JSON lines;
- :mod:`krsms.commands.results.checks`: a results file a send must not append to, refused
  before the run;
- :mod:`krsms.commands.results.lock`: one run at a time on a results file;
- :mod:`krsms.commands.results.mending`: a last row a crash tore, mended before appending;
- :mod:`krsms.commands.results.journal`: the journal of the batches in flight, and the
  recovery of what a stopped run left in it;
- :mod:`krsms.commands.results.reading`: the rows read back, for what ``--resume`` skips.

Whatever goes wrong reading or opening a file raises
:class:`~krsms.commands.bad_files.BadFileError`, which names the file.
"""
