package dev.kiln.aws;

/**
 * What an upload did, for the log and the benchmarks.
 *
 * @param blocksRead blocks read from the local disk (those overlapping data extents)
 * @param bytesRead  bytes read from the local disk
 * @param blocksSent non-zero blocks sent, each once
 * @param bytesSent  bytes of block data sent
 */
record UploadStats(long blocksRead, long bytesRead, long blocksSent, long bytesSent) {
}
