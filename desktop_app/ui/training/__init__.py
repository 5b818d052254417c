"""The training GUI: keys, the start-job dialog, the Jobs pane, job views, notifications.

The main window owns one `desktop_app.ui.training.hub.TrainingHub` and calls its entry points.
"""
