"""A dataset file and the work on it: lines, edits, review notes, spelling, recovery, splits."""
