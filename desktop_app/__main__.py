"""`python -m desktop_app [FILE]` starts the desktop app.

Nothing is imported at the top: child processes import this module too (see launch.py).
"""

if __name__ == "__main__":
    from desktop_app.launch import main

    raise SystemExit(main())
