"""Tasks the broker refused, kept until it takes them (a platform table: no tenant, no row-level security;
a tenant task's tenant travels in its kwargs as `tenant_id`, as on the broker)."""

from __future__ import annotations

from django.db import models


class OutboxTask(models.Model):
    task_name = models.CharField(max_length=200)
    kwargs = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.task_name} #{self.pk}"
