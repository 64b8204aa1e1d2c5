"""Development helpers: getting a broker, running the demo's processes."""
