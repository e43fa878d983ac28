"""Fail loudly unless PostgreSQL answers; create the named database when it is missing."""

import sys

import psycopg2
from psycopg2 import sql


def main(base_url: str, name: str) -> int:
    try:
        connection = psycopg2.connect(f"{base_url}/postgres", connect_timeout=10)
    except psycopg2.OperationalError as error:
        print(f"PostgreSQL is not answering at {base_url}: {error}", file=sys.stderr)
        return 1
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"created database {name}")
        cursor.execute("SHOW server_version")
        print(f"PostgreSQL {cursor.fetchone()[0]} is answering; database {name} is ready")
    connection.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
