"""Alerts: rules evaluated after each batch write, their lifecycle, the outbox and delivery."""
