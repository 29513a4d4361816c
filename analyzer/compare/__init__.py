"""`compare`: two bundles of the same project, a run that hits and one that misses.

`sides` reads what each bundle says (environment, versions, cache, compile requests);
`units` splits compiler arguments into comparable options; `differences` lists what differs;
`explain` matches compiles by crate or object and says which difference explains which miss;
`model` is the JSON contract every renderer reads.
"""
