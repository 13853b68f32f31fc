"""Reading local dumps from disk: which files, how much of them, and why one is skipped."""
