from django.core.management.base import BaseCommand

from tcvn_portal.reports.schedule import setup_schedule


class Command(BaseCommand):
    help = "Creates or updates the periodic tasks of every scheduled job (idempotent)."

    def handle(self, *args, **options):
        for name in setup_schedule():
            self.stdout.write(f"scheduled: {name}")
