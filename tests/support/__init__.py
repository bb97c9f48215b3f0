"""Helpers shared by test modules of several layers (the fixtures and constants of one module stay in it)."""
