package dev.kiln.openstack;

import dev.kiln.api.ImageFormat;
import dev.kiln.spi.ProviderFactory;
import dev.kiln.spi.PushRequest;
import dev.kiln.testkit.ProviderHarness;
import dev.kiln.testkit.ProviderTck;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The provider TCK against the real Keystone and Glance of {@link KeystoneGlance}: the stand-in's mutation log and
 * faults are the {@link GlanceProxy} the catalog names as Glance's public endpoint; resources are what Glance holds.
 */
class OpenStackProviderTckTest extends ProviderTck {

    @Override
    protected ProviderFactory factory() {
        return new OpenStackProviderFactory();
    }

    @Override
    protected StandIn newStandIn() throws Exception {
        KeystoneGlance rig = KeystoneGlance.shared();
        rig.proxy.reset();
        return new StandIn() {
            @Override
            public ProviderHarness harness(Path workDir) {
                ProviderHarness h = new ProviderHarness(new OpenStackProviderFactory(), workDir);
                rig.passwordEnv().forEach(h::env);
                return h;
            }

            @Override
            public List<String> mutations() {
                return rig.proxy.mutations();
            }

            @Override
            public Set<String> resources() throws Exception {
                return rig.images();
            }

            @Override
            public Map<String, String> images(String name) throws Exception {
                return rig.imagesNamed(name);
            }

            @Override
            public void failMutation(int n) {
                rig.proxy.failMutation(n);
            }

            @Override
            public void onMutation(int n, Runnable action) {
                rig.proxy.onMutation(n, action);
            }

            @Override
            public Set<String> secrets() {
                return Set.of(KeystoneGlance.PASSWORD);
            }

            @Override
            public void close() {
                rig.proxy.reset();
            }
        };
    }

    @Override
    protected PushRequest pushRequest(Path dir, String name, String digest) throws Exception {
        Path file = dir.resolve(name + ".qcow2");
        if (!Files.exists(file)) {
            Files.write(file, OpenStackFixtures.smallQcow2());
        }
        return PushRequest.of(file, ImageFormat.QCOW2_BIOS, name, digest);
    }
}
