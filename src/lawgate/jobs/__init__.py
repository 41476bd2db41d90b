"""Background work on a job queue (huey): exports, hold expiry, user notices, deadline alerts."""
