"""`make bench`: seed a bench database, serve it with gunicorn and a Celery worker as in production (plain
HTTP on 127.0.0.1), measure, print one line per figure and a summary table, and write bench-results.json.

Environment: TCVN_PG_ADMIN_URL and REDIS_URL (scripts/services.sh); BENCH_SCALE (default 0.1, about ten
minutes on a 2-core machine), BENCH_DB (tcvn_bench), BENCH_SECONDS per endpoint (8), BENCH_PORT (8765),
BENCH_SERIES (1 000 000 stamps), BENCH_PACK_SECONDS (60: how long the label PDFs are timed before their
whole time is projected from their rate), BENCH_RESEED=1 to seed again a database seeded at that scale.
"""

from __future__ import annotations

import http.client
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from itertools import cycle
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
CONCURRENCY = 8
TARGETS = {
    "list_p95_ms": 150,
    "scan_ratio": 0.5,
    "issue_seconds": 60,
    "report_seconds": 30,
    "report_mib": 1024,
    "sweep_seconds": 60,
}


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}
REPORTED = "(reported)"


def log(line: str) -> None:
    print(line, flush=True)  # noqa: T201


def environment(db: str, port: int) -> dict[str, str]:
    from tcvn_portal import dbsetup

    admin = os.environ["TCVN_PG_ADMIN_URL"]
    host = admin.split("@", 1)[1].rsplit("/", 1)[0]
    redis = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15").rsplit("/", 1)[0] + "/13"
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tcvn_portal.settings.production",
        "DJANGO_SECRET_KEY": "bench-secret-key-0123456789-not-for-production-abcdefghij",
        "DATABASE_URL": f"postgres://{dbsetup.APP_ROLE}:{dbsetup.APP_ROLE}@{host}/{db}",
        "DATABASE_OWNER_URL": f"postgres://{dbsetup.OWNER_ROLE}:{dbsetup.OWNER_ROLE}@{host}/{db}",
        "REDIS_URL": redis,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_LOG_LEVEL": "WARNING",
        "TCVN_SITE_URL": f"http://127.0.0.1:{port}",
        "TCVN_VAR_DIR": str(ROOT / "var" / "bench"),
        # The API's per-user throttle would cap the load generator itself, not measure the server.
        "TCVN_API_USER_RATE": "1000000/min",
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "PYTHONPATH": str(ROOT),
    }


def manage(env: dict, *args: str) -> None:
    subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=True)  # noqa: S603  (our own commands)


def job(env: dict, *args) -> dict:
    out = subprocess.run(  # noqa: S603  (our own commands)
        [PY, "-m", "tcvn_portal.bench.jobs", *map(str, args)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def prepare(env: dict, db: str, scale: float) -> None:
    from tcvn_portal import dbsetup

    admin = os.environ["TCVN_PG_ADMIN_URL"]
    marker = ROOT / "var" / "bench" / f"{db}.seeded"
    marker.parent.mkdir(parents=True, exist_ok=True)
    if marker.exists() and marker.read_text() == str(scale) and os.environ.get("BENCH_RESEED") != "1":
        log(f"Using {db}, already seeded at scale {scale:g} (BENCH_RESEED=1 to seed again).")
        dbsetup.let_search_use_indexes(admin, db)  # a database seeded before the search's marks
        manage(env, "migrate", "--database", "owner", "--noinput", "-v0")
        return
    dbsetup.ensure_roles(admin)
    dbsetup.create_database(admin, db, recreate=True)
    manage(env, "migrate", "--database", "owner", "--noinput", "-v0")
    started = time.monotonic()
    manage(env, "seed_bench", "--scale", str(scale))
    log(f"seed: scale {scale:g} in {time.monotonic() - started:.0f} s")
    marker.write_text(str(scale))


def largest_tenant(env: dict) -> int:
    out = subprocess.run(  # noqa: S603  (our own commands)
        [
            PY,
            "-c",
            "import django; django.setup(); from tcvn_portal.bench import seed; "
            "from tcvn_portal.tenancy.models import Tenant; "
            "w = seed.tenant_weights(list(Tenant.objects.all())); print(max(w, key=w.get))",
        ],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return int(out.strip().splitlines()[-1])


class Servers:
    """gunicorn with the production configuration (docker/gunicorn.conf.py: threaded workers, keep-alive)
    and a Celery worker on both queues, as in production."""

    def __init__(self, env: dict, port: int) -> None:
        logs = ROOT / "var" / "bench"
        self.web = subprocess.Popen(  # noqa: S603  (our own commands)
            [
                str(ROOT / ".venv/bin/gunicorn"),
                "tcvn_portal.wsgi",
                "--config",
                str(ROOT / "docker" / "gunicorn.conf.py"),
                "--bind",
                f"127.0.0.1:{port}",
                "--error-logfile",
                str(logs / "gunicorn.log"),
            ],
            cwd=ROOT,
            env=env,
        )
        self.worker = subprocess.Popen(  # noqa: S603  (our own commands)
            [
                str(ROOT / ".venv/bin/celery"),
                "-A",
                "tcvn_portal",
                "worker",
                "-Q",
                "celery,reports",
                "--concurrency=2",
                "--loglevel=WARNING",
                "--logfile",
                str(logs / "celery.log"),
            ],
            cwd=ROOT,
            env=env,
        )
        self.port = port
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                status, _ = request(port, "/healthz", {})
                if status == 200:
                    return
            except OSError:
                time.sleep(0.5)
        raise RuntimeError("gunicorn did not answer /healthz within 60 s")

    def stop(self) -> None:
        for process in (self.web, self.worker):
            process.terminate()
        for process in (self.web, self.worker):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def _stat(pid: int) -> list[str] | None:
    """/proc/<pid>/stat after the command name (which may hold spaces), or None for a process gone."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None


def cpu_by_pid(pids) -> dict[int, float]:
    """User and system CPU seconds each process has used so far; a process gone is left out."""
    used = {}
    for pid in pids:
        fields = _stat(pid)
        if fields is not None:
            used[pid] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime
    return used


def children(parent: int) -> list[int]:
    """The processes whose parent is `parent`: gunicorn's workers."""
    return [
        int(entry.name)
        for entry in os.scandir("/proc")
        if entry.name.isdigit() and (fields := _stat(int(entry.name))) and int(fields[1]) == parent
    ]


class CpuMeter:
    """CPU a request of a measured load, of the web workers and of the database's backends apart. Unlike
    latency, it does not grow with the requests queued beside it, and it moves less with a shared machine's
    speed, so runs compare by it. Processes started during the load count from zero; the figure is None
    where no process could be read, as for a database on another machine (its pids are not ours)."""

    def __init__(self, web_pid: int, admin_url: str, db: str) -> None:
        import dj_database_url

        from tcvn_portal import dbsetup

        host = dj_database_url.parse(admin_url)["HOST"] or "localhost"
        local = host in LOCAL_HOSTS or host.startswith("/")  # a Unix socket's directory is local too
        self.sources = {
            "web": lambda: children(web_pid),
            "db": (lambda: dbsetup.app_backends(admin_url, db)) if local else list,
        }
        self.before: dict[str, dict[int, float]] = {}

    def start(self) -> None:
        self.before = {name: cpu_by_pid(pids()) for name, pids in self.sources.items()}

    def per_request(self, requests: int) -> dict[str, float | None]:
        figures = {}
        for name, pids in self.sources.items():
            after, before = cpu_by_pid(pids()), self.before[name]
            used = sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())
            figures[f"cpu_{name}_ms"] = 1000 * used / requests if after and requests else None
        if None not in figures.values():
            # With CONCURRENCY requests always in flight on these cores, none can average less than this.
            cores = os.cpu_count() or 1
            figures["cpu_bound_mean_ms"] = CONCURRENCY * sum(figures.values()) / cores
        return figures


def cpu_text(row: dict) -> str:
    if row.get("cpu_web_ms") is None:
        return "CPU a request: not measured"
    text = f"CPU a request: web {row['cpu_web_ms']:.1f} ms"
    if row.get("cpu_db_ms") is not None:
        text += f", PostgreSQL {row['cpu_db_ms']:.1f} ms"
    if "cpu_bound_mean_ms" in row:
        text += f" (no mean under {row['cpu_bound_mean_ms']:.0f} ms at {CONCURRENCY} in flight)"
    return text


def request(port: int, path: str, headers: dict, conn: http.client.HTTPConnection | None = None):
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    response.read()
    return response.status, conn


def load(port: int, paths: list[str], *, headers: dict, seconds: float | None) -> dict:
    """CONCURRENCY threads, each on its own keep-alive connection, for `seconds` over the paths in turn, or
    (seconds=None) once through the paths: latency and req/s."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds if seconds is not None else float("inf")
    shared = cycle(paths) if seconds is not None else iter(paths)

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine, bad = [], 0
        while time.monotonic() < stop_at:
            with lock:
                path = next(shared, None)
            if path is None:
                break
            started = time.perf_counter()
            try:
                status, conn = request(port, path, headers, conn)
            except (OSError, http.client.HTTPException):
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                status = 0
            mine.append(time.perf_counter() - started)
            bad += status != 200
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    started = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(CONCURRENCY)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    latencies.sort()

    def pct(p: float) -> float:
        return 1000 * latencies[min(len(latencies) - 1, int(p * len(latencies)))]

    return {
        "requests": len(latencies),
        "errors": errors[0],
        "rps": len(latencies) / elapsed,
        "p50_ms": pct(0.50),
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
        "mean_ms": 1000 * statistics.fmean(latencies) if latencies else 0.0,
    }


def issue_million(env: dict, tenant: int, quantity: int, pack_seconds: float) -> dict:
    """Series asked for through the service; the worker issues it, writes the CSV, then draws the label
    PDFs. The labels are timed for `pack_seconds` after the CSV (or to the end, if sooner): their rate gives
    the projected time of the whole pack, which at a million labels outlasts a bench run."""
    series = job(env, "request_series", tenant, quantity)["series_id"]
    started = time.monotonic()
    issued = csv_at = None
    labels_from = (0, 0.0)
    while time.monotonic() - started < 1800:
        state = job(env, "series_state", tenant, series)
        now = time.monotonic()
        if issued is None and state["issued_at"]:
            issued = state["issued_at"] - state["created_at"]
        if csv_at is None and state["csv"]:
            csv_at, labels_from = now - started, (state["labels_done"], now)
        if state["pdf"] or (csv_at is not None and now - labels_from[1] >= pack_seconds):
            done, elapsed = state["labels_done"] - labels_from[0], now - labels_from[1]
            rate = done / elapsed if elapsed > 0 else 0.0
            return {
                "issue_seconds": issued,
                "csv_seconds": csv_at,
                "pdf": state["pdf"],
                "pack_seconds": now - started if state["pdf"] else None,
                "labels_per_second": rate,
                "projected_pack_seconds": csv_at + (quantity / rate if rate else float("inf")),
                "stamps": quantity,
            }
        time.sleep(1)
    return {
        "issue_seconds": issued,
        "csv_seconds": csv_at,
        "pdf": False,
        "pack_seconds": None,
        "labels_per_second": 0.0,
        "projected_pack_seconds": None,
        "stamps": quantity,
    }


def main() -> int:
    scale = float(os.environ.get("BENCH_SCALE", "0.1"))
    db = os.environ.get("BENCH_DB", "tcvn_bench")
    port = int(os.environ.get("BENCH_PORT", "8765"))
    seconds = float(os.environ.get("BENCH_SECONDS", "8"))
    quantity = int(os.environ.get("BENCH_SERIES", "1000000"))
    pack_seconds = float(os.environ.get("BENCH_PACK_SECONDS", "60"))
    sys.path.insert(0, str(ROOT))
    env = environment(db, port)
    os.environ.update(
        {
            k: env[k]
            for k in (
                "DJANGO_SETTINGS_MODULE",
                "DJANGO_SECRET_KEY",
                "DATABASE_URL",
                "DATABASE_OWNER_URL",
                "REDIS_URL",
                "TCVN_VAR_DIR",
            )
        }
    )
    prepare(env, db, scale)
    manage(env, "collectstatic", "--noinput", "-v0")
    tenant = largest_tenant(env)
    targets = job(env, "targets", tenant)
    cookie = {"Cookie": job(env, "session", tenant)["cookie"]}
    results: dict = {"scale": scale, "tenant": tenant, "concurrency": CONCURRENCY, "figures": {}}
    figures = results["figures"]
    servers = Servers(env, port)
    cpu = CpuMeter(servers.web.pid, os.environ["TCVN_PG_ADMIN_URL"], db)
    try:
        lists = {f"list {name}": path for name, path in {**targets["pages"], **targets["api"]}.items()}
        searches = {f"search {name}": path for name, path in targets["searches"].items()}
        for name, path in {**lists, **searches}.items():
            load(port, [path], headers=cookie, seconds=1)  # warm the workers' caches and connections
            cpu.start()
            figures[name] = row = load(port, [path], headers=cookie, seconds=seconds)
            row.update(cpu.per_request(row["requests"]))
            log(
                f"{name}: p50 {row['p50_ms']:.0f} ms, p95 {row['p95_ms']:.0f} ms, "
                f"p99 {row['p99_ms']:.0f} ms, {row['rps']:.1f} req/s, {row['errors']} errors; {cpu_text(row)}"
            )
        for name, paths in (
            ("trivial /healthz", ["/healthz"]),
            ("scan page", targets["scans"]),
            ("certificate check", targets["checks"]),
        ):
            # One pass over every stamp (or certificate) first: it fills the cache with the batch pages, as
            # a day of scans does for the products on sale; every later scan still finds and counts its
            # stamp in PostgreSQL. The pass is reported too: scans of batches nobody scanned this hour.
            first = load(port, paths, headers={}, seconds=None if len(paths) > 1 else 1)
            cpu.start()
            figures[name] = row = load(port, paths, headers={}, seconds=seconds)
            row.update(cpu.per_request(row["requests"]), first_pass_rps=first["rps"])
            log(
                f"{name}: {row['rps']:.1f} req/s, p95 {row['p95_ms']:.0f} ms, {row['errors']} errors "
                f"(first pass over {len(paths):,} paths: {first['rps']:.1f} req/s); {cpu_text(row)}"
            )
        trivial = figures["trivial /healthz"]["rps"]
        for name in ("scan page", "certificate check"):
            figures[name]["ratio_to_trivial"] = figures[name]["rps"] / trivial
            log(f"{name} / trivial view: {figures[name]['ratio_to_trivial']:.2f}")
        figures["stamps"] = row = issue_million(env, tenant, quantity, pack_seconds)
        log(
            f"issue {quantity:,} stamps: {row['issue_seconds']:.1f} s; CSV after {row['csv_seconds']:.1f} s; "
            f"labels {row['labels_per_second']:.0f}/s, whole print pack "
            + (
                f"built in {row['pack_seconds']:.0f} s"
                if row["pdf"]
                else f"projected at {row['projected_pack_seconds'] or float('nan'):.0f} s"
            )
        )
    finally:
        servers.stop()
    year = time.localtime().tm_year - 1
    figures["annual report"] = row = job(env, "annual_report", tenant, year)
    log(
        f"annual report {year} of tenant {tenant}: {row['seconds']:.1f} s, peak {row['peak_mib']:.0f} MiB, "
        f"{row['status']}"
    )
    figures["reminder sweep"] = row = job(env, "reminder_sweep")
    log(f"reminder sweep: {row['seconds']:.1f} s, {row['sent']} sent, {row['skipped']} skipped")
    results["summary"] = summary(figures)
    print_table(results["summary"])
    (ROOT / "bench-results.json").write_text(json.dumps(results, indent=2))
    log(f"Written {ROOT / 'bench-results.json'}")
    return 0


def summary_row(figure: str, value: str, target: str, met: bool | None = None) -> dict:
    """One line of the summary table; a figure only reported (met None) has no verdict, printed as a dash."""
    return {"figure": figure, "value": value, "target": target, "met": None if met is None else bool(met)}


def summary(figures: dict) -> list[dict]:
    lists = {k: v for k, v in figures.items() if k.startswith("list ")}
    worst = max(lists.items(), key=lambda kv: kv[1]["p95_ms"])
    scan = figures["scan page"]["ratio_to_trivial"]
    stamps, report, sweep = figures["stamps"], figures["annual report"], figures["reminder sweep"]

    return [
        summary_row(
            f"worst list p95 ({worst[0][5:]})",
            f"{worst[1]['p95_ms']:.0f} ms",
            "< 150 ms",
            worst[1]["p95_ms"] < TARGETS["list_p95_ms"],
        ),
        summary_row(
            "lists with p95 under 150 ms",
            f"{sum(r['p95_ms'] < TARGETS['list_p95_ms'] for r in lists.values())} of {len(lists)}",
            REPORTED,
        ),
        *cpu_rows(lists),
        *(
            summary_row(f"{name} p95", f"{figures[name]['p95_ms']:.0f} ms", REPORTED)
            for name in figures
            if name.startswith("search ")
        ),
        summary_row("scan page / trivial view", f"{scan:.2f}", ">= 0.50", scan >= TARGETS["scan_ratio"]),
        summary_row(
            "certificate check / trivial view",
            f"{figures['certificate check']['ratio_to_trivial']:.2f}",
            REPORTED,
        ),
        summary_row(
            f"issue {stamps['stamps']:,} stamps",
            f"{stamps['issue_seconds'] or float('nan'):.1f} s",
            "< 60 s",
            (stamps["issue_seconds"] or 1e9) < TARGETS["issue_seconds"],
        ),
        summary_row(
            "print pack (CSV + label PDFs)",
            (
                f"{stamps['pack_seconds']:.0f} s"
                if stamps["pdf"]
                else f"{(stamps['projected_pack_seconds'] or float('nan')) / 60:.0f} min (projected)"
            ),
            "CSV built",
            stamps["csv_seconds"] is not None,
        ),
        summary_row(
            "annual report time",
            f"{report['seconds']:.1f} s",
            "< 30 s",
            report["seconds"] < TARGETS["report_seconds"],
        ),
        summary_row(
            "annual report peak memory",
            f"{report['peak_mib']:.0f} MiB",
            "< 1024 MiB",
            report["peak_mib"] < TARGETS["report_mib"],
        ),
        summary_row(
            "reminder sweep",
            f"{sweep['seconds']:.1f} s",
            "< 60 s",
            sweep["seconds"] < TARGETS["sweep_seconds"],
        ),
    ]


def cpu_rows(lists: dict) -> list[dict]:
    """The list whose request costs most CPU (web and database), where that was measured."""
    measured = {name: r for name, r in lists.items() if r.get("cpu_bound_mean_ms") is not None}
    if not measured:
        return []
    name, costliest = max(measured.items(), key=lambda kv: kv[1]["cpu_bound_mean_ms"])
    return [
        summary_row(
            f"most CPU a list request ({name[5:]})",
            f"{costliest['cpu_web_ms'] + costliest['cpu_db_ms']:.0f} ms",
            REPORTED,
        )
    ]


def print_table(rows: list[dict]) -> None:
    width = max(len(r["figure"]) for r in rows)
    log("")
    log(f"{'figure':<{width}}  {'value':>18}  {'target':>10}  met")
    for r in rows:
        met = "—" if r["met"] is None else "yes" if r["met"] else "NO"
        log(f"{r['figure']:<{width}}  {r['value']:>18}  {r['target']:>10}  {met}")


if __name__ == "__main__":
    sys.exit(main())
