"""The bench's load generator: a timed run cycles through its paths; a single pass asks for each once."""

import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tcvn_portal.bench.run import load


@pytest.fixture
def server():
    seen: Counter = Counter()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):  # noqa: N802  (http.server's name)
            seen[self.path] += 1
            status = 200 if self.path != "/broken" else 500
            self.send_response(status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_address[1], seen
    httpd.shutdown()
    httpd.server_close()


def test_a_single_pass_asks_for_every_path_exactly_once(server):
    port, seen = server
    paths = [f"/stamp/{n}" for n in range(50)]
    row = load(port, paths, headers={}, seconds=None)
    assert row["requests"] == 50 and row["errors"] == 0
    assert seen == Counter({path: 1 for path in paths})


def test_a_timed_run_cycles_through_the_paths_and_counts_errors(server):
    port, seen = server
    row = load(port, ["/a", "/broken"], headers={}, seconds=0.5)
    assert row["requests"] > 2 and seen["/a"] > 1 and seen["/broken"] > 1
    assert row["errors"] == seen["/broken"]
    assert row["p50_ms"] <= row["p95_ms"] <= row["p99_ms"]
