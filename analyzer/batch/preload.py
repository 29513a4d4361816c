"""What the local engine's forkserver imports before it forks workers.

Ctrl-C is ignored first: a Ctrl-C at the terminal reaches the forkserver too, and one arriving
while it imports the analyzer would print its traceback. The batch's own process handles Ctrl-C
and ends the batch; the forkserver ends when that process does.
"""

import signal

signal.signal(signal.SIGINT, signal.SIG_IGN)

import analyzer.batch.worker  # noqa: E402,F401
