"""Framework-free file formats (JSON networks, PSPLIB, MSPDI, ...), kept apart from Django."""
