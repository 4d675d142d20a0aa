"""Contracts and helpers every layer uses: ledger schema, params, wording, errors."""
