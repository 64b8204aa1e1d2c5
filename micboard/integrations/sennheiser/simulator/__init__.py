"""Simulated Sennheiser receivers answering SSC over UDP as the developer's guides show."""
