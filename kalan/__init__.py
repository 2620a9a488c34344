"""Kalan: human-rights training for law-enforcement officers, from plan to proof."""

__version__ = "0.1.0"
