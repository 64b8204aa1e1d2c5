"""The runnable Django project around the micboard app."""
