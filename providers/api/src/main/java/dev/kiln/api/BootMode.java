package dev.kiln.api;

/** How firmware starts an image. Hybrid disks carry both. */
public enum BootMode {
    BIOS("bios"),
    UEFI("uefi");

    private final String id;

    BootMode(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }
}
