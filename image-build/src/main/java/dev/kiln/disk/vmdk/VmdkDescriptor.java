package dev.kiln.disk.vmdk;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/** The embedded text descriptor of a monolithic streamOptimized VMDK, as qemu and VMware write it. */
final class VmdkDescriptor {

    private VmdkDescriptor() {
    }

    static byte[] text(String fileName, long capacitySectors) {
        long cylinders = Math.min(65535, capacitySectors / (255 * 63));
        String d = "# Disk DescriptorFile\n"
                + "version=1\n"
                + "CID=" + String.format("%08x", cid(fileName, capacitySectors)) + "\n"
                + "parentCID=ffffffff\n"
                + "createType=\"streamOptimized\"\n\n"
                + "# Extent description\n"
                + "RW " + capacitySectors + " SPARSE \"" + fileName + "\"\n\n"
                + "# The Disk Data Base\n"
                + "#DDB\n\n"
                + "ddb.virtualHWVersion = \"4\"\n"
                + "ddb.geometry.cylinders = \"" + cylinders + "\"\n"
                + "ddb.geometry.heads = \"255\"\n"
                + "ddb.geometry.sectors = \"63\"\n"
                + "ddb.adapterType = \"lsilogic\"\n";
        return d.getBytes(StandardCharsets.US_ASCII);
    }

    /** A content ID that is stable for the same name and size, never the "no parent" values. */
    private static long cid(String name, long sectors) {
        CRC32 crc = new CRC32();
        crc.update((name + ":" + sectors).getBytes(StandardCharsets.UTF_8));
        long v = crc.getValue();
        return v >= 0xfffffffeL ? 0x1 : v;
    }
}
