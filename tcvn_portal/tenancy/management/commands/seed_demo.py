from django.core.management.base import BaseCommand

from tcvn_portal.tenancy.management.demo import seed_demo


class Command(BaseCommand):
    help = "Create the demo provinces, communes, organisations and one login per role (safe to run again)."

    def handle(self, *args, **options):
        data = seed_demo()
        rows = [("Email", "Role", "Province", "Organisation")]
        rows += [(x.email, x.role, x.province, x.organization or "—") for x in data.logins]
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        self.stdout.write(self.style.SUCCESS(f"Demo logins — every password is: {data.password}"))
        for i, row in enumerate(rows):
            line = "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
            self.stdout.write("  " + line.rstrip())
            if i == 0:
                self.stdout.write("  " + "  ".join("-" * width for width in widths))
