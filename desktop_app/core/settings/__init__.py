"""The person's preferences and the names they may hold."""
