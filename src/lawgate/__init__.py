"""lawgate: the one door through which government requests for user data are answered."""

__version__ = "0.1.0"
