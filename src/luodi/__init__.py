"""luodi (落地): make meeting decisions land."""

__version__ = "0.1.0"
