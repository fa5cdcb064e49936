"""Citizen participation."""
