"""Fine-tuning providers behind one small interface (base.Provider).

    from desktop_app.core.providers.registry import create_provider
    from desktop_app.core.providers.base import Job, JobEvent, Checkpoint, ...

Importing this package is cheap: the `openai` client is imported only when a request is made.
"""
