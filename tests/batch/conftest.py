"""One fleet of a few hundred bundles (with broken ones), analyzed once by the local engine."""

from __future__ import annotations

import pytest

from tests.batch.helpers import batch, make_fleet

FLEET_SIZE = 240


@pytest.fixture(scope="session")
def fleet(tmp_path_factory):
    return make_fleet(tmp_path_factory.mktemp("fleet") / "in", FLEET_SIZE)


@pytest.fixture(scope="session")
def fleet_run(fleet, tmp_path_factory):
    outdir = tmp_path_factory.mktemp("fleet-out") / "out"
    return batch([fleet], outdir, jobs=2)
