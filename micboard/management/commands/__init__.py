"""The ``manage.py micboard_*`` commands: demo, health, resync, schedules, simulate."""
