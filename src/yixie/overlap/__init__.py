"""Overlap detection: does a proposed body duplicate an existing body or a department's 三定 duties?

Callers use `yixie.overlap.api`. The engine, by job: `text` (jieba, the domain dictionary, the token
cache), `names` (name cores and their similarity), `candidates` (what is read from the ledger), `index`
(the TF-IDF and name index, its updates and per-process cache), `search` (the query and its scores),
`highlight` (shared terms marked in a text). This module imports none of them: it is loaded with the apps.
"""
