"""A seeded sample for the bench tests. The seed writes through the owner's connection (as `make bench`
does), so the rows are committed: the tests are transactional and the tables are emptied afterwards."""

import pytest

from tcvn_portal.bench import seed

# Ten provinces share the volume of scale 0.01 (10 000 instruments, 200 000 stamps, 50 000 scans): enough
# rows for the planner to choose as it would nationally, small enough to seed in seconds.
SAMPLE_SCALE = 0.01
SAMPLE_PROVINCES = 10


@pytest.fixture
def bench_sample(transactional_db, django_db_blocker):
    report = seed.seed(scale=SAMPLE_SCALE, provinces=SAMPLE_PROVINCES)
    seed.analyze()
    return report
