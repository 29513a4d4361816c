"""`batch s3://bucket/prefix/`: bundles read from a real S3 API server (moto's server mode on
127.0.0.1, started here), with the local engine and a Dask cluster of two worker processes; the
same rows as a batch of a local copy, and re-runs keyed by the objects' ETags."""

from __future__ import annotations

import importlib.util
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from analyzer.batch import remote, table
from analyzer.batch.table import VOLATILE
from tests.batch.helpers import batch, make_fleet
from tests.report.support import SAMPLE_BUNDLES, planted_secrets

boto3 = pytest.importorskip("boto3")
pytest.importorskip("s3fs")
pytest.importorskip("moto.server")

BUCKET = "ci-bundles"
PREFIX = "fleet/2026-12"
DIFFERS = (*VOLATILE, "hash", "path")  # where a bundle was read, and how its sameness is known


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def s3(tmp_path_factory):
    """moto's S3 server on 127.0.0.1, and the variables every client (and Dask worker) reads."""
    port = free_port()
    log = tmp_path_factory.mktemp("moto") / "server.log"
    with open(log, "wb") as out:
        server = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                                  stdout=out, stderr=subprocess.STDOUT)
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                pytest.fail(f"moto server did not start: {log.read_text()}")
            time.sleep(0.2)
    patch = pytest.MonkeyPatch()
    for name, value in {"AWS_ENDPOINT_URL": endpoint, "AWS_ACCESS_KEY_ID": "testing",
                        "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}.items():
        patch.setenv(name, value)
    try:
        yield boto3.client("s3", endpoint_url=endpoint)
    finally:
        patch.undo()
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture(scope="module")
def uploaded(s3, tmp_path_factory):
    """A fleet of 24 bundles (folders, zips, tar.gz, broken ones) on disk and the same under s3://BUCKET/PREFIX/."""
    fleet = make_fleet(tmp_path_factory.mktemp("s3fleet") / "in", 24)
    s3.create_bucket(Bucket=BUCKET)
    for path in sorted(fleet.rglob("*")):
        if path.is_file():
            s3.put_object(Bucket=BUCKET, Key=f"{PREFIX}/{path.relative_to(fleet).as_posix()}", Body=path.read_bytes())
    s3.put_object(Bucket=BUCKET, Key=f"{PREFIX}/README.txt", Body=b"not a bundle")
    for empty in ("broken-empty",):  # an empty folder has no object in a store: it is simply not there
        assert not any((fleet / empty).iterdir())
    return fleet


def comparable(rows: list[dict]) -> list[dict]:
    rows = [table.normalise(r) for r in rows]
    return [{k: v for k, v in r.items() if k not in DIFFERS} for r in sorted(rows, key=lambda r: r["bundle"])]


def cli_batch(url: str, outdir: Path, *args: str) -> tuple[list[dict], str]:
    """`sccache-forensics batch URL -o OUTDIR` in a fresh process (the environment as a user has it);
    its rows from fleet.jsonl and its summary line."""
    done = subprocess.run([sys.executable, "-m", "analyzer", "batch", url, "-o", str(outdir), "--jobs", "2", *args],
                          capture_output=True, text=True, timeout=600, check=False, env=dict(os.environ))
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in (outdir / "fleet.jsonl").read_text(encoding="utf-8").splitlines()]
    return rows, done.stdout


@pytest.fixture(scope="module")
def local_copy(uploaded, tmp_path_factory):
    return batch([uploaded], tmp_path_factory.mktemp("local-out") / "out", jobs=2)


def test_listing_a_prefix(uploaded):
    listed, ignored = remote.list_bundles(f"s3://{BUCKET}/{PREFIX}/", lambda n: n.endswith((".zip", ".tar.gz")))
    on_disk = sorted(p.name for p in uploaded.iterdir() if p.name != "broken-empty")
    assert [item.name for item in listed] == on_disk
    assert ignored == [f"s3://{BUCKET}/{PREFIX}/README.txt"]
    assert all(item.url.endswith("/") == item.folder for item in listed)


def test_s3_prefix_gives_the_rows_of_a_local_copy(uploaded, local_copy, tmp_path):
    rows, _ = cli_batch(f"s3://{BUCKET}/{PREFIX}/", tmp_path / "out")
    expected = [r for r in comparable(local_copy.rows) if r["bundle"] != "broken-empty"]
    assert comparable(rows) == expected
    assert sum(1 for r in rows if not r["error"]) >= 20
    assert all(r["path"].startswith(f"s3://{BUCKET}/{PREFIX}/") for r in rows)
    assert all(r["hash"].startswith("etag:") for r in rows)
    for row in rows:
        if row["report"]:
            assert (tmp_path / "out" / row["report"]).is_file()
            assert (tmp_path / "out" / row["report"].replace(".json", ".html")).is_file()
    secrets = set().union(*(planted_secrets(b) for b in SAMPLE_BUNDLES))
    assert secrets, "the samples plant secrets to look for"
    for path in (tmp_path / "out").rglob("*"):
        if path.is_file() and path.suffix != ".parquet":
            text = path.read_text(encoding="utf-8")
            assert not [s for s in secrets if s in text], path


def test_rerun_skips_objects_whose_etag_did_not_change(s3, uploaded, tmp_path):
    url = f"s3://{BUCKET}/{PREFIX}/"
    first, _ = cli_batch(url, tmp_path / "out")
    _, summary = cli_batch(url, tmp_path / "out")
    assert f"{len(first)} bundles: 0 analyzed, {len(first)} unchanged since the last run" in summary
    archive = next(p for p in sorted(uploaded.iterdir()) if p.name.endswith(".tar.gz") and "broken" not in p.name)
    s3.put_object(Bucket=BUCKET, Key=f"{PREFIX}/{archive.name}", Body=(uploaded / "broken-random.tar.gz").read_bytes())
    try:
        changed, summary = cli_batch(url, tmp_path / "out")
        assert f"1 analyzed, {len(first) - 1} unchanged since the last run" in summary
        row = next(r for r in changed if r["bundle"] == archive.name)
        assert "not a gzip archive" in row["error"]
    finally:
        s3.put_object(Bucket=BUCKET, Key=f"{PREFIX}/{archive.name}", Body=archive.read_bytes())


def test_dask_workers_read_the_bundles_from_the_store(uploaded, local_copy, tmp_path):
    """A real scheduler and two worker processes; the workers open the objects themselves and send
    the reports back with the rows, so nothing on the cluster needs the client's disk."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster:
        result = batch([f"s3://{BUCKET}/{PREFIX}/"], tmp_path / "out", engine="dask", scheduler=cluster.scheduler_address)
    expected = [r for r in comparable(local_copy.rows) if r["bundle"] != "broken-empty"]
    assert comparable(result.rows) == expected
    for row in result.rows:
        if row["report"]:
            assert (tmp_path / "out" / row["report"]).is_file()


def test_missing_bucket_is_a_clear_input_error(s3, tmp_path):
    from analyzer.batch.inputs import InputError

    with pytest.raises(InputError, match="no-such-bucket"):
        batch(["s3://no-such-bucket/x/"], tmp_path / "out", jobs=1)


@pytest.mark.parametrize("suffix", [".zip", ".tar.gz"])
def test_archive_objects_are_read_in_place(uploaded, monkeypatch, suffix):
    """An archive object is walked through its remote file object (range reads): a zip is not
    spooled to a temporary file first, a tar.gz streams; the report is the local file's."""
    import analyzer.bundle
    from analyzer.analysis import analyze
    from tests.shared import knowledge

    archive = next(p for p in sorted(uploaded.iterdir()) if p.name.endswith(suffix) and "broken" not in p.name)
    local_report = analyze([str(archive)], knowledge()).report

    def no_spool(*args, **kwargs):
        raise AssertionError("the archive was copied aside")

    monkeypatch.setattr(analyzer.bundle.tempfile, "SpooledTemporaryFile", no_spool)
    source = remote.RemoteBundle(f"s3://{BUCKET}/{PREFIX}/{archive.name}")
    remote_report = analyze([source], knowledge()).report
    assert remote_report["verdict"] == local_report["verdict"]
    assert remote_report["artifacts"] == local_report["artifacts"]


@pytest.mark.parametrize(("url", "package", "extra"), [("gs://bucket/x/", "gcsfs", "gcs"), ("az://c/x/", "adlfs", "azure")])
def test_a_store_without_its_package_is_a_usage_error(tmp_path, url, package, extra):
    if importlib.util.find_spec(package):
        pytest.skip(f"{package} is installed")
    done = subprocess.run([sys.executable, "-m", "analyzer", "batch", url, "-o", str(tmp_path / "out")],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 2
    assert f"needs {package}: pip install 'sccache-forensics[{extra}]'" in done.stderr
    assert "Traceback" not in done.stderr
