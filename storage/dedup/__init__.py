"""Deduplication, in one place: what a record is to the archive (decide.py: the identity
rules and the decision), how bodies are compared (normalize.py, minhash.py, same_story.py),
the persisted near-duplicate index (near_duplicates.py, band_levels.py) and which copy gave
an article which field (best_fields.py). Runs inside the archive's write transaction.
"""
