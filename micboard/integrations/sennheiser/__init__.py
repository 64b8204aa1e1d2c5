"""Sennheiser receivers over Sennheiser Sound Control (SSC): JSON over UDP port 45."""
