package dev.kiln.openstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.api.ByteSize;
import dev.kiln.api.DiskRequest;
import dev.kiln.api.KilnException;
import dev.kiln.api.Lifecycle;
import dev.kiln.spi.Cleanup;
import dev.kiln.spi.Options;
import dev.kiln.spi.ProviderContext;
import dev.kiln.spi.PushRequest;
import dev.kiln.spi.PushResult;
import dev.kiln.spi.Resource;
import dev.kiln.spi.RunRequest;
import dev.kiln.spi.RunResult;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code run openstack}: Nova {@code POST /servers} with user_data (base64), a config drive, boot from volume and
 * blank volumes ({@code block_device_mapping_v2}), then a bounded wait for ACTIVE (ERROR reports the server's
 * fault), a floating IP from Neutron, and the console log. The server's metadata carries kiln:name, kiln:image and
 * kiln:version, and a floating IP the description {@link KilnServers#floatingIpDescription}, by which {@code kiln ls}
 * and {@code kiln rm} find them. A failure or Ctrl-C removes what was made.
 */
final class RunServer {

    private static final Pattern UUID = OpenStackProvider.UUID;

    private final ProviderContext context;
    private final RunRequest request;
    private final Options options;
    private final Cleanup cleanup;

    RunServer(ProviderContext context, RunRequest request) {
        this.context = context;
        this.request = request;
        this.options = context.options();
        this.cleanup = new Cleanup(context.events(), OpenStackErrors::reason);
    }

    /** @param local the local image file the CLI described, to push before the server is made */
    RunResult run(Optional<PushRequest> local) throws InterruptedException {
        if (local.isEmpty() && Files.isRegularFile(Path.of(request.image()))) {
            throw KilnException.usage("run openstack takes a Glance image id or name, not a local file; push the file "
                    + "first with 'kiln push openstack " + request.image() + "' (which sets the architecture and firmware "
                    + "properties Nova boots by, from the file's build) and run the id it prints");
        }
        String flavorName = options.require(OpenStackFlags.FLAVOR);
        for (String key : request.tags().keySet()) {
            if (key.startsWith("kiln:")) {
                throw KilnException.usage("--tag " + key + ": keys starting with kiln: are kiln's own (rm finds the "
                        + "server by them)");
            }
        }
        Optional<PushResult> pushed = local.isPresent() ? Optional.of(pushed(local.get())) : Optional.empty();
        OpenStackConnection cloud = OpenStackConnection.open(context);
        String nova = cloud.endpoint("compute");
        Glance glance = new Glance(cloud.http, cloud.endpoint("image"), cloud.retry);
        OpenStackConnection calm = cloud.detached(context);
        try {
            String image = pushed.isPresent() ? pushed.get().images().stream().findFirst()
                    .map(PushResult.Placement::imageId).orElse("(the image the push would make)") : imageId(glance);
            String flavor = flavorId(cloud, nova, flavorName);
            ObjectNode body = serverBody(cloud, image, flavor);
            if (request.dryRun()) {
                context.events().info("dry run: would create server " + request.name() + " from image " + image
                        + " with flavor " + flavor);
                return RunResult.builder("openstack", "").location(cloud.location()).state("dry-run").build();
            }
            JsonNode made = cloud.http.json("POST", nova + "/servers", body).body().path("server");
            String id = made.path("id").asText();
            cleanup.add("server " + id + " (" + request.name() + ")", "openstack server delete " + id,
                    () -> calm.http.json("DELETE", nova + "/servers/" + id, null));
            context.events().info("created server " + id + " (" + request.name() + ")");
            RunResult.Builder result = RunResult.builder("openstack", id).location(cloud.location())
                    .created(Resource.of("server", id, cloud.location()));
            if (pushed.filter(p -> p.outcome() != PushResult.Outcome.EXISTED).isPresent()) {
                result.created(Resource.of("image", image, cloud.location()));
            }
            Lifecycle.Wait wait = request.lifecycle().waitOr(Lifecycle.Wait.RUNNING);
            String state = "BUILD";
            if (wait != Lifecycle.Wait.NONE) {
                JsonNode server = waitActive(cloud, nova, id);
                state = server.path("status").asText();
                server.path("addresses").fields().forEachRemaining(net -> net.getValue().forEach(a ->
                        result.address(a.path("OS-EXT-IPS:type").asText("fixed") + "_ipv"
                                + a.path("version").asInt(4), a.path("addr").asText())));
                Optional<String> floating = options.find(OpenStackFlags.FLOATING_IP);
                if (floating.isPresent()) {
                    String ip = floatingIp(cloud, calm, id, floating.get(), result);
                    result.address("public_ipv4", ip);
                }
                Optional<Path> log = options.path(OpenStackFlags.CONSOLE_LOG);
                if (log.isPresent()) {
                    consoleLog(cloud, nova, id, log.get());
                    result.consoleLog(log.get());
                }
            }
            boolean removed = false;
            if (request.lifecycle().rm()) {
                cleanup.undo();
                removed = true;
            } else {
                cleanup.clear();
            }
            return result.state(state).removed(removed).build();
        } catch (RuntimeException e) {
            KilnException k = OpenStackErrors.toKiln("run server " + request.name(), e);
            String undone = request.lifecycle().keep() ? "" : cleanup.undo();
            throw undone.isEmpty() ? k : new KilnException(k.getMessage() + "; " + undone, k);
        } catch (InterruptedException e) {
            String undone = request.lifecycle().keep() ? "" : cleanup.undo();
            InterruptedException again = new InterruptedException("run openstack was cancelled"
                    + (undone.isEmpty() ? "" : "; " + undone));
            again.initCause(e);
            throw again;
        }
    }

    /**
     * The local image pushed with the push defaults and run's connection flags, its architecture as the CLI says
     * (--arch, else the build's); the image stays (with --rm too):
     * the next run of the same file finds it by its digest instead of uploading again.
     */
    private PushResult pushed(PushRequest local) throws InterruptedException {
        ProviderContext push = context.toBuilder().options(OpenStackFlags.pushFromRun(options, context.env())).build();
        PushResult result = new PushImage(push, local).push();
        result.images().stream().findFirst().ifPresent(i -> context.events().info((result.outcome()
                == PushResult.Outcome.EXISTED ? "found " : "pushed ") + request.image() + " as Glance image "
                + i.imageId() + "; it stays after the server (remove it with 'openstack image delete " + i.imageId()
                + "')"));
        return result;
    }

    private String imageId(Glance glance) throws InterruptedException {
        if (UUID.matcher(request.image()).matches()) {
            return request.image();
        }
        return glance.list(java.util.Map.of("name", request.image(), "status", "active")).stream().findFirst()
                .map(Glance.Image::id).orElseThrow(() -> KilnException.usage("No active Glance image named '"
                        + request.image() + "'; push one with 'kiln push openstack'"));
    }

    private String flavorId(OpenStackConnection cloud, String nova, String name) throws InterruptedException {
        JsonNode flavors = cloud.retry.call("list flavors", () -> cloud.http.json("GET", nova + "/flavors", null))
                .body().path("flavors");
        StringBuilder names = new StringBuilder();
        for (JsonNode f : flavors) {
            if (name.equals(f.path("id").asText()) || name.equals(f.path("name").asText())) {
                return f.path("id").asText();
            }
            names.append(names.length() == 0 ? "" : ", ").append(f.path("name").asText());
        }
        throw KilnException.usage("No flavor '" + name + "' (--flavor); this cloud has " + names);
    }

    private ObjectNode serverBody(OpenStackConnection cloud, String image, String flavor) throws InterruptedException {
        ObjectNode root = OpenStackHttp.JSON.createObjectNode();
        ObjectNode s = root.putObject("server");
        s.put("name", options.find(OpenStackFlags.SERVER_NAME).orElse(request.name()));
        s.put("flavorRef", flavor);
        Optional<Long> bootVolume = options.size(OpenStackFlags.BOOT_VOLUME, ByteSize.GIB)
                .map(b -> new ByteSize(b).ceil(ByteSize.GIB));
        ArrayNode bdm = OpenStackHttp.JSON.createArrayNode();
        if (bootVolume.isPresent()) {
            bdm.addObject().put("boot_index", 0).put("uuid", image).put("source_type", "image")
                    .put("destination_type", "volume").put("volume_size", bootVolume.get())
                    .put("delete_on_termination", true);
        } else {
            s.put("imageRef", image);
        }
        for (DiskRequest disk : request.disks()) {
            ObjectNode d = bdm.addObject().put("boot_index", -1).put("source_type", "blank")
                    .put("destination_type", "volume").put("delete_on_termination", true)
                    .put("volume_size", disk.sizeGiB().orElseThrow());
            disk.type().ifPresent(t -> d.put("volume_type", t));
        }
        if (!bdm.isEmpty()) {
            s.set("block_device_mapping_v2", bdm);
        }
        if (!options.all(OpenStackFlags.NETWORK).isEmpty()) {
            ArrayNode nets = s.putArray("networks");
            for (String n : options.all(OpenStackFlags.NETWORK)) {
                nets.addObject().put("uuid", networkId(cloud, n));
            }
        }
        if (!options.all(OpenStackFlags.SECURITY_GROUP).isEmpty()) {
            ArrayNode groups = s.putArray("security_groups");
            options.all(OpenStackFlags.SECURITY_GROUP).forEach(g -> groups.addObject().put("name", g));
        }
        options.find(OpenStackFlags.KEY_NAME).ifPresent(k -> s.put("key_name", k));
        request.userdata().ifPresent(u -> s.put("user_data", Base64.getEncoder().encodeToString(u.bytes())));
        if (options.flag(OpenStackFlags.CONFIG_DRIVE)) {
            s.put("config_drive", true);
        }
        ObjectNode meta = s.putObject("metadata");
        request.tags().forEach(meta::put);
        meta.put(KilnServers.NAME, request.name());
        meta.put(KilnServers.IMAGE, image);
        meta.put(KilnServers.VERSION, dev.kiln.api.Version.get());
        return root;
    }

    private String networkId(OpenStackConnection cloud, String name) throws InterruptedException {
        if (UUID.matcher(name).matches()) {
            return name;
        }
        String neutron = cloud.endpoint("network");
        JsonNode nets = cloud.retry.call("find network " + name, () -> cloud.http.json("GET", neutron
                + "/v2.0/networks?name=" + URLEncoder.encode(name, StandardCharsets.UTF_8), null)).body()
                .path("networks");
        if (nets.isEmpty()) {
            throw KilnException.usage("No network named '" + name + "' (--network/--floating-ip)");
        }
        return nets.get(0).path("id").asText();
    }

    private JsonNode waitActive(OpenStackConnection cloud, String nova, String id) throws InterruptedException {
        Duration timeout = request.lifecycle().timeoutOr(Duration.ofMinutes(10));
        return context.poll(Duration.ofSeconds(3), timeout, "raise --timeout, or look with 'openstack server show "
                + id + "'").until("server " + id + " to become ACTIVE", () -> {
            JsonNode server = cloud.retry.call("GET server " + id, () -> cloud.http.json("GET", nova + "/servers/"
                    + id, null)).body().path("server");
            String status = server.path("status").asText();
            if (status.equals("ACTIVE")) {
                return Optional.of(server);
            }
            if (status.equals("ERROR")) {
                JsonNode fault = server.path("fault");
                throw KilnException.tried("start server " + id, "Nova set it ERROR: "
                        + fault.path("message").asText("no fault given") + (fault.has("code") ? " (code "
                        + fault.path("code").asText() + ")" : ""), "check the flavor, image and quotas");
            }
            return Optional.empty();
        });
    }

    private String floatingIp(OpenStackConnection cloud, OpenStackConnection calm, String server, String network,
                              RunResult.Builder result) throws InterruptedException {
        String neutron = cloud.endpoint("network");
        String external = networkId(cloud, network);
        JsonNode ports = cloud.retry.call("find the server's port", () -> cloud.http.json("GET", neutron
                + "/v2.0/ports?device_id=" + server, null)).body().path("ports");
        if (ports.isEmpty()) {
            throw KilnException.tried("attach a floating IP to server " + server, "it has no port", "pass --network");
        }
        ObjectNode body = OpenStackHttp.JSON.createObjectNode();
        body.putObject("floatingip").put("floating_network_id", external)
                .put("port_id", ports.get(0).path("id").asText())
                .put("description", KilnServers.floatingIpDescription(server));
        JsonNode fip = cloud.http.json("POST", neutron + "/v2.0/floatingips", body).body().path("floatingip");
        String fipId = fip.path("id").asText();
        cleanup.add("floating IP " + fip.path("floating_ip_address").asText() + " (" + fipId + ")",
                "openstack floating ip delete " + fipId,
                () -> calm.http.json("DELETE", neutron + "/v2.0/floatingips/" + fipId, null));
        result.created(Resource.of("floating ip", fipId, cloud.location()));
        return fip.path("floating_ip_address").asText();
    }

    private void consoleLog(OpenStackConnection cloud, String nova, String id, Path file) throws InterruptedException {
        ObjectNode body = OpenStackHttp.JSON.createObjectNode();
        body.putObject("os-getConsoleOutput").put("length", 10000);
        String output = cloud.http.json("POST", nova + "/servers/" + id + "/action", body).body().path("output")
                .asText("");
        try {
            Files.writeString(file, output);
        } catch (IOException e) {
            throw KilnException.tried("save the console log to " + file, KilnException.reason(e),
                    "check the folder is writable", e);
        }
        context.events().info("console log of " + id + " saved to " + file);
    }
}
