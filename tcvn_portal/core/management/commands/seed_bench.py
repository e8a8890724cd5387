"""Fills PostgreSQL with the benchmark's national volume (tcvn_portal.bench.seed); README "Performance"."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from tcvn_portal.bench import seed


class Command(BaseCommand):
    help = "Seeds every province with the benchmark volume (scale 1: a million instruments…)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=float, default=0.01, help="1 is the national volume; 0.01 a quick run."
        )
        parser.add_argument(
            "--provinces",
            type=int,
            default=None,
            help="Only the first N provinces (tests); all 34 if not given.",
        )
        parser.add_argument("--no-analyze", action="store_true", help="Skip ANALYZE after seeding.")

    def handle(self, *args, scale: float, provinces: int | None, no_analyze: bool, **options):
        if connections["owner"].vendor != "postgresql":
            raise CommandError("seed_bench needs PostgreSQL (DATABASE_URL and DATABASE_OWNER_URL).")
        if not 0 < scale <= 10:
            raise CommandError("--scale must be above 0 and at most 10.")
        self.stdout.write(f"Seeding at scale {scale:g}…")
        try:
            report = seed.seed(scale=scale, provinces=provinces, log=self.stdout.write)
        except seed.AlreadySeeded as error:
            raise CommandError(str(error)) from error
        if not no_analyze:
            seed.analyze()
        for key, count in report.counts.items():
            self.stdout.write(f"{key:>20}: {count:>12,}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded in {report.seconds:.1f} s; largest province: tenant {report.largest_tenant_id}."
            )
        )
