"""User notices: telling users that their data was requested and what was given."""
