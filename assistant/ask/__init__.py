"""ask wing."""
