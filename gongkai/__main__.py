"""The `gongkai` command: Django's management commands with Gongkai's settings."""

import os
import signal
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.config.settings.dev")
    # `gongkai orgs list | head` ends quietly, as other command-line tools do.
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["gongkai", *sys.argv[1:]])


if __name__ == "__main__":
    main()
