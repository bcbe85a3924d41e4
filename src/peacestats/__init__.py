"""peacestats: harmonized peace and conflict data, models equal to R, reproducible reports.

Importing the package is cheap: submodules load on first use.
"""

from __future__ import annotations

__version__ = "0.1.0"
