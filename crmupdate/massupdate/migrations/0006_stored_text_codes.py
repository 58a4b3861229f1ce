"""Texts stored as a code and parameters, worded when read (see `crmupdate.massupdate.texts`).

Each English sentence column is kept, renamed `<name>_text`, and gets a `<name>_code` and
`<name>_params` beside it. Existing rows are converted where their sentence is one the code
would word the same way in English (checked by wording it); the others keep their sentence,
shown as it is.
"""

import re

from django.db import migrations, models
from django.utils import translation

TEXT_FIELDS = (
    ("massupdate", "last_error_explanation"),
    ("step", "wait_reason"),
    ("recordretry", "wait_reason"),
    ("undo", "wait_reason"),
)

AGAIN_AT = re.compile(r"^(?P<reason>.+) Trying again at (?P<at>\d\d:\d\d:\d\d UTC)\.$")
AGAIN_SHORTLY = re.compile(r"^(?P<reason>.+) Trying again shortly\.$")
VIEW_BUSY = re.compile(r"^Waiting for another update of this view(?: \(update #(\d+)\))? to")
READING = re.compile(
    r"^Reading the records of the view before sending the first job: ([\d,]+) records read so "
    r"far \(([\d,]+) Zoho calls?\)\.$"
)
READING_WAIT = re.compile(
    r"^Reading the records of the view before sending \(([\d,]+) read so far\)\. (?P<reason>.+) "
    r"Trying again at (?P<at>\d\d:\d\d:\d\d UTC)\.$"
)


def _number(text):
    return int(text.replace(",", ""))


def _labels(changes):
    return {
        str(c.get("api_name", "")): str(c.get("label") or c.get("api_name") or "")
        for c in changes or []
        if isinstance(c, dict)
    }


def _candidates(text, error):
    """Stored texts that may have been worded as `text` (`error`: the row's stored Zoho
    error as keyword arguments of `texts.zoho_message`, or None)."""
    from crmupdate.massupdate import texts

    found = [texts.message(texts.STEP_SKIPPED), texts.message(texts.UNDO_BACKUP_GONE)]
    if m := VIEW_BUSY.match(text):
        found.append(texts.message(texts.VIEW_BUSY, update=int(m.group(1)) if m.group(1) else None))
    if m := READING.match(text):
        found.append(
            texts.message(texts.READING, records=_number(m.group(1)), calls=_number(m.group(2)))
        )
    if error is not None:
        variants = [error, {**error, "labels": None}]
        for kwargs in variants:
            for part in (texts.ZOHO_NEXT, texts.ZOHO_BOTH):
                found.append(texts.zoho_message(**{**kwargs, "part": part}))
            reason = texts.zoho_message(**{**kwargs, "part": texts.ZOHO_TEXT})
            if m := AGAIN_AT.match(text):
                found.append(texts.message(texts.AGAIN_AT, reason=reason, at=m.group("at")))
            if m := AGAIN_SHORTLY.match(text):
                found.append(texts.message(texts.AGAIN_SHORTLY, reason=reason))
            if m := READING_WAIT.match(text):
                found.append(
                    texts.message(texts.READING_WAIT, records=_number(m.group(1)), reason=reason,
                                  at=m.group("at"))
                )  # fmt: skip
        found.append(texts.zoho_message(error["code"], part=texts.ZOHO_NEXT))
    return found


def _match(text, error):
    from crmupdate.massupdate import texts

    for found in _candidates(text, error):
        if texts.render_message(found) == text:
            return found
    return None


def _convert(queryset, name, error_of, batch=500):
    """Give the rows of `queryset` with an English `<name>_text` a code where one words it."""
    rows = []
    for row in queryset.exclude(**{f"{name}_text": ""}).iterator(chunk_size=batch):
        found = _match(getattr(row, f"{name}_text"), error_of(row))
        if found is None:
            continue
        setattr(row, f"{name}_code", found["code"])
        setattr(row, f"{name}_params", found["params"])
        rows.append(row)
        if len(rows) >= batch:
            queryset.model.objects.bulk_update(rows, [f"{name}_code", f"{name}_params"])
            rows = []
    if rows:
        queryset.model.objects.bulk_update(rows, [f"{name}_code", f"{name}_params"])


def _step_error(step):
    if not step.error_code:
        return None
    return {
        "code": step.error_code,
        "error_message": step.error_message,
        "details": step.error_details if isinstance(step.error_details, dict) else {},
        "http_status": step.error_http_status,
        "labels": _labels(step.changes),
    }


def convert(apps, schema_editor):
    from crmupdate.massupdate import texts

    Step = apps.get_model("massupdate", "Step")
    MassUpdate = apps.get_model("massupdate", "MassUpdate")
    RecordRetry = apps.get_model("massupdate", "RecordRetry")
    Undo = apps.get_model("massupdate", "Undo")
    RecordFailure = apps.get_model("massupdate", "RecordFailure")
    with translation.override("en"):
        _convert(Step.objects.all(), "wait_reason", _step_error)
        _convert(
            RecordRetry.objects.all(),
            "wait_reason",
            lambda r: (
                {"code": r.error_code, "error_message": r.error_message} if r.error_code else None
            ),
        )
        _convert(
            Undo.objects.all(),
            "wait_reason",
            lambda u: {"code": u.error_code, "error_message": u.error_message,
                       "http_status": u.error_http_status} if u.error_code else None,
        )  # fmt: skip

        def update_error(update):
            step = (
                Step.objects.filter(update_id=update.pk).exclude(error_code="")
                .order_by("-position").first()
            )  # fmt: skip
            found = _step_error(step) if step is not None else None
            if found is not None and step.maybe_sent:
                found["maybe_sent"] = True
            return found

        _convert(MassUpdate.objects.all(), "last_error_explanation", update_error)

        # Record failures keep Zoho's code, message and details: their explanation is worded
        # from them, with the label of the field Zoho named.
        rows = []
        failures = RecordFailure.objects.filter(explanation_code="").select_related("step")
        for failure in failures.iterator(chunk_size=500):
            details = failure.details if isinstance(failure.details, dict) else {}
            api_name = str(details.get("api_name") or "")
            labels = _labels(failure.step.changes)
            params = {"deleted": True} if failure.deleted else {}
            if api_name in labels and not failure.deleted:
                params["labels"] = {api_name: labels[api_name]}
            found = texts.record_message(
                texts.RECORD_TEXT, failure.code, failure.message, details, params
            )
            if texts.render_message(found) != failure.explanation_text:
                continue
            failure.explanation_code = texts.RECORD_TEXT
            failure.explanation_params = params
            rows.append(failure)
            if len(rows) >= 500:
                RecordFailure.objects.bulk_update(rows, ["explanation_code", "explanation_params"])
                rows = []
        if rows:
            RecordFailure.objects.bulk_update(rows, ["explanation_code", "explanation_params"])


def _code_fields(model, name):
    return [
        migrations.RenameField(model_name=model, old_name=name, new_name=f"{name}_text"),
        migrations.AddField(
            model_name=model,
            name=f"{name}_code",
            field=models.CharField(blank=True, max_length=40),
        ),
        migrations.AddField(
            model_name=model,
            name=f"{name}_params",
            field=models.JSONField(blank=True, default=dict),
        ),
    ]


class Migration(migrations.Migration):
    dependencies = [
        ("massupdate", "0005_frozen_records"),
    ]

    operations = [
        *[op for model, name in TEXT_FIELDS for op in _code_fields(model, name)],
        migrations.RenameField(
            model_name="recordfailure", old_name="explanation", new_name="explanation_text"
        ),
        migrations.RenameField(
            model_name="recordfailure", old_name="next_step", new_name="next_step_text"
        ),
        migrations.AddField(
            model_name="recordfailure",
            name="explanation_code",
            field=models.CharField(blank=True, max_length=40),
        ),
        migrations.AddField(
            model_name="recordfailure",
            name="explanation_params",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.RunPython(convert, migrations.RunPython.noop, elidable=True),
    ]
