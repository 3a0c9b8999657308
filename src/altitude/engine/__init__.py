"""Framework-free planning mathematics.

Nothing here imports Django or an Altitude app: the web layer calls the engine
through each app's ``adapters.py`` so the maths stays testable and fast on its own.
"""
