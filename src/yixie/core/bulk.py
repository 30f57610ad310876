"""Plain multi-row INSERTs for the few places that write thousands of rows at once (the generator, the
Excel import).

Why not `bulk_create` everywhere: on PostgreSQL Django 5.2 inserts through `UNNEST` of one array per
column, and psycopg's Python array dumper spends most of the time on JSON-heavy rows (ledger event
states, audit entries); `executemany` of the prepared values has no such cost and is as fast on SQLite.
These helpers return no primary keys: use `bulk_create` for the rows other rows point at.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection, models

BATCH = 5000


def insert_rows(model: type[models.Model], columns: Sequence[str], rows: Sequence[tuple], *,
                batch: int = BATCH) -> None:
    """INSERT plain tuples (values already in their database form) into `model`'s table."""
    if not rows:
        return
    qn = connection.ops.quote_name
    sql = (f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(c) for c in columns)}) "  # noqa: S608
           f"VALUES ({', '.join(['%s'] * len(columns))})")
    with connection.cursor() as cursor:
        for i in range(0, len(rows), batch):
            cursor.executemany(sql, rows[i:i + batch])


def insert_objects(model: type[models.Model], objs: Sequence[models.Model], *, batch: int = BATCH) -> None:
    """INSERT unsaved instances with their fields prepared as `save()` would (`auto_now_add` included).

    Foreign keys are read from their `_id` attribute: set them from saved instances. Instances without a
    primary key stay without one (no RETURNING).
    """
    if not objs:
        return
    fields = [f for f in model._meta.concrete_fields if not (f.primary_key and objs[0].pk is None)]
    rows = [tuple(f.get_db_prep_save(f.pre_save(o, True), connection) for f in fields) for o in objs]
    insert_rows(model, [f.column for f in fields], rows, batch=batch)
