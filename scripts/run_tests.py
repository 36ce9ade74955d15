"""Runs the whole test suite once, as `make test` does.

On PostgreSQL when MAARID_TEST_DATABASE_URL is set (the PostgreSQL-only tests included, the
SQLite-only ones left out), else on SQLite (the PostgreSQL-only tests left out). The tests
marked `redis` run in a second pytest process with REDIS_URL set, because the cache and task
backends are chosen when the settings load.
"""

import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PYTEST = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]


def run(args, env):
    print("+", " ".join(args[3:]), flush=True)
    return subprocess.call(args, cwd=ROOT, env=env)


def main():
    env = dict(os.environ)
    env.pop("REDIS_URL", None)
    env.setdefault("MAARID_ENV", "development")
    env["MAARID_DATA_DIR"] = os.path.join(ROOT, "var", "test")
    database = os.environ.get("MAARID_TEST_DATABASE_URL")
    if database:
        env["DATABASE_URL"] = database
        markers = "not redis and not sqlite"
        print(f"Tests on PostgreSQL ({database})", flush=True)
    else:
        env.pop("DATABASE_URL", None)
        markers = "not redis and not postgres"
        print("Tests on SQLite (PostgreSQL-only tests left out)", flush=True)
    if os.environ.get("MAARID_TEST_CLOCK"):
        print(f"The clock set to {os.environ['MAARID_TEST_CLOCK']} UTC today", flush=True)
    started = time.monotonic()
    code = run([*PYTEST, "-m", markers, *sys.argv[1:]], env)
    redis_env = dict(
        env, REDIS_URL=os.environ.get("MAARID_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    )
    code_redis = run([*PYTEST, "-m", "redis", *sys.argv[1:]], redis_env)
    print(f"Test run took {time.monotonic() - started:.0f} s", flush=True)
    sys.exit(code or code_redis)


if __name__ == "__main__":
    main()
