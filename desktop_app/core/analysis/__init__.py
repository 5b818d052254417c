"""Checking a whole file: line summaries, the checker process, the validation report."""
