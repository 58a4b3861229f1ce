"""Steps and undos carry when they are next due and who holds them (a worker's claim); the
worker claims due rows itself, so the task ids of a separate queue are gone."""

from django.db import migrations, models
from django.utils import timezone


def paused_rows_look_again(apps, schema_editor):
    """Paused rows used to be looked at by a periodic task; now they carry their own time."""
    for name in ("Step", "Undo"):
        model = apps.get_model("massupdate", name)
        model.objects.filter(status="paused", due_at__isnull=True).update(due_at=timezone.now())


class Migration(migrations.Migration):
    dependencies = [("massupdate", "0002_undo")]

    operations = [
        migrations.RemoveIndex("step", "mu_step_due"),
        migrations.RemoveIndex("undo", "mu_undo_due"),
        migrations.RenameField("step", "next_check_at", "due_at"),
        migrations.RenameField("step", "lease_owner", "claimed_by"),
        migrations.RenameField("step", "lease_expires_at", "claim_expires_at"),
        migrations.RemoveField("step", "task_id"),
        migrations.RenameField("undo", "next_check_at", "due_at"),
        migrations.RenameField("undo", "lease_owner", "claimed_by"),
        migrations.RenameField("undo", "lease_expires_at", "claim_expires_at"),
        migrations.RemoveField("undo", "task_id"),
        migrations.AddIndex(
            "step", models.Index(fields=["status", "due_at"], name="mu_step_due")
        ),
        migrations.AddIndex(
            "undo", models.Index(fields=["status", "due_at"], name="mu_undo_due")
        ),
        migrations.RunPython(paused_rows_look_again, migrations.RunPython.noop),
    ]
