"""fuchan: turn a county's enterprise ledgers into the weekly 复工复产 report.

Importing the package has no side effects: no I/O, no font registration, no logging set-up.
"""

__version__ = "0.1.0"
