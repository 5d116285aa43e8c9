"""Wikidata, asked politely and remembered (`client`), and the links of our actors and places: what
the graph says of them (`resources`), checking every link (`check`), suggesting candidates
(`suggest`), enriching from linked items (`enrich`), and accepting a verified link (`accept`).
A sibling of `endpoints`: neither imports the other."""
