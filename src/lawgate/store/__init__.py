"""lawgate's own state: engine and sessions, the shared declarative base, one migration tree."""
