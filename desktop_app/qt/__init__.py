"""Qt adapters over the core: item models, workers, undo commands, the document."""
