"""documents wing."""
