"""The platform's own staff: reviewers, senior counsel and admins, signed in to the console."""
