"""factcheck: find the figures in an article, check them against each other and against bulletins."""

__version__ = "0.1.0"
