"""The DuckDB settings the store writes with, each with the measurement that chose it
(docs/benchmarks.md, "Where the time goes")."""

from __future__ import annotations

# Rows per row group of the tables this class writes (DuckDB's default is 122,880). DuckDB
# compresses and writes a transaction's rows to the file as each row group fills, while the
# writer thread overlaps the next year's compute; a part-full group waits for the commit. At
# 5k employees a year's tables are smaller than one default group, so everything waited:
# 5k x 5 took 1.35 s with the default and 1.17 s with 16,384 (100k x 5: 9.6 s and 9.4 s), for
# a file 16-20% larger. Smaller groups also let a point lookup skip more of the file.
ROW_GROUP_SIZE = 16_384
# DuckDB's buffer limit while a run stores its tables. By default DuckDB may keep 80 % of RAM
# in buffers, and it keeps the blocks of a run's rows it has already written to the file: a
# 100k x 5 run peaked at 1.60-1.62 GiB, with this limit at 1.42-1.45 GiB, in the same time
# (16.2-17.1 s against 16.3-16.5 s; 5k x 5 1.7-2.2 s against 1.9-2.4 s; alternated, quiet,
# 27 November: docs/benchmarks.md, "Where the time goes"). Blocks already in the file are
# dropped from memory, not written again.
RUN_MEMORY_LIMIT = "256MB"
# Memory DuckDB keeps for its 256 KiB blocks while a run stores its tables, instead of
# returning each freed block to the system and faulting fresh zeroed pages in for the next
# (260 KiB ``madvise(MADV_DONTNEED)`` calls by the thousand; the kernel's page clearing was a
# quarter of the writer's CPU). Replaying a 100k x 5 run's writes: 340k page faults and 0.95 s
# of system time without it; 170k and 0.5 s with 128MB (256MB and 1GB: 230k, more peak).
# Whole processes, 100k x 5, 4 alternated pairs: 0.42 s faster (median of the paired
# differences), 57 MiB more peak (28 November).
BLOCK_ALLOCATOR_MEMORY = "128MB"
# Frames of fewer rows are bound as an Arrow C stream (:class:`ArrowStream`), larger ones as a
# pyarrow table. DuckDB reads a stream on one thread and a table on all, so the two years of a
# 100k-employee run's events (971k rows) took 1.2 s and 135 MiB more peak as streams against
# 0.95 s and 63 MiB as tables; but a 5k x 5 run's frames are all under 30k rows, and streamed
# they spare the run pyarrow's import (5k x 5 1.305 s against 1.35 s, 8 alternated pairs,
# 27 November).
STREAMED_ROWS = 4 * ROW_GROUP_SIZE
# A streamed frame is read on one thread, so an insert of one (``Database.append``: the frame
# is all it reads) runs with one DuckDB thread; every other statement, and an insert of a
# larger frame, with ``threads`` again. DuckDB's second thread had taken turns with Polars'
# two on the machine's two cores while the writer stored a year as the next was computed. A
# run's connection also writes each row group as it fills (``write_buffer_row_group_count``
# 1; DuckDB's default buffers 5), on the writer thread, instead of leaving them all for the
# commit. Together: 5k x 5 whole processes 0.945 s against 1.02 s (8 alternated rounds; the
# commit 0.14 s -> 0.03-0.07 s), either change alone 0.01-0.02 s; 100k x 5 the same (7.33 s
# against 7.34 s, 3 rounds): its frames are tables, read by every thread (28 November).
STREAMED_THREADS = 1
RUN_WRITE_BUFFER_ROW_GROUPS = 1
# Rows a frame of :meth:`Database.query_batches` holds at the most (an export's batch).
QUERY_BATCH_ROWS = 100_000
# The WAL size over which DuckDB's commit is a checkpoint, for a run's one transaction
# (``Database.transaction(checkpoint=True)``). With DuckDB's 16 MB a 5k x 5 run's commit wrote
# its last rows to the WAL, and closing the file checkpointed them into it: 20-30 ms of the
# close; now 5k x 5 whole processes 0.015-0.025 s faster (20 alternated pairs, two sittings:
# about 2 %, near what such sittings resolve), 100k x 5 unchanged. Set for
# the whole connection instead, 100k x 5 took 0.4 s longer (docs/benchmarks.md, "The commit as
# a checkpoint", 29 November).
COMMIT_CHECKPOINT_THRESHOLD = "0b"
