package dev.kiln.openstack;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.api.Architecture;
import dev.kiln.api.BootMode;
import dev.kiln.api.ByteSize;
import dev.kiln.api.KilnException;
import dev.kiln.api.PublishPolicy;
import dev.kiln.spi.Cleanup;
import dev.kiln.spi.ExistingImages;
import dev.kiln.spi.Options;
import dev.kiln.spi.ProviderContext;
import dev.kiln.spi.PushRequest;
import dev.kiln.spi.PushResult;
import dev.kiln.spi.Resource;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code push openstack}: create the image with its properties, stream the data, wait until active, compare
 * Glance's checksums with kiln's, and publish through the shared if-exists engine (a Glance name is not unique,
 * so the new image is made beside the old one, which is deleted after). Whatever is half made is deleted on a
 * failure or Ctrl-C.
 */
final class PushImage {

    static final String DIGEST = "kiln_digest";
    private static final Set<String> RESERVED = Set.of("id", "name", "status", "visibility", "protected", "checksum",
            "os_hash_algo", "os_hash_value", "size", "virtual_size", "owner", "locations", "direct_url", "tags",
            "container_format", "disk_format", "min_disk", "min_ram", "created_at", "updated_at", "file", "schema",
            "self", DIGEST);

    private final ProviderContext context;
    private final PushRequest request;
    private final Options options;
    private final Cleanup cleanup;

    PushImage(ProviderContext context, PushRequest request) {
        this.context = context;
        this.request = request;
        this.options = context.options();
        this.cleanup = new Cleanup(context.events(), OpenStackErrors::reason);
    }

    PushResult push() throws InterruptedException {
        GlanceImageFile.check(request);
        Map<String, String> properties = properties();
        String visibility = visibility();
        Optional<String> importMethod = options.find(OpenStackFlags.IMPORT_METHOD);
        Optional<WebSource> web = WebSource.of(options, importMethod);
        OpenStackConnection cloud = OpenStackConnection.open(context);
        Glance glance = new Glance(cloud.http, cloud.endpoint("image"), cloud.retry);
        OpenStackConnection calm = cloud.detached(context);
        Glance cleaner = new Glance(calm.http, cloud.endpoint("image"), calm.retry);
        context.events().debug("Glance at " + glance.base());
        GlanceImageFile.Upload upload = web.filter(WebSource::asIs).isPresent()
                ? GlanceImageFile.asIs(request, context.conversions())
                : GlanceImageFile.prepare(request, context.conversions(), context.workDir(), context.events(),
                !request.dryRun(), web.isPresent());
        try {
            Optional<String> method = importMethod.isPresent() && offered(glance, importMethod.get())
                    ? importMethod : Optional.empty();
            Images images = new Images(cloud, glance, cleaner, upload, properties, visibility, method,
                    web.filter(w -> method.isPresent()));
            ExistingImages.Published<Glance.Image> published = ExistingImages.sideBySide(
                    request.policy().ifExists(), request.dryRun(), images);
            cleanup.clear();
            PushResult.Builder result = PushResult.builder("openstack", request).outcome(published.outcome());
            published.image().ifPresent(i -> result.image(cloud.location(), i.id()));
            published.retired().ifPresent(old -> result.resource(Resource.of("retired image", old.id(),
                    cloud.location())));
            result.tags(request.policy().tags());
            return result.build();
        } catch (RuntimeException e) {
            throw failed(e);
        } catch (InterruptedException e) {
            String undone = cleanup.undo();
            InterruptedException again = new InterruptedException("push openstack was cancelled"
                    + (undone.isEmpty() ? "" : "; " + undone));
            again.initCause(e);
            throw again;
        }
    }

    /** Whether this Glance offers the import method; if not, says a plain upload is made instead. */
    private boolean offered(Glance glance, String method) throws InterruptedException {
        List<String> methods = glance.importMethods();
        if (methods.contains(method)) {
            return true;
        }
        context.events().warn("Glance offers no " + method + " import (GET /v2/info/import lists " + methods
                + "); uploading the data plainly instead");
        return false;
    }

    private KilnException failed(RuntimeException e) {
        KilnException k = OpenStackErrors.toKiln("push " + request.name() + " to Glance", e);
        String undone = cleanup.undo();
        if (undone.isEmpty()) {
            return k;
        }
        return new KilnException(k.getMessage() + "; " + undone, k);
    }

    /** Properties Nova reads, kiln's digest, the description and --property K=V (which may not override ours). */
    Map<String, String> properties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("architecture", request.arch() == Architecture.ARM64 ? "aarch64" : "x86_64");
        boolean uefi = request.arch() == Architecture.ARM64
                || (request.bootModes().contains(BootMode.UEFI) && !request.bootModes().contains(BootMode.BIOS));
        if (uefi) {
            p.put("hw_firmware_type", "uefi");
            if (request.arch() == Architecture.AMD64) {
                p.put("hw_machine_type", "q35");
            }
        }
        options.find(OpenStackFlags.OS_DISTRO).ifPresent(v -> p.put("os_distro", v));
        request.policy().description().ifPresent(v -> p.put("description", v));
        for (String kv : options.all(OpenStackFlags.PROPERTY)) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw KilnException.usage("--property takes KEY=VALUE, not '" + kv + "'");
            }
            String key = kv.substring(0, eq).trim();
            if (RESERVED.contains(key)) {
                throw KilnException.usage("--property " + key + " is set by kiln or Glance itself; use "
                        + (key.equals("visibility") ? "--visibility" : key.startsWith("min_") ? "--min-disk/--min-ram"
                        : "another name"));
            }
            p.put(key, kv.substring(eq + 1));
        }
        p.put(DIGEST, request.contentDigest());
        return p;
    }

    private String visibility() {
        PublishPolicy policy = request.policy();
        String v = policy.isPublic() ? "public" : options.require(OpenStackFlags.VISIBILITY);
        if (!Set.of("private", "shared", "community", "public").contains(v)) {
            throw KilnException.usage("--visibility must be private, shared, community or public, not '" + v + "'");
        }
        if (!policy.shareWith().isEmpty() && !v.equals("shared")) {
            if (policy.isPublic()) {
                throw KilnException.usage("--share-with and --public contradict each other; pass one");
            }
            v = "shared";
        }
        return v;
    }

    /** The image catalog the if-exists engine works on. */
    private final class Images implements ExistingImages.SideBySide<Glance.Image> {
        private final OpenStackConnection cloud;
        private final Glance glance;
        private final Glance cleaner;
        private final GlanceImageFile.Upload upload;
        private final Map<String, String> properties;
        private final String visibility;
        private final Optional<String> method;
        private final Optional<WebSource> web;

        Images(OpenStackConnection cloud, Glance glance, Glance cleaner, GlanceImageFile.Upload upload,
               Map<String, String> properties, String visibility, Optional<String> method, Optional<WebSource> web) {
            this.method = method;
            this.web = web;
            this.cloud = cloud;
            this.glance = glance;
            this.cleaner = cleaner;
            this.upload = upload;
            this.properties = properties;
            this.visibility = visibility;
        }

        private Map<String, String> own(String key, String value) {
            Map<String, String> f = new LinkedHashMap<>();
            f.put(key, value);
            if (!cloud.session.projectId().isEmpty()) {
                f.put("owner", cloud.session.projectId());
            }
            f.put("status", "active");
            return f;
        }

        @Override
        public Optional<Glance.Image> findByDigest() throws InterruptedException {
            return glance.list(own(DIGEST, request.contentDigest())).stream()
                    .filter(i -> i.property(DIGEST).equals(request.contentDigest())).findFirst();
        }

        @Override
        public Optional<Glance.Image> findByName() throws InterruptedException {
            return glance.list(own("name", request.name())).stream().findFirst();
        }

        @Override
        public String describe(Glance.Image image) {
            return "Glance image " + image;
        }

        @Override
        public Glance.Image create() throws InterruptedException {
            ObjectNode body = OpenStackHttp.JSON.createObjectNode();
            body.put("name", request.name());
            body.put("disk_format", upload.diskFormat());
            body.put("container_format", "bare");
            body.put("visibility", visibility);
            long gib = 1L << 30;
            long minDisk = options.size(OpenStackFlags.MIN_DISK, gib).map(b -> new ByteSize(b).ceil(gib))
                    .orElse(Math.max(1, (upload.virtualSize() + gib - 1) / gib));
            body.put("min_disk", minDisk);
            options.size(OpenStackFlags.MIN_RAM, ByteSize.MIB)
                    .ifPresent(v -> body.put("min_ram", new ByteSize(v).ceil(ByteSize.MIB)));
            var tags = body.putArray("tags");
            request.policy().tags().forEach((k, v) -> tags.add(v.isEmpty() ? k : k + "=" + v));
            properties.forEach(body::put);

            Glance.Image made = glance.create(body);
            Cleanup.Handle handle = removedOnFailure(made);
            Glance.Image active = null;
            if (method.isPresent()) {
                UploadImageData.Sent sent = web.isPresent() ? UploadImageData.digest(upload.body(), context.events())
                        : staged(made);
                WebSource.Fetch fetch = web.isPresent() ? fetched(made, web.get()) : null;
                try {
                    active = imported(made, fetch == null ? null : fetch.url());
                } catch (RuntimeException e) {
                    context.events().warn("the " + method.get() + " import of " + made + " failed (" + e.getMessage()
                            + "); deleting it and uploading the data plainly to a new image instead");
                    cleaner.delete(made.id());
                    handle.keep();
                    made = glance.create(body);
                    handle = removedOnFailure(made);
                } finally {
                    if (fetch != null) {
                        fetch.close();
                    }
                }
                if (active != null) {
                    verify(active, sent);
                }
            }
            if (active == null) {
                active = uploaded(made);
            }
            for (String project : request.policy().shareWith()) {
                glance.addMember(active.id(), project);
            }
            handle.keep();
            return active;
        }

        private Cleanup.Handle removedOnFailure(Glance.Image made) {
            return cleanup.add("Glance image " + made, "openstack image delete " + made.id(),
                    () -> cleaner.delete(made.id()));
        }

        /** A plain {@code PUT /v2/images/{id}/file}, the bounded wait for active, and the hash comparison. */
        private Glance.Image uploaded(Glance.Image made) throws InterruptedException {
            context.events().info("created Glance image " + made + " (" + upload.diskFormat() + "), uploading "
                    + upload.body().name() + ", " + upload.body().size() + " bytes");
            UploadImageData.Sent sent = UploadImageData.put(cloud.http, glance.base() + "/images/" + made.id()
                    + "/file", upload.body(), context.events());
            Glance.Image active = waitActive(made);
            verify(active, sent);
            return active;
        }

        /** Interoperable import, first step: {@code PUT /v2/images/{id}/stage}, streamed and hashed like an upload. */
        private UploadImageData.Sent staged(Glance.Image made) throws InterruptedException {
            context.events().info("created Glance image " + made + " (" + upload.diskFormat() + "), staging "
                    + upload.body().name() + " for a glance-direct import");
            return UploadImageData.put(cloud.http, glance.base() + "/images/" + made.id() + "/stage", upload.body(),
                    context.events());
        }

        /**
         * {@code POST /v2/images/{id}/import} with glance-direct (after the stage), or web-download with the URI
         * Glance fetches; then the bounded wait for active, which fails on {@code os_glance_failed_import}.
         */
        private Glance.Image imported(Glance.Image made, String uri) throws InterruptedException {
            ObjectNode body = OpenStackHttp.JSON.createObjectNode();
            ObjectNode m = body.putObject("method").put("name", uri == null ? "glance-direct" : WebSource.METHOD);
            if (uri != null) {
                m.put("uri", uri);
            }
            cloud.http.json("POST", glance.base() + "/images/" + made.id() + "/import", body);
            return waitActive(made);
        }

        /** web-download: Glance fetches the data from --source-url, or from kiln while the import lasts (--serve). */
        private WebSource.Fetch fetched(Glance.Image made, WebSource source) {
            WebSource.Fetch fetch = source.open(upload.file(), context.workDir(), context.events());
            context.events().info("created Glance image " + made + " (" + upload.diskFormat() + "), asking Glance "
                    + "to fetch it" + (source.asIs() ? " from --source-url" : " from kiln") + " (web-download)");
            return fetch;
        }

        @Override
        public void retire(Glance.Image old) throws InterruptedException {
            context.events().info("deleting the replaced image " + old);
            glance.delete(old.id());
        }

        private Glance.Image waitActive(Glance.Image made) throws InterruptedException {
            Duration timeout = options.duration(OpenStackFlags.WAIT_ACTIVE).orElse(Duration.ofMinutes(10));
            return context.poll(Duration.ofSeconds(2), timeout, "raise --image-timeout, or look at the image with "
                    + "'openstack image show " + made.id() + "'").until("image " + made + " to become active", () -> {
                Glance.Image now = glance.show(made.id());
                switch (now.status()) {
                    case "active":
                        return Optional.of(now);
                    case "killed", "deleted", "pending_delete":
                        throw KilnException.tried("upload image " + made, "Glance set it " + now.status()
                                + glance.taskMessage(made.id()).map(m -> " (" + m + ")").orElse(""), "try again");
                    default:
                        if (!now.property("os_glance_failed_import").isBlank()) {
                            throw KilnException.tried("import image " + made, "the import failed ("
                                    + glance.taskMessage(made.id()).orElse(now.property("os_glance_failed_import"))
                                    + ")", "try again");
                        }
                        return Optional.empty();
                }
            });
        }

        private void verify(Glance.Image active, UploadImageData.Sent sent) {
            String md5 = active.property("checksum");
            String algo = active.property("os_hash_algo");
            String hash = active.property("os_hash_value");
            List<String> wrong = new java.util.ArrayList<>();
            if (!md5.isEmpty() && !md5.equalsIgnoreCase(sent.md5())) {
                wrong.add("checksum (MD5) " + md5 + " is not kiln's " + sent.md5());
            }
            if (algo.equalsIgnoreCase("sha512") && !hash.equalsIgnoreCase(sent.sha512())) {
                wrong.add("os_hash_value (SHA-512) " + hash + " is not kiln's " + sent.sha512());
            }
            long size = active.raw().path("size").asLong(-1);
            if (size >= 0 && size != sent.bytes()) {
                wrong.add("size " + size + " is not the " + sent.bytes() + " bytes kiln sent");
            }
            if (!wrong.isEmpty()) {
                throw KilnException.tried("verify Glance image " + active, "Glance stored other bytes than kiln sent: "
                        + String.join("; ", wrong), "try again; if it repeats, something on the path alters the data");
            }
            if (md5.isEmpty() && hash.isEmpty()) {
                context.events().warn("Glance reported no checksum for " + active + ": the upload could not be verified");
            } else {
                context.events().info("verified " + active + ": " + (hash.isEmpty() ? "MD5" : "MD5 and " + algo)
                        + " match what kiln sent");
            }
        }
    }
}
