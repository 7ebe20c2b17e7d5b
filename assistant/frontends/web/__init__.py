"""frontends.web wing."""
