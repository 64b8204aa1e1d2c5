"""micboard: distributed monitoring of wireless microphone systems."""

__version__ = "26.11.26"
