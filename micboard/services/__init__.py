"""The service layer: every behaviour of micboard lives here, behind typed contracts."""
