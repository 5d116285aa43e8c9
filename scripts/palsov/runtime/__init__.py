"""The process itself: its signals, its progress on a terminal, its crash log, its versions.

The lowest stage: it imports nothing of palsov but the errors.
"""
