"""Strategies, results monitoring and principles."""
