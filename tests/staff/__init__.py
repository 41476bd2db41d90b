"""Staff accounts, roles, console sign-in and the `lawgate staff` command."""
