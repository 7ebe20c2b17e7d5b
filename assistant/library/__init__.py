"""library wing."""
