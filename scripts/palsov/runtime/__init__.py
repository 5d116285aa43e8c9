"""The process itself: its signals, the processes it starts, its progress on a terminal, its crash
log, its versions.

The lowest stage: it imports nothing of palsov but the errors.
"""
