"""frontends wing."""
