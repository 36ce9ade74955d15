"""What the PostgreSQL concurrency tests share: work started in many threads at the same
instant, each with its own database connection (as requests in parallel have)."""

import threading

from django.db import connections


def at_once(count, work):
    """Runs ``work(i)`` in ``count`` threads released together; returns results and errors."""
    barrier = threading.Barrier(count)
    results, errors = [None] * count, []

    def run(i):
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as error:  # collected and asserted by the caller
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors
