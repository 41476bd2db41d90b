"""The officer portal: agency officers sign in with password and TOTP, file and follow requests."""
