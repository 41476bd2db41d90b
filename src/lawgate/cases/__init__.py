"""Cases: the workflow of a request from receipt to closure, and the decisions on it."""
