package dev.kiln.gcp;

import dev.kiln.api.DiskRequest;

import java.util.List;

/** One {@code --disk size=10G,type=pd-ssd}: an extra persistent disk made with the instance, in whole GB. */
record DiskSpec(long sizeGb, String type) {

    static final String DEFAULT_TYPE = "pd-balanced";

    /** The CLI parsed the values with gcp's keys and checked that each has a size. */
    static List<DiskSpec> of(List<DiskRequest> disks) {
        return disks.stream().map(d -> new DiskSpec(d.sizeGiB().orElseThrow(), d.type().orElse(DEFAULT_TYPE)))
                .toList();
    }
}
