"""Signed-in user fixtures (filled in with sign-in)."""
