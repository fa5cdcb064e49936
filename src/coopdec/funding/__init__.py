"""Calls for projects and co-financing."""
