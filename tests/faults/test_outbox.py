"""The cache and the outbox against a Redis that is really stopped (the test's throwaway server), in the
test process: what a read, a write and an invalidation do while it is down, and how queued work waits
and goes out in order once it is back."""

from __future__ import annotations

import base64
import json

import pytest
import redis
from django.db import transaction
from django_celery_beat.models import PeriodicTask

from tcvn_portal.cache import CacheUnavailable, DegradingRedisCache
from tcvn_portal.celery import app
from tcvn_portal.outbox import services
from tcvn_portal.outbox.models import OutboxTask
from tcvn_portal.outbox.schedule import NAME as FLUSH_SCHEDULE
from tcvn_portal.outbox.schedule import setup_schedule
from tcvn_portal.outbox.tasks import FLUSH

pytestmark = pytest.mark.django_db(transaction=True)

NOTIFY = "tcvn_portal.notifications.tasks.send_notification_email"


@pytest.fixture
def cache(redis_server):
    return DegradingRedisCache(redis_server.url, {"KEY_PREFIX": "fault"})


@pytest.fixture
def broker(redis_server):
    """The Celery app publishing to the throwaway Redis for the test's duration."""
    saved = app.conf.broker_url

    def point_at(url: str) -> None:
        app.conf.broker_url = url
        app._pool = None
        app.amqp._producer_pool = None

    point_at(redis_server.url)
    yield redis_server
    point_at(saved)


def queued(server) -> list[list]:
    """The messages waiting on the broker's default queue, oldest first, each as [args, kwargs, embed]."""
    prefix = app.conf.broker_transport_options.get("global_keyprefix", "")
    raw = redis.Redis.from_url(server.url).lrange(f"{prefix}celery", 0, -1)
    # kombu pushes on the left and workers pop on the right: the oldest message is last in the list.
    return [json.loads(base64.b64decode(json.loads(message)["body"])) for message in reversed(raw)]


def test_reads_answer_a_miss_and_writes_are_skipped_while_redis_is_down(cache, redis_server):
    cache.set("trace:batch:1", {"product": "Chè"})
    assert cache.get("trace:batch:1") == {"product": "Chè"}
    redis_server.stop()
    assert cache.get("trace:batch:1", "miss") == "miss"
    assert cache.get_many(["trace:batch:1"]) == {}
    assert cache.has_key("trace:batch:1") is False
    assert cache.set("trace:batch:1", "new") is None
    assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]
    assert cache.add("trace:lock:1", "y") is True
    assert cache.touch("trace:batch:1") is False
    with pytest.raises(ValueError):
        cache.incr("counter")


def test_an_invalidation_that_fails_inside_a_transaction_raises(cache, redis_server):
    redis_server.stop()
    with pytest.raises(CacheUnavailable), transaction.atomic():
        cache.delete("trace:batch:1")
    with pytest.raises(CacheUnavailable), transaction.atomic():
        cache.delete_many(["trace:batch:1", "trace:batch:2"])
    with pytest.raises(CacheUnavailable):
        cache.clear()


def test_an_invalidation_that_fails_after_the_commit_is_kept_and_done_when_redis_returns(cache, broker):
    cache.set("trace:batch:7", "stale page")
    broker.stop()
    assert cache.delete("trace:batch:7") is False  # outside any transaction: nothing to roll back
    kept = OutboxTask.objects.get()
    assert kept.task_name == services.DELETE_CACHE_KEYS
    assert kept.kwargs == {"keys": ["trace:batch:7"], "version": None}

    broker.start()
    cache.set("trace:batch:7", "stale page")  # as if Redis had kept it on disk
    assert services.flush_outbox() == 1
    assert [m[1] for m in queued(broker)] == [{"keys": ["trace:batch:7"], "version": None}]


def test_refused_tasks_wait_in_the_outbox_and_go_out_in_order_when_the_broker_is_back(broker):
    broker.stop()
    for n in (1, 2, 3):
        assert services.publish(task_name=NOTIFY, kwargs={"notification_id": n, "tenant_id": 9}) is False
    assert list(OutboxTask.objects.values_list("kwargs__notification_id", flat=True)) == [1, 2, 3]

    # Still down: the flush stops at the first refusal and says why.
    assert services.flush_outbox() == 0
    first = OutboxTask.objects.first()
    assert first.attempts == 1 and "OperationalError" in first.last_error
    assert OutboxTask.objects.count() == 3

    broker.start()
    assert services.flush_outbox() == 3
    assert not OutboxTask.objects.exists()
    assert [m[1]["notification_id"] for m in queued(broker)] == [1, 2, 3]
    # Back up, a task is published at once and nothing is stored.
    assert services.publish(task_name=NOTIFY, kwargs={"notification_id": 4, "tenant_id": 9}) is True
    assert not OutboxTask.objects.exists()


def test_a_stored_task_no_longer_registered_never_holds_up_the_others(broker):
    OutboxTask.objects.create(task_name="gone.tasks.renamed", kwargs={})
    OutboxTask.objects.create(task_name=NOTIFY, kwargs={"notification_id": 5, "tenant_id": 9})
    assert services.flush_outbox() == 1
    left = OutboxTask.objects.get()
    assert left.task_name == "gone.tasks.renamed" and left.attempts == 1
    assert [m[1]["notification_id"] for m in queued(broker)] == [5]


def test_beat_flushes_the_outbox_every_minute():
    # The migration sets it up; the transactional tests before this one emptied the table, so again here
    # (twice: it is idempotent).
    setup_schedule()
    setup_schedule()
    entry = PeriodicTask.objects.get(name=FLUSH_SCHEDULE)
    assert entry.task == FLUSH and entry.enabled
    assert (entry.interval.every, entry.interval.period) == (1, "minutes")
