package dev.kiln.disk.vmdk;

import dev.kiln.disk.Channels;
import dev.kiln.disk.FileSlice;
import dev.kiln.disk.tar.TarHeaders;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Opens the disk of an OVA (OVF 1.0, section 5.3: a tar of the descriptor, manifest and disks) in
 * place: the tar headers are walked to the one {@code .vmdk} member, which is read through
 * {@link VmdkSource} as a window of the archive, so nothing is unpacked.
 */
public final class OvaSource {

    private OvaSource() {
    }

    /** True when the first block of a file is a ustar or GNU tar header. */
    public static boolean isTar(ByteBuffer first) {
        return TarHeaders.text(first, 257, 5).equals("ustar");
    }

    public static VmdkSource open(Path path) throws IOException {
        FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
        try {
            List<long[]> disks = new ArrayList<>();
            List<String> names = new ArrayList<>();
            ByteBuffer h = ByteBuffer.allocate(TarHeaders.BLOCK);
            for (long at = 0; at + TarHeaders.BLOCK <= ch.size(); ) {
                Channels.readFully(ch, h.clear(), at);
                if (TarHeaders.isEnd(h)) {
                    break;
                }
                String name = TarHeaders.text(h, 0, 100);
                long size = TarHeaders.parseNumber(h, 124, 12);
                byte type = h.get(156);
                if ((type == '0' || type == 0) && name.toLowerCase(Locale.ROOT).endsWith(".vmdk")) {
                    disks.add(new long[] {at + TarHeaders.BLOCK, size});
                    names.add(name);
                }
                at += TarHeaders.BLOCK + (size + TarHeaders.BLOCK - 1) / TarHeaders.BLOCK * TarHeaders.BLOCK;
            }
            if (disks.size() != 1) {
                throw SparseExtentHeader.unsupported(path, disks.isEmpty() ? "it is a tar that holds no .vmdk disk"
                        : "it holds " + disks.size() + " disks " + names + ", and kiln reads OVAs of one disk");
            }
            long[] disk = disks.get(0);
            if (disk[0] + disk[1] > ch.size()) {
                throw SparseExtentHeader.corrupt(path, "its disk " + names.get(0) + " runs past the end of the file");
            }
            return VmdkSource.open(new FileSlice(ch, disk[0], disk[1]), path.resolve(names.get(0)));
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }
}
