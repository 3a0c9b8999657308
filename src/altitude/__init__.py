"""Altitude: program, project and portfolio management, each role at its own altitude."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("altitude")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+source"
