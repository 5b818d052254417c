"""Training with a provider: jobs, uploads, the job store, provenance, moving a model."""
