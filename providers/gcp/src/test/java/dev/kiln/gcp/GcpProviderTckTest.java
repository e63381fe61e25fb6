package dev.kiln.gcp;

import dev.kiln.api.ImageFormat;
import dev.kiln.spi.ProviderFactory;
import dev.kiln.spi.PushRequest;
import dev.kiln.testkit.ProviderTck;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The provider TCK against Google stand-ins with state: {@link FakeCompute} for images and operations (and the
 * OAuth token), {@link FakeGcsServer} for the resumable upload and objects, both logging their mutating calls
 * to one {@link Mutations} (see {@link GcpStandIn}).
 */
class GcpProviderTckTest extends ProviderTck {

    @Override
    protected ProviderFactory factory() {
        return new GcpProviderFactory();
    }

    @Override
    protected StandIn newStandIn() throws Exception {
        return new GcpStandIn();
    }

    @Override
    protected PushRequest pushRequest(Path dir, String name, String digest) throws Exception {
        Path file = dir.resolve(name + ".img.tar.gz");
        if (!Files.exists(file)) {
            GcpPushTest.tarGz(file, 64 * 1024);
        }
        return PushRequest.of(file, ImageFormat.GCP, name, digest);
    }
}
