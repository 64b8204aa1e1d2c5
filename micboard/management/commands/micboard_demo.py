"""``manage.py micboard_demo``: a live demo venue of simulated receivers; Ctrl-C stops it all."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from micboard.devtools.broker import BrokerUnavailableError
from micboard.devtools.demo import (
    DEMO_DRAIN,
    DEMO_SLUG,
    Credentials,
    DemoOptions,
    admin_credentials,
    demo_venue,
    flower_credentials,
    start_broker,
    start_processes,
    wait_until_online,
)
from micboard.devtools.demo_performers import demo_group, demo_performers
from micboard.devtools.processes import ProcessGroup, StopSignal, stopping_on_signals, tail
from micboard.services.api_tokens import api_token_issue
from micboard.simulator import ALL_FAMILIES_MODELS, DEMO_MODELS


class Command(BaseCommand):
    help = "Run the demo: simulator, worker, beat, Flower and the web server."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--receivers", type=int, help="default: 8, or 16 with --all-families")
        parser.add_argument(
            "--all-families",
            action="store_true",
            help="every family: ULX-D, QLX-D, SLX-D, Axient Digital, UHF-R, PSM1000, EW-DX, "
            "SpeechLine Digital Wireless and Digital 6000",
        )
        parser.add_argument("--web-port", type=int, default=8000)
        parser.add_argument("--flower-port", type=int, default=5555)
        parser.add_argument("--simulator-base-port", type=int, default=24000)
        parser.add_argument("--poll-interval", type=int, default=5)
        parser.add_argument(
            "--drain",
            type=float,
            default=DEMO_DRAIN,
            help=f"battery minutes drained per second (default {DEMO_DRAIN}; 0: none)",
        )
        parser.add_argument("--log-dir", type=Path, default=Path("var/log"))
        parser.add_argument(
            "--exit-after",
            type=float,
            default=0.0,
            help="stop after N seconds (0 = run until Ctrl-C)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        models = ALL_FAMILIES_MODELS if options["all_families"] else DEMO_MODELS
        demo = DemoOptions(
            receivers=options["receivers"] or (len(models) if options["all_families"] else 8),
            models=models,
            simulator_base_port=options["simulator_base_port"],
            web_port=options["web_port"],
            flower_port=options["flower_port"],
            poll_interval=options["poll_interval"],
            log_dir=options["log_dir"],
            drain=options["drain"],
        )
        group = ProcessGroup(demo.log_dir)
        with stopping_on_signals():
            self._run(group, demo, options["exit_after"])

    def _run(self, group: ProcessGroup, demo: DemoOptions, exit_after: float) -> None:
        try:
            try:
                self.stdout.write(start_broker(group, settings.REDIS_URL))
            except BrokerUnavailableError as error:
                raise CommandError(str(error)) from None
            call_command("migrate", interactive=False, verbosity=0)
            venue = demo_venue(demo)
            cast = demo_performers(venue)
            admin, flower = admin_credentials(), flower_credentials()
            token = api_token_issue(username=admin.username, label="micboard_demo")
            start_processes(group, venue, demo, flower)
            self._announce(demo, admin, flower, token)
            began = time.monotonic()
            online = wait_until_online(
                venue, seconds=30, still_running=lambda: self._check_alive(group)
            )
            group_made = demo_group(venue)
            self.stdout.write(
                f"{online} of {demo.receivers} receivers online after "
                f"{time.monotonic() - began:.1f} s; {cast} channels have a performer"
                + (f", key {group_made.number} shows {group_made.title}" if group_made else "")
                + ". Ctrl-C stops the demo."
            )
            self._supervise(group, exit_after)
        except KeyboardInterrupt:
            self.stdout.write("\nstopping…")
        except StopSignal as stop:
            self.stdout.write(f"\n{stop}: stopping…")
        finally:
            group.stop_all()
            self.stdout.write("demo stopped.")

    def _announce(
        self, demo: DemoOptions, admin: Credentials, flower: Credentials, token: str
    ) -> None:
        last_port = demo.simulator_base_port + demo.receivers - 1
        self.stdout.write(
            "\nmicboard demo is running\n"
            f"  admin      http://127.0.0.1:{demo.web_port}/admin/"
            f"  user {admin.username}  password {admin.password}\n"
            f"  wall       http://127.0.0.1:{demo.web_port}/wall/{DEMO_SLUG}/"
            "  (log in as the admin user)\n"
            f"  api        http://127.0.0.1:{demo.web_port}/api/v1/"
            f"  token {token}  (Authorization: Token …; also make -s token)\n"
            f"  flower     http://127.0.0.1:{demo.flower_port}/"
            f"  user {flower.username}  password {flower.password}\n"
            f"  simulator  127.0.0.1:{demo.simulator_base_port}-{last_port}\n"
            f"  logs       {demo.log_dir}/<simulator|worker|beat|flower|web>.log\n"
        )

    def _supervise(self, group: ProcessGroup, exit_after: float) -> None:
        started = time.monotonic()
        while not exit_after or time.monotonic() - started < exit_after:
            self._check_alive(group)
            time.sleep(0.5)

    @staticmethod
    def _check_alive(group: ProcessGroup) -> None:
        dead = group.first_exited()
        if dead is not None:
            raise CommandError(
                f"{dead.name} exited with code {dead.process.returncode}; last lines of "
                f"{dead.log_path}:\n{tail(dead.log_path)}"
            )
