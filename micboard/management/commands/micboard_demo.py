"""``manage.py micboard_demo``: a live demo venue of simulated receivers; Ctrl-C stops it all."""

from __future__ import annotations

import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from micboard.devtools.demo import (
    DemoOptions,
    admin_credentials,
    demo_venue,
    flower_credentials,
    start_processes,
    wait_until_online,
)
from micboard.devtools.processes import ProcessGroup, tail


class Command(BaseCommand):
    help = "Run the demo: simulator, worker, beat, Flower and the web server."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--receivers", type=int, default=8)
        parser.add_argument("--web-port", type=int, default=8000)
        parser.add_argument("--flower-port", type=int, default=5555)
        parser.add_argument("--simulator-base-port", type=int, default=24000)
        parser.add_argument("--poll-interval", type=int, default=5)
        parser.add_argument(
            "--exit-after", type=float, default=0.0, help="stop after N seconds (0 = run until Ctrl-C)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        demo = DemoOptions(
            receivers=options["receivers"],
            simulator_base_port=options["simulator_base_port"],
            web_port=options["web_port"],
            flower_port=options["flower_port"],
            poll_interval=options["poll_interval"],
        )
        call_command("migrate", interactive=False, verbosity=0)
        venue = demo_venue(demo)
        admin = admin_credentials()
        flower = flower_credentials()
        group = ProcessGroup(demo.log_dir)
        try:
            start_processes(group, venue, demo, flower)
            self._announce(demo, admin.username, admin.password, flower.username, flower.password)
            online = wait_until_online(venue, seconds=30)
            self.stdout.write(f"{online} of {demo.receivers} receivers online. Ctrl-C stops the demo.")
            self._supervise(group, options["exit_after"])
        except KeyboardInterrupt:
            self.stdout.write("\nstopping…")
        finally:
            group.stop_all()
            self.stdout.write("demo stopped.")

    def _announce(self, demo: DemoOptions, user: str, password: str, fuser: str, fpass: str) -> None:
        self.stdout.write(
            "\nmicboard demo is starting\n"
            f"  admin       http://127.0.0.1:{demo.web_port}/admin/   user {user}  password {password}\n"
            f"  flower      http://127.0.0.1:{demo.flower_port}/        user {fuser}  password {fpass}\n"
            f"  simulator   127.0.0.1:{demo.simulator_base_port}-{demo.simulator_base_port + demo.receivers - 1}\n"
            f"  logs        {demo.log_dir}/<simulator|worker|beat|flower|web>.log\n"
        )

    def _supervise(self, group: ProcessGroup, exit_after: float) -> None:
        started = time.monotonic()
        while not exit_after or time.monotonic() - started < exit_after:
            dead = group.first_exited()
            if dead is not None:
                self.stderr.write(
                    f"{dead.name} exited with code {dead.process.returncode}; last lines of "
                    f"{dead.log_path}:\n{tail(dead.log_path)}"
                )
                raise SystemExit(1)
            time.sleep(0.5)
