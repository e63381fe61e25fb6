package dev.kiln.boot.iso;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What an ISO9660 volume holds.
 *
 * @param volumeId   the volume identifier (d-characters, at most 32)
 * @param files      the files, written in this order
 * @param biosBoot   path of a file booted by El Torito no-emulation on x86 BIOS (ISOLINUX), whose
 *                   boot info table is patched (El Torito spec, and the mkisofs -boot-info-table convention)
 * @param efiBoot    path of a FAT image booted by an El Torito entry for platform 0xEF (UEFI)
 */
public record IsoSpec(String volumeId, List<IsoFile> files, Optional<String> biosBoot, Optional<String> efiBoot) {

    public IsoSpec {
        Objects.requireNonNull(volumeId, "volumeId");
        files = List.copyOf(files);
        Objects.requireNonNull(biosBoot, "biosBoot");
        Objects.requireNonNull(efiBoot, "efiBoot");
        if (!volumeId.matches("[A-Za-z0-9_.-]{1,32}")) {
            throw new IllegalArgumentException("ISO volume id must be 1-32 of A-Z a-z 0-9 _ . -: " + volumeId);
        }
    }

    public static IsoSpec plain(String volumeId, List<IsoFile> files) {
        return new IsoSpec(volumeId, files, Optional.empty(), Optional.empty());
    }

    public boolean bootable() {
        return biosBoot.isPresent() || efiBoot.isPresent();
    }
}
