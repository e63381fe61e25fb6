package dev.kiln.gcp;

import dev.kiln.testkit.FakeTime;
import dev.kiln.testkit.ProviderHarness;
import dev.kiln.testkit.ProviderTck;
import dev.kiln.testkit.StandInSetup;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Google as the TCK and the CLI's publish tests see it: {@link FakeCompute} for images and operations (and the OAuth
 * token), {@link FakeGcsServer} for the resumable upload and objects, both logging their mutating calls to one
 * {@link Mutations}. Public, and free of the provider's own classes but in {@link #harness}, so a CLI test can point
 * the installed provider at it.
 */
public final class GcpStandIn implements ProviderTck.StandIn {

    /** A replacement made while the old image holds the name is NAME-yyyyMMdd-HHmmss[-n]. */
    private static final String DATED = "-\\d{8}-\\d{6}(-\\d+)?";

    private final Mutations mutations = new Mutations();
    private final FakeGcsServer gcs = new FakeGcsServer(true);
    private final FakeCompute compute = new FakeCompute(mutations, gcs);
    private final FakeTime time = new FakeTime();

    public GcpStandIn() throws Exception {
        gcs.buckets.add("kiln-images");
        gcs.mutations = mutations;
    }

    /** Compute's images, instances and disks. */
    FakeCompute compute() {
        return compute;
    }

    /** The environment and push flags that point the gcp provider here; the key file is written to {@code workDir}. */
    public StandInSetup setup(Path workDir) throws Exception {
        return StandInSetup.create()
                .env("NO_GCE_CHECK", "true").env("CLOUDSDK_CONFIG", workDir.resolve("gcloud").toString())
                .flag("keys", GcpFake.key(workDir, compute.endpoint() + "/token", true).toString())
                .flag("endpoint", compute.endpoint()).flag("storage-endpoint", gcs.endpoint())
                .flag("bucket", "kiln-images");
    }

    @Override
    public ProviderHarness harness(Path workDir) throws Exception {
        return setup(workDir).harness(new GcpProviderFactory(), workDir).clock(time).sleeper(time);
    }

    @Override
    public List<String> mutations() {
        return mutations.log();
    }

    @Override
    public Set<String> resources() {
        Set<String> all = new TreeSet<>();
        synchronized (compute) {
            compute.images.keySet().forEach(name -> all.add("image " + name));
            compute.zones.instances.keySet().forEach(key -> all.add("instance " + key));
            compute.zones.disks.keySet().forEach(key -> all.add("disk " + key));
        }
        gcs.objects.keySet().forEach(key -> all.add("object gs://" + key));
        gcs.openSessionIds().forEach(id -> all.add("upload session " + id));
        return all;
    }

    @Override
    public Map<String, String> images(String name) {
        Pattern named = Pattern.compile(Pattern.quote(name) + "(" + DATED + ")?");
        Map<String, String> found = new LinkedHashMap<>();
        synchronized (compute) {
            compute.images.forEach((image, stored) -> {
                if (named.matcher(image).matches()) {
                    found.put("projects/" + GcpFake.PROJECT + "/global/images/" + image, stored.digest());
                }
            });
        }
        return found;
    }

    @Override
    public void failMutation(int n) {
        mutations.failAt(n);
    }

    @Override
    public void onMutation(int n, Runnable action) {
        mutations.actAt(n, action);
    }

    /** The key's private part, line by line as it sits in the file, and the access token the stand-in hands out. */
    @Override
    public Set<String> secrets() {
        try {
            Set<String> secrets = new TreeSet<>();
            for (String line : GcpFake.privateKey().split("\n")) {
                if (!line.startsWith("-----")) {
                    secrets.add(line);
                }
            }
            secrets.add("ya29.c.kiln-tck-token");
            return secrets;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        compute.close();
        gcs.close();
    }
}
