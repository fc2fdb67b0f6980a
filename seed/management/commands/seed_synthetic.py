"""A large synthetic database for load tests: ``manage.py seed_synthetic --patients 100000``.

Each app's part lives in ``seed/synthetic/<app>.py``; parts run in the order of ``PARTS``, chunk
by chunk of patients, each chunk in one transaction. Fixed random seed: the same command gives
the same data.
"""

import multiprocessing
import random
import time
from collections import defaultdict
from types import ModuleType

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections, transaction
from django.utils import timezone

from careteam.models import User
from patients.models import Patient
from seed.synthetic import casemanagement, flags, medication, therapy
from seed.synthetic import patients as care_teams
from seed.synthetic.base import PatientSeed, SeedContext

SEED = 20261127
CHUNK = 5000


# Dependency order: staff, patients and teams first; the flags and the registry's summary rows
# last (the summary needs every component's measures and contacts).
PARTS: tuple[ModuleType, ...] = (care_teams, therapy, medication, casemanagement, flags)


def synthetic_parts() -> tuple[ModuleType, ...]:
    return PARTS


class Command(BaseCommand):
    help = "Fill an empty database with synthetic staff, patients and records (for load tests)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--patients", type=int, default=1000)
        parser.add_argument(
            "--workers", type=int, default=2, help="processes writing chunks in parallel (PostgreSQL only)"
        )
        parser.add_argument(
            "--reuse", action="store_true", help="a database that already has patients: do nothing"
        )

    def handle(self, *args, patients: int, workers: int = 2, reuse: bool = False, **options) -> None:
        if patients < 1:
            raise CommandError("--patients must be at least 1.")
        if Patient.objects.exists() or User.objects.filter(username__startswith="synth_").exists():
            if reuse:
                self.stdout.write("Patients exist already (--reuse): nothing to do.")
                return
            raise CommandError("The database is not empty; use an empty one, or --reuse to keep it.")
        parts = synthetic_parts()
        ctx = SeedContext(
            patients=patients,
            rng=random.Random(SEED),  # noqa: S311 - synthetic data, reproducible
            now=timezone.now(),
        )
        timings: dict[str, float] = defaultdict(float)
        started = time.monotonic()
        with transaction.atomic():
            for part in parts:
                if hasattr(part, "prepare"):
                    t0 = time.monotonic()
                    part.prepare(ctx)
                    timings[part.__name__] += time.monotonic() - t0
        firsts = list(range(0, patients, CHUNK))
        workers = max(1, min(workers, len(firsts)))
        if connection.vendor != "postgresql":
            workers = 1  # SQLite has one writer
        if workers == 1:
            results = [_seed_chunks(ctx, firsts)]  # in this process and connection
        else:
            # Chunks are independent (each has its own random generator), so they are split
            # over worker processes; each opens its own connection after the fork.
            connections.close_all()
            if getattr(connection, "pool", None) is not None:
                # pooled connections must not be shared with the children
                connection.close_pool()  # type: ignore[attr-defined]  # PostgreSQL backend; missing from django-stubs
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                results = pool.starmap(
                    _seed_chunks_in_worker, [(ctx, firsts[w::workers]) for w in range(workers)]
                )
        for part_timings in results:
            for name, seconds in part_timings.items():
                timings[name] += seconds
        if connection.vendor == "postgresql":
            # Fresh statistics: without them the planner misjudges the new tables' sizes (and
            # switches on JIT compilation, ~90 ms a query) until autovacuum gets round to it.
            t0 = time.monotonic()
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            timings["ANALYZE"] += time.monotonic() - t0
        self.stdout.write(
            f"Chunks of {CHUNK} patients on {workers} worker process(es); "
            "seconds per part (summed over workers):"
        )
        for name, seconds in timings.items():
            self.stdout.write(f"{name:<28} {seconds:8.1f} s")
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {patients} patients, {len(ctx.teams) * 3} clinicians in "
                f"{time.monotonic() - started:.1f} s. Clinicians sign in as synth_t_00001 etc."
            )
        )


def _seed_chunks(ctx: SeedContext, firsts: list[int]) -> dict[str, float]:
    """Write the chunks starting at ``firsts``, one transaction each; seconds per part."""
    parts = synthetic_parts()
    timings: dict[str, float] = defaultdict(float)
    for first in firsts:
        ctx.rng = random.Random(SEED + first)  # noqa: S311 - reproducible, not secret
        chunk = [PatientSeed(index=i) for i in range(first, min(first + CHUNK, ctx.patients))]
        with transaction.atomic():
            for part in parts:
                t0 = time.monotonic()
                part.seed_chunk(ctx, chunk)
                timings[part.__name__] += time.monotonic() - t0
    return dict(timings)


def _seed_chunks_in_worker(ctx: SeedContext, firsts: list[int]) -> dict[str, float]:
    """The same in a pool process, which closes the connection it opened before it exits."""
    try:
        return _seed_chunks(ctx, firsts)
    finally:
        connections.close_all()
