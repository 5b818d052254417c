"""The app's own files: folders, bundled resources and help, atomic writes, log, crashes."""
