from django.contrib import admin

from .models import JobRun


@admin.register(JobRun)
class JobRunAdmin(admin.ModelAdmin):
    """Runs of the scheduled jobs, read-only: they are written by the jobs themselves."""

    list_display = ("job", "run_key", "outcome", "started_at", "finished_at", "detail")
    list_filter = ("outcome", "job")
    date_hierarchy = "started_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
