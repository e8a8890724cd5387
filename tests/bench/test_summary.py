"""The bench's summary table: a target is met or not; a figure only reported has no verdict."""

from tcvn_portal.bench.run import summary


def _list(p95: float, web: float | None = None, db: float | None = None) -> dict:
    row = {"p50_ms": p95 / 2, "p95_ms": p95, "p99_ms": p95 * 1.2, "rps": 50.0, "requests": 400, "errors": 0}
    if web is not None:
        row.update(cpu_web_ms=web, cpu_db_ms=db, cpu_bound_mean_ms=4 * (web + db))
    return row


def figures(**lists) -> dict:
    return {
        **lists,
        "search metrology:instrument_list?q=<serial>": _list(300),
        "scan page": {"ratio_to_trivial": 0.45},
        "certificate check": {"ratio_to_trivial": 0.2},
        "stamps": {
            "stamps": 1_000_000,
            "issue_seconds": 40.0,
            "csv_seconds": None,
            "pdf": False,
            "projected_pack_seconds": None,
        },
        "annual report": {"seconds": 5.0, "peak_mib": 180.0},
        "reminder sweep": {"seconds": 12.0},
    }


def by_figure(rows: list[dict]) -> dict:
    return {row["figure"]: row for row in rows}


def test_targets_get_a_verdict_and_reported_figures_none():
    rows = by_figure(summary(figures(**{"list a": _list(120, 20.0, 3.0), "list b": _list(180, 40.0, 8.0)})))
    assert rows["worst list p95 (b)"]["met"] is False
    assert rows["lists with p95 under 150 ms"] == {
        "figure": "lists with p95 under 150 ms",
        "value": "1 of 2",
        "target": "(reported)",
        "met": None,
    }
    assert rows["most CPU a list request (b)"]["value"] == "48 ms"
    assert rows["most CPU a list request (b)"]["met"] is None
    assert rows["scan page / trivial view"]["met"] is False  # 0.45 < 0.50
    assert rows["issue 1,000,000 stamps"]["met"] is True
    assert rows["print pack (CSV + label PDFs)"]["met"] is False  # no CSV came
    assert rows["certificate check / trivial view"]["met"] is None


def test_no_cpu_row_when_the_cpu_was_not_measured():
    rows = by_figure(summary(figures(**{"list a": _list(120)})))
    assert not any(name.startswith("most CPU") for name in rows)
    assert rows["worst list p95 (a)"]["met"] is True
