"""Tools for the developers, not the users' pipeline: whole-command timings (`bench`), stage
timings at growing sizes (`stages`), and the synthetic corpora they run on (`corpus`)."""
