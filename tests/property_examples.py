"""How many generated cases a property test tries.

The full suite (the README's test command, CI) tries every one a test asks for. The fast loop
(`pytest -m "not slow"`, run again and again while editing) tries a quarter of them: enough to
catch a rule broken outright within seconds, while the full run keeps the search as deep as the
test was written for. This is hypothesis's own "dev and CI profiles" practice; conftest says
which run this is before the test modules are imported.
"""

FAST_LOOP_SHARE = 4
fast_loop = False


def examples(full: int) -> int:
    """`full` in the full suite, a quarter of it (at least 10) in the fast loop."""
    return max(10, full // FAST_LOOP_SHARE) if fast_loop else full
