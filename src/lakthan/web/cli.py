"""`lakthan serve` and `lakthan notify`"""

from __future__ import annotations

import os
import shutil
import sys
import warnings

import click


@click.command()
def worker() -> None:
    """Run the background and periodic jobs (backups, log sealing and detection, notifications)."""
    import logging

    from django.conf import settings
    from django.utils.module_loading import autodiscover_modules
    from huey.consumer_options import ConsumerConfig
    from huey.contrib.djhuey import HUEY

    # What huey's `run_huey` management command does (huey is not an installed app, see settings.py).
    autodiscover_modules("tasks")
    config = ConsumerConfig(**settings.HUEY.get("consumer", {}))
    config.validate()
    logger = logging.getLogger("huey")
    if not logger.handlers:
        config.setup_logger(logger)
        logger.propagate = False  # its own handler prints it; the root's would print every line again
    HUEY.create_consumer(**config.values).run()


@click.command()
@click.option("--addr", default="127.0.0.1:8000", show_default=True)
@click.option("--production", is_flag=True, help="gunicorn with static files served by whitenoise")
@click.option("--demo", is_flag=True, help="serve the demo that `lakthan demo` built ($LAKTHAN_HOME/demo)")
@click.option(
    "--workers", default=0, type=int, help="gunicorn workers (production; default 2 × CPUs + 1, at most 9)"
)
def serve(addr: str, production: bool, workers: int, demo: bool) -> None:
    """Run the web application on loopback (development server, or gunicorn with --production)."""
    from django.conf import settings
    from django.core.management import call_command

    click.echo(f"Lakthan on http://{addr}/ (data in {settings.LAKTHAN_HOME})")
    _how_to_sign_in(settings.LAKTHAN_HOME)
    if not production:
        # DEBUG stays off (no error pages full of settings), so runserver serves the static files only
        # when asked: from the apps' folders through Django's finders, no collectstatic needed.
        # STATIC_ROOT is --production's, so WhiteNoise's warning that it has none is beside the point.
        warnings.filterwarnings("ignore", message="No directory at", module="django.core.handlers.base")
        call_command("runserver", addr, use_reloader=False, insecure_serving=True)
        return
    call_command("collectstatic", interactive=False, verbosity=0)
    gunicorn = shutil.which("gunicorn", path=os.path.dirname(sys.executable)) or shutil.which("gunicorn")
    if gunicorn is None:
        raise click.ClickException("gunicorn is not installed")
    n = workers or min(9, 2 * (os.cpu_count() or 1) + 1)
    args = [
        gunicorn,
        "lakthan.wsgi:application",
        "--bind",
        addr,
        "--workers",
        str(n),
        "--threads",
        "2",
        "--access-logfile",
        "-",
        "--timeout",
        "120",
        "--max-requests",
        "2000",
        "--max-requests-jitter",
        "200",
        "--forwarded-allow-ips",
        settings.LAKTHAN_FORWARDED_ALLOW_IPS,
    ]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lakthan.settings")
    os.execv(gunicorn, args)


def _how_to_sign_in(home) -> None:
    """The demo's logins when serving a demo; on a home without any account, how to make the first."""
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from lakthan.demo import demo_home

    logins = home / "demo-logins.txt"
    if logins.exists():
        for line in logins.read_text().splitlines():
            user, _, password = line.partition(" ")
            click.echo(f"demo login: {user} / {password}")
        if settings.LAKTHAN_REQUIRE_2FA:
            click.echo("administrators and supervisors set up a TOTP app on their first sign-in")
    elif not get_user_model().objects.exists():
        click.echo("no account here yet: `lakthan user create NAME --admin` makes the first administrator")
        if (demo_home() / "demo-logins.txt").exists():
            click.echo(f"the demo is in {demo_home()}: `lakthan serve --demo` serves it")


@click.command()
@click.option("--dry-run", is_flag=True, help="count what would be sent, send nothing")
def notify(dry_run: bool) -> None:
    """Send due notifications (expiring evidence, failing controls, rounds closing); run it daily."""
    from lakthan.web.notify import send_all

    counts = send_all(dry_run=dry_run)
    click.echo(
        f"events {counts['events']}, emails {counts['email']}, webhooks {counts['webhook']}, failed {counts['failed']}"
    )
    if counts["failed"]:
        sys.exit(1)


COMMANDS = [serve, worker, notify]
