"""Writing a full run's results a slice at a time: only what changed since the last run.

A full run fingerprints its results per bucket of enterprises (ids b × BUCKET up to the
next bucket): one 8-byte fingerprint per enterprise (a wrapping sum of its row hashes,
with its row count), and per bucket their sum and the row count. It compares them with
the fingerprints the last full run stored (MatchDigest). Buckets whose fingerprint is
the same are not touched; in a changed bucket only the enterprises whose fingerprint
changed are read back and diffed row by row, and only the rows that appeared,
disappeared or changed are deleted and inserted (the others keep their `decided_at`).
A bucket without a stored fingerprint is read back whole. With no stored fingerprints
at all (the first run, or after a re-match of items) the table is rebuilt instead: COPY
into a fresh table, slice by slice, keyed and swapped in at the end (PostgreSQL).

All of it happens in the caller's transaction, so readers see the old results until
the run commits. Every other write of results deletes the fingerprints of what it
touched in its own transaction (storing.forget), so a fingerprint is trusted only while
the rows it describes are exactly those the last full run wrote."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl
from django.db import connection, transaction
from django.db.models import F

from qinqing.policies import storing
from qinqing.policies.models import MatchDigest, MatchResult
from qinqing.policies.plan import RESULT_SCHEMA
from qinqing.policies.storing import BUCKET, COMPARED, KEY, StoreStats, normalise

SCHEME = f"v2 polars {pl.__version__}"  # row hashes are stable within one Polars version
_LOW = 1 << 32


@dataclass
class Fingerprint:
    digest: int
    rows: int
    members: np.ndarray  # uint64[BUCKET]: each enterprise's fingerprint, 0 without rows


def fingerprints(rows: pl.DataFrame) -> dict[int, Fingerprint]:
    """bucket -> fingerprint of normalised results."""
    if rows.height == 0:
        return {}
    per = (
        rows.select("enterprise_id", pl.struct(KEY + COMPARED).hash(seed=32100).alias("h"))
        .group_by("enterprise_id")
        .agg(
            (pl.col("h") % _LOW).sum().alias("low"),
            (pl.col("h") // _LOW).sum().alias("high"),
            pl.len().cast(pl.UInt64).alias("rows"),
        )
        .sort("enterprise_id")
    )
    ids = per["enterprise_id"].to_numpy()
    counts = per["rows"].to_numpy()
    with np.errstate(over="ignore"):
        values = (
            per["low"].to_numpy().astype(np.uint64) * np.uint64(1_000_003)
            + per["high"].to_numpy().astype(np.uint64) * np.uint64(7919)
            + counts.astype(np.uint64)
        )
    values[values == 0] = 1  # 0 means “no results”
    buckets = ids // BUCKET
    starts = np.flatnonzero(np.r_[True, buckets[1:] != buckets[:-1]])
    ends = np.r_[starts[1:], len(ids)]
    result = {}
    for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
        bucket = int(buckets[start])
        members = np.zeros(BUCKET, dtype=np.uint64)
        members[ids[start:end] - bucket * BUCKET] = values[start:end]
        total = int(counts[start:end].sum())
        digest = (int(members.sum(dtype=np.uint64)) * 31 + total) % (1 << 63)
        result[bucket] = Fingerprint(digest, total, members)
    return result


class FullStore:
    """The results of a full run (or of one shard of it: (shard, shards)), written as
    the run produces them. Open it inside a transaction, `write` each slice's results,
    then `finish`."""

    def __init__(self, shard: tuple[int, int] | None = None) -> None:
        self.shard = shard
        self.stats = StoreStats()
        digests = MatchDigest.objects.select_for_update().order_by("bucket")
        if shard is not None:
            digests = digests.annotate(remainder=F("bucket") % shard[1]).filter(remainder=shard[0])
        self.old: dict[int, tuple[int, int] | None] = {
            bucket: ((digest, rows) if scheme == SCHEME else None)
            for bucket, digest, rows, scheme in digests.values_list(
                "bucket", "digest", "rows", "scheme"
            )
        }
        self.unseen = set(self.old)
        self.staging: str | None = None
        self.stats.rebuilt = not self.old or any(v is None for v in self.old.values())
        if self.stats.rebuilt:
            MatchDigest.objects.filter(bucket__in=list(self.old)).delete()
            if shard is not None:
                storing._delete_shard(*shard)
            elif connection.vendor == "postgresql":
                self.staging = storing.open_staging()
            else:
                MatchResult.objects.all()._raw_delete(MatchResult.objects.db)

    def buckets(self, low: int, high: int) -> list[int]:
        """The buckets of enterprise ids [low, high) this store covers."""
        first, last = low // BUCKET, -(-high // BUCKET)
        if self.shard is None:
            return list(range(first, last))
        return [b for b in range(first, last) if b % self.shard[1] == self.shard[0]]

    def write(self, results: pl.DataFrame, buckets: Sequence[int]) -> None:
        """Store the results of the enterprises of `buckets` (all of their results)."""
        new = normalise(results)
        fresh = fingerprints(new)
        self.unseen -= set(buckets)
        if self.stats.rebuilt:
            if self.staging is not None:
                storing.copy_rows(new, self.staging)
            else:
                storing.replace_scope(new, delete=False)
            self.stats.inserted += new.height
            self._save(fresh, list(fresh))
            return
        changed, unknown, enterprises = [], [], []
        for bucket in buckets:
            old, now = self.old.get(bucket), fresh.get(bucket)
            if old is None:
                unknown.append(bucket)  # no fingerprint: read back (it may hold rows)
                if now is not None:
                    changed.append(bucket)
            elif now is None or old != (now.digest, now.rows):
                changed.append(bucket)
            else:
                self.stats.buckets_unchanged += 1
        self.stats.buckets_changed += len(changed)
        known = [b for b in changed if b not in unknown]
        stored_members = dict(
            MatchDigest.objects.filter(bucket__in=known).values_list("bucket", "members")
        )
        for bucket in known:
            before = np.frombuffer(bytes(stored_members.get(bucket) or b""), dtype=np.uint64)
            after = fresh[bucket].members if bucket in fresh else np.zeros(BUCKET, np.uint64)
            if before.shape != after.shape:
                unknown.append(bucket)
                continue
            enterprises.append(np.flatnonzero(before != after) + bucket * BUCKET)
        ids = np.concatenate(enterprises).tolist() if enterprises else []
        if unknown or ids:
            self._apply(new, unknown, ids)
        self._save(fresh, changed)

    def _apply(self, new: pl.DataFrame, buckets: list[int], ids: list[int]) -> None:
        mine = new.filter(
            (pl.col("enterprise_id") // BUCKET).is_in(buckets) | pl.col("enterprise_id").is_in(ids)
        )
        stored = storing.read_stored(buckets, ids)
        gone = stored.join(mine, on=KEY, how="anti")
        added = mine.join(stored, on=KEY, how="anti")
        both = mine.join(stored, on=KEY, how="inner", suffix="_old")
        differs = pl.any_horizontal([pl.col(c).ne_missing(pl.col(f"{c}_old")) for c in COMPARED])
        updated = both.filter(differs).select(mine.columns)
        removed = pl.concat([gone.select(KEY), updated.select(KEY)])
        written = pl.concat([added, updated])
        storing._delete_pairs(removed)
        storing.replace_scope(written, delete=False)
        self.stats.deleted += removed.height
        self.stats.inserted += written.height

    def _save(self, fresh: dict[int, Fingerprint], buckets: Sequence[int]) -> None:
        MatchDigest.objects.filter(bucket__in=list(buckets)).delete()
        MatchDigest.objects.bulk_create(
            [
                MatchDigest(
                    bucket=b,
                    digest=fresh[b].digest,
                    rows=fresh[b].rows,
                    scheme=SCHEME,
                    members=fresh[b].members.tobytes(),
                )
                for b in buckets
                if b in fresh
            ],
            batch_size=500,
        )

    def finish(self) -> StoreStats:
        """Buckets the last run had but no slice covered (their enterprises are gone)
        lose their rows; a rebuilt table is keyed and swapped in."""
        if self.unseen and not self.stats.rebuilt:
            self.stats.buckets_changed += len(self.unseen)
            nothing = normalise(pl.DataFrame(schema=RESULT_SCHEMA))
            self._apply(nothing, sorted(self.unseen), [])
            MatchDigest.objects.filter(bucket__in=list(self.unseen)).delete()
        if self.staging is not None:
            storing.close_staging(self.staging)
        return self.stats


def store_full(results: pl.DataFrame, *, shard: tuple[int, int] | None = None) -> StoreStats:
    """Make the stored results equal `results` (every item, every enterprise, or every
    enterprise of one shard), in one slice; the caller holds the transaction or this
    opens one."""
    with transaction.atomic():
        store = FullStore(shard)
        ids = results["enterprise_id"]
        low = int(ids.min()) if results.height else 0  # type: ignore[arg-type]
        high = int(ids.max()) + 1 if results.height else 0  # type: ignore[arg-type]
        covered = set(store.buckets(low, high)) if results.height else set()
        covered |= set(store.old)  # stored buckets no longer in the results
        store.write(results, sorted(covered))
        return store.finish()
