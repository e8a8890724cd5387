"""Charts as SVG, drawn by matplotlib: the same drawing serves the PDF and the statistics page."""

from __future__ import annotations

import base64
import io
import threading

# pyplot's global state is not thread-safe; one chart at a time per process is plenty.
_lock = threading.Lock()


def bar_chart(breakdown: dict, *, year: int) -> str:
    """A horizontal bar chart of a breakdown, this year beside the previous one, as an SVG document."""
    import matplotlib

    matplotlib.use("svg", force=False)
    from matplotlib.figure import Figure

    rows = breakdown["rows"]
    labels = [_wrap(row["label"]) for row in rows]
    current = [float(row["value"]) for row in rows]
    previous = [float(row["previous"] or 0) for row in rows]
    positions = range(len(rows))
    height = 0.38
    with (
        _lock,
        matplotlib.rc_context(
            {"svg.hashsalt": "tcvn", "svg.fonttype": "path", "font.family": "DejaVu Sans", "font.size": 9}
        ),
    ):
        figure = Figure(figsize=(7, 0.5 + 0.45 * max(len(rows), 1)))
        axes = figure.add_subplot()
        axes.barh([p + height / 2 for p in positions], previous, height, label=str(year - 1), color="#9db4c9")
        bars = axes.barh(
            [p - height / 2 for p in positions], current, height, label=str(year), color="#0b5394"
        )
        axes.bar_label(bars, labels=[_number(v) for v in current], padding=2, fontsize=8)
        axes.set_yticks(list(positions), labels)
        axes.invert_yaxis()
        axes.spines[["top", "right"]].set_visible(False)
        axes.set_title(breakdown["title"], loc="left", fontsize=10)
        axes.legend(loc="lower right", frameon=False, fontsize=8)
        axes.margins(x=0.12)
        figure.tight_layout()
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return buffer.getvalue()


def data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def charts_for(sections: list[dict], *, year: int) -> dict[str, str]:
    """{"<domain>.<breakdown>": svg} for every breakdown that is drawn and has something to show."""
    return {
        f"{section['key']}.{b['key']}": bar_chart(b, year=year)
        for section in sections
        for b in section["breakdowns"]
        if b.get("chart", True) and any(row["value"] or row["previous"] for row in b["rows"])
    }


def _wrap(label: str, width: int = 28) -> str:
    words, lines, line = label.split(), [], ""
    for word in words:
        if line and len(line) + len(word) + 1 > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "\n".join(lines)


def _number(value: float) -> str:
    return f"{value:,.0f}".replace(",", ".") if value == int(value) else f"{value:.1f}"
