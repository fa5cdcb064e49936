"""coopdec: an open platform for international decentralised cooperation."""

__version__ = "0.1.0"
