"""PostgreSQL only: the indexes of the history's free-text search.

- `mu_history_search_trgm`: `crmupdate.history.selectors.SEARCH_TEXT_SQL` filters with
  `ILIKE '%word%'` over the view name, field names, changes and Zoho job ids of each update;
  pg_trgm's GIN index answers rare words from the index at a million rows (common words are
  found faster by walking the newest rows, which the planner chooses by itself).
- `mu_history_job_ids`: a whole Zoho job id is looked up exactly in the array of the update's
  job ids. Trigrams are no help there: every job id of an organisation starts with the same
  digits, so their trigrams are in every row.

SQLite (development) scans instead. pg_trgm is a trusted extension since PostgreSQL 13, so
the database owner may create it.

The index lives on the mass update table but belongs to the history, which is its only user.
"""

from django.db import migrations

SEARCH_EXPRESSION = "(view_name || ' ' || field_names || ' ' || summary || ' ' || job_ids)"
JOB_IDS_EXPRESSION = "string_to_array(job_ids, ' ')"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS mu_history_search_trgm ON massupdate_massupdate "
        f"USING gin ({SEARCH_EXPRESSION} gin_trgm_ops)"
    )
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS mu_history_job_ids ON massupdate_massupdate "
        f"USING gin ({JOB_IDS_EXPRESSION})"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS mu_history_search_trgm")
    schema_editor.execute("DROP INDEX IF EXISTS mu_history_job_ids")


class Migration(migrations.Migration):
    dependencies = [("massupdate", "0001_initial")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
