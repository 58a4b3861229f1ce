"""Undo a mass update: a backup of the values each step replaces, taken by the worker right
before the step's Zoho job starts, and writing them back by record id on request.

- `models`: the person's choice at review, backups (one per step, compressed pages), undos
  (one per update, ever) and their per-record results.
- `values`: how values are compared (what our step set, what a record holds now) and stored.
- `backup`: the worker's backup of a step before it is sent (called from `submit`).
- `runner`: the worker's undo actions, batch by batch (read current values, write previous
  ones), and a paused undo looking again whether its person has signed in.
- `services`, `selectors`, `views`: the usual layers.
"""
