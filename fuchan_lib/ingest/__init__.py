"""Reading ledgers: messy Excel/CSV into canonical frames, and blank ledgers to fill in."""
