"""`factcheck serve`: a review desk in the browser over the same library as the command line."""

from __future__ import annotations
