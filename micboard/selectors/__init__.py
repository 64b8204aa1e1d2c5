"""Selectors: every read the API, admin, wall and commands make, at a fixed number of queries."""
