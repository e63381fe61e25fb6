package dev.kiln.aws;

/** Where a prepared non-zero block goes: EBS's PutSnapshotBlock, or nowhere when only preparation is measured. */
@FunctionalInterface
interface BlockSink {

    /** {@code data} is valid during the call only. */
    void put(String snapshotId, long index, byte[] data, byte[] sha256) throws InterruptedException;
}
