"""critique wing."""
