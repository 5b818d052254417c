"""Token counts, the training estimate (epochs, billed tokens, cost), token statistics."""
