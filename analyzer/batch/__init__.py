"""Batch scanning: many bundles, one row each, and a fleet report.

    inputs.py     INPUT folders / manifest files -> the list of bundles with stable ids
    hashing.py    content hash of a bundle (file or folder, streamed)
    worker.py     one bundle in isolation -> a small row (+ its JSON report on disk)
    timeouts.py   the per-bundle time limit inside a worker
    engines.py    where the workers run: a local process pool or a Dask cluster
    state.py      what an earlier run into the same OUTDIR already did (skip unchanged bundles)
    templates.py  unexplained error lines -> masked, clustered templates
    summary.py    rows -> the fleet's counts, breakdowns and groups
    table.py      rows -> fleet.csv / fleet.parquet / fleet.jsonl
    fleet_html.py the fleet report page
    run.py        the whole batch, as `sccache-forensics batch` runs it

Nothing here is imported by the CLI until the batch command runs; pandas and dask load only
where they are needed (tables in the parent, dask in its engine).
"""
