package dev.kiln.boot.part;

/** One of the four MBR partition entries; {@code firstLba} and {@code sectors} in 512-byte sectors. */
public record MbrPartition(boolean active, int type, long firstLba, long sectors) {

    public static final int PROTECTIVE = 0xEE;
    public static final int EFI_SYSTEM = 0xEF;
    /** The type isohybrid gives the partition that spans an ISO image. */
    public static final int ISOHYBRID = 0x17;

    public MbrPartition {
        if (firstLba > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("an MBR partition cannot start beyond 2 TiB");
        }
        sectors = Math.min(sectors, 0xFFFF_FFFFL);
    }
}
