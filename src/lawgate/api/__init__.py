"""HTTP API: the agency API, the staff API, and the application serving them with the console."""
