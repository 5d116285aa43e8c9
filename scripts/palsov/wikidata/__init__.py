"""Wikidata, asked politely and remembered (`client`), and the links of our resources: what the graph
says of them (`resources`), checking every link (`check`) and keeping the results (`checked`),
suggesting candidates (`suggest`), enriching from linked items (`enrich`), accepting a verified link
(`accept`), and exporting what Wikidata lacks as QuickStatements (`export`).
A sibling of `endpoints`: neither imports the other."""
