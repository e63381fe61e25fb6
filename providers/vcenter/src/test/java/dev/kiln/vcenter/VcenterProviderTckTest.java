package dev.kiln.vcenter;

import dev.kiln.api.Architecture;
import dev.kiln.api.Artifact;
import dev.kiln.api.BootMode;
import dev.kiln.api.Events;
import dev.kiln.api.ImageFormat;
import dev.kiln.api.PublishPolicy;
import dev.kiln.build.CoreConversions;
import dev.kiln.spi.ProviderFactory;
import dev.kiln.spi.PushRequest;
import dev.kiln.testkit.ProviderHarness;
import dev.kiln.testkit.ProviderTck;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/** The SPI's behavioural TCK against vcsim (content library over /rest) behind a recording, fault-injecting proxy. */
class VcenterProviderTckTest extends ProviderTck {

    @Override
    protected ProviderFactory factory() {
        return new VcenterProviderFactory();
    }

    @Override
    protected StandIn newStandIn() throws Exception {
        VcenterWorld world = new VcenterWorld();
        world.createLibrary("kiln");
        return world;
    }

    @Override
    protected PushRequest pushRequest(Path dir, String name, String digest) throws Exception {
        return new PushRequest(Artifact.single(ImageFormat.OVA, ova(dir, "tck")), name, Architecture.AMD64,
                Set.of(BootMode.BIOS, BootMode.UEFI), digest, PublishPolicy.DEFAULT, false);
    }

    /** kiln's own OVA (OVF + streamOptimized VMDK) of a small sample disk, written once per folder. */
    static Path ova(Path dir, String name) throws Exception {
        Path ova = dir.resolve(name + ".ova");
        if (!Files.exists(ova)) {
            Path disk = ProviderHarness.sampleDisk(dir, name, 16 << 20);
            CoreConversions conversions = new CoreConversions();
            conversions.write(conversions.open(disk), ImageFormat.OVA, ova, name, Events.none());
        }
        return ova;
    }
}
