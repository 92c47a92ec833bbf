"""Console entry point `tuyengiao`: Django's manage.py with the project settings."""
import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tuyengiao.settings.dev")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else ["tuyengiao", *argv])
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
