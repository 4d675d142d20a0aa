"""Calculations on canonical frames: rates, growth, audit, facts, the report's build steps."""
