"""The build served and pushed to stores: the read-only SPARQL endpoint (`serve`) and the Graph
Store Protocol (`gsp`). A sibling of `wikidata`: neither imports the other."""
