"""Harmonization: country codes, peace operations, conflict episodes and peace spells.

Submodules are imported on use (``from peacestats.harmonize import missions``), so that
``import peacestats`` stays cheap.
"""
