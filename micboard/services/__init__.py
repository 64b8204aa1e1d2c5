"""Domain services: every write of micboard, keyword-only and typed, named ``<entity>_<action>``."""
