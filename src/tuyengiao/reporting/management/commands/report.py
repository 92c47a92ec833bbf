"""`tuyengiao report export --unit CODE --period 2026-H1 --format docx|pdf -o FILE`: the consolidated report."""
from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ObjectDoesNotExist
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from tuyengiao.core.vi import parse_date
from tuyengiao.reporting.consolidated import consolidated_export


class Command(BaseCommand):
    help = "Consolidated review reports (sơ kết / tổng kết). Subcommand: export."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export", help="Write the consolidated report of a receiving unit as DOCX or PDF.")
        export.add_argument("--unit", default="", help="Code of the receiving unit (default: the provincial commission).")
        export.add_argument("--period", required=True, help="Period code, e.g. 2026-H1, 2025, 2026-Q3.")
        export.add_argument("--format", choices=["docx", "pdf"], default=None,
                            help="docx or pdf (default: from the file name).")
        export.add_argument("-o", "--output", required=True, help="File to write.")
        export.add_argument("--regime", default="", help="Regime code when the unit receives several of that cycle.")
        export.add_argument("--date", default="", help="Date printed in the date line (dd/mm/yyyy; default today).")
        export.add_argument("--fresh", action="store_true", help="Build from the reports even if a saved draft exists.")

    def handle(self, *args, **options):
        output = Path(options["output"])
        fmt = options["format"] or output.suffix.lstrip(".").lower()
        if fmt not in ("docx", "pdf"):
            raise CommandError(_("Give --format docx|pdf or an output file ending in .docx or .pdf."))
        try:
            dated = parse_date(options["date"]) if options["date"] else None
        except ValueError:
            raise CommandError(_("--date must be dd/mm/yyyy."))
        try:
            data, ctx = consolidated_export(fmt=fmt, unit_code=options["unit"], period_code=options["period"],
                                            regime_code=options["regime"], dated=dated,
                                            prefer_saved=not options["fresh"])
        except (ObjectDoesNotExist, ValueError) as exc:
            raise CommandError(str(exc))
        output.write_bytes(data)
        self.stdout.write(f"{output} ({len(data):,} bytes): {ctx.title} — {' '.join(ctx.summary.split())}")
