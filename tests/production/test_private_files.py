"""The SQLite database is created readable by its owner only (and so are SQLite's -wal and
-shm files beside it), whatever the umask."""

import os
import sqlite3
import stat

from crmupdate.settings import private_file_create


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_the_database_file_and_its_wal_files_are_private(tmp_path):
    path = tmp_path / "db.sqlite3"
    old = os.umask(0o022)
    try:
        private_file_create(path)
        with sqlite3.connect(path) as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("CREATE TABLE t (x)")
            db.execute("INSERT INTO t VALUES (1)")
            assert mode(path) == 0o600
            assert mode(f"{path}-wal") == 0o600
            assert mode(f"{path}-shm") == 0o600
    finally:
        os.umask(old)


def test_an_existing_database_is_left_alone(tmp_path):
    path = tmp_path / "db.sqlite3"
    path.write_bytes(b"data")

    private_file_create(path)

    assert path.read_bytes() == b"data"
