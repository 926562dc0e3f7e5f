"""A task for the Apps suite: an HTTP server on $PORT0 whose /health answers 200, or 500
while the file $FAIL_DIR/$MESOS_TASK_ID exists (so a test can make one task unhealthy).
GET / answers $VERSION. Standard library only."""
import http.server
import os


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/health":
            failing = os.path.exists(os.path.join(os.environ.get("FAIL_DIR", "/nonexistent"),
                                                  os.environ.get("MESOS_TASK_ID", "?")))
            self.send_response(500 if failing else 200)
            body = b"failing\n" if failing else b"ok\n"
        else:
            self.send_response(200)
            body = (os.environ.get("VERSION", "") + "\n").encode()
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


http.server.ThreadingHTTPServer(("127.0.0.1", int(os.environ["PORT0"])), Handler).serve_forever()
