"""Finding text in a dataset: the query and matcher, and the search processes on disk."""
