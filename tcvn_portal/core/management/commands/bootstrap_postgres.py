from django.core.management.base import BaseCommand

from tcvn_portal import dbsetup


class Command(BaseCommand):
    help = "Create the owner and application roles and the database, with a PostgreSQL superuser's URL."

    def add_arguments(self, parser):
        parser.add_argument("--admin-url", required=True, help="postgres://superuser@host:port/postgres")
        parser.add_argument("--database", required=True)
        parser.add_argument("--owner-password", default=dbsetup.OWNER_ROLE)
        parser.add_argument("--app-password", default=dbsetup.APP_ROLE)

    def handle(self, *args, admin_url, database, owner_password, app_password, **options):
        dbsetup.ensure_roles(admin_url, owner_password=owner_password, app_password=app_password)
        created = dbsetup.create_database(admin_url, database)
        self.stdout.write(f"database {database}: {'created' if created else 'already there'}")
