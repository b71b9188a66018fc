"""The schema revisions this engram knows (kept apart so reading them imports nothing)."""

#: Every revision, oldest first; the last is the head. A test checks them against Alembic's.
REVISIONS = ("0001", "0002", "0003", "0004", "0005")
HEAD = REVISIONS[-1]
