"""frontends.cli wing."""
