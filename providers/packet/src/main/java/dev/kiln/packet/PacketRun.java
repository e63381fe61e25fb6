package dev.kiln.packet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.api.KilnException;
import dev.kiln.api.Lifecycle;
import dev.kiln.spi.Cleanup;
import dev.kiln.spi.Options;
import dev.kiln.spi.ProviderContext;
import dev.kiln.spi.Resource;
import dev.kiln.spi.RunRequest;
import dev.kiln.spi.RunResult;

import dev.kiln.spi.FileServer;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code run packet SCRIPT-URL}: a device that boots the published iPXE script (operating_system custom_ipxe,
 * ipxe_script_url, always_pxe so a RAM-booted image PXE-boots on every restart), userdata as plain text, waits
 * for {@code active} (failed fails), reports addresses, removes the device on failure, Ctrl-C or --rm.
 */
final class PacketRun {

    static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(30);

    private final String provider;
    private final ProviderContext ctx;

    PacketRun(String provider, ProviderContext ctx) {
        this.provider = provider;
        this.ctx = ctx;
    }

    RunResult run(RunRequest request) throws InterruptedException {
        Options o = ctx.options();
        Optional<String> serve = o.find(PacketOptions.SERVE);
        Optional<Path> served = serve.map(addr -> servedScript(request));
        Optional<String> given = served.isPresent() ? Optional.empty() : Optional.of(scriptUrl(request.image()));
        if (!request.disks().isEmpty()) {
            throw KilnException.usage("run " + provider + " does not take --disk: " + PacketProviderFactory.NO_DISKS);
        }
        request.tags().keySet().stream().filter(k -> k.startsWith("kiln:")).findFirst().ifPresent(k -> {
            throw KilnException.usage("--tag " + k + ": keys starting with kiln: are kiln's own (kiln ls finds the "
                    + "devices it made by " + KilnDevices.NAME_TAG + "NAME)");
        });
        Optional<String> userdata = request.userdata().map(u -> new String(u.bytes(), StandardCharsets.UTF_8));
        if (userdata.filter(u -> u.startsWith("#!ipxe")).isPresent()) {
            throw KilnException.usage("The userdata is an iPXE script, which the API refuses together with "
                    + "ipxe_script_url, and the image is already an iPXE script: pass plain userdata");
        }
        Optional<String> reuse = o.find(PacketOptions.DEVICE);
        String project = reuse.isPresent() ? "" : o.find(PacketOptions.PROJECT).orElseThrow(() -> KilnException.usage(
                "run " + provider + " needs --project ID (or METAL_PROJECT_ID) to create a device, or --device ID"));
        String metro = reuse.isPresent() ? "" : o.find(PacketOptions.METRO).orElseThrow(() -> KilnException.usage(
                "run " + provider + " needs --metro (e.g. sv, am, da) to create a device"));
        if (serve.isPresent() && request.lifecycle().waitOr(Lifecycle.Wait.RUNNING) == Lifecycle.Wait.NONE) {
            throw KilnException.usage("--serve serves the files while the run lasts, and with --wait none it ends "
                    + "before the device fetches them: wait for it to be active, or serve the folder yourself "
                    + "('kiln serve DIR --listen ADDR')");
        }
        if (request.dryRun()) {
            ctx.events().info("dry run: would " + served.map(p -> "serve " + p.getParent() + " at " + serve.get()
                    + " and ").orElse("") + (reuse.isPresent() ? "point device " + reuse.get() + " at "
                    : "create a " + o.require(PacketOptions.PLAN) + " device in " + metro + " booting ")
                    + served.map(p -> p.getFileName().toString()).orElseGet(request::image));
            return RunResult.builder(provider, reuse.orElse("")).state("dry-run").build();
        }
        String token = o.find(PacketOptions.TOKEN).orElseThrow(() -> KilnException.usage(
                "run " + provider + " needs an API token: set METAL_AUTH_TOKEN (or METAL_API_TOKEN, PACKET_AUTH_TOKEN)"));
        FileServer server = served.map(p -> serve(p.getParent(), serve.get())).orElse(null);
        try {
            String script = served.map(p -> servedUrl(server, serve.get()) + "/" + p.getFileName())
                    .orElseGet(given::get);
            if (!o.flag(PacketOptions.SKIP_CHECK)) {
                check(script);
            }
            return run(request, token, project, metro, reuse, userdata, script);
        } finally {
            if (server != null) {
                server.close();
                ctx.events().info("stopped serving " + server.root() + (request.lifecycle().rm() ? ""
                        : "; the device PXE-boots on every restart (always_pxe): serve the folder for it ('kiln "
                        + "serve " + server.root() + " --listen ADDR') or push to a bucket"));
            }
        }
    }

    private RunResult run(RunRequest request, String token, String project, String metro, Optional<String> reuse,
                          Optional<String> userdata, String script) throws InterruptedException {
        Options o = ctx.options();
        MetalApi api = new MetalApi(ctx, URI.create(o.require(PacketOptions.API_URL)), token,
                o.duration(PacketOptions.API_TIMEOUT).orElse(Duration.ofSeconds(60)));
        Cleanup cleanup = new Cleanup(ctx.events(), e -> e.getMessage());
        String id = reuse.orElse(null);
        try {
            if (reuse.isPresent()) {
                reuse(api, id, script, userdata);
            } else {
                id = api.createDevice(project, createBody(request, script, metro, userdata)).path("id").asText();
                String made = id;
                cleanup.add("device " + id, provider + " API: DELETE /devices/" + id, () -> api.deleteDevice(made));
                ctx.events().info("created device " + id + " in " + metro + " booting " + UrlCheck.shown(script));
            }
            Lifecycle life = request.lifecycle();
            JsonNode device = life.waitOr(Lifecycle.Wait.RUNNING) == Lifecycle.Wait.NONE ? api.device(id)
                    : waitActive(api, id, life.timeoutOr(DEFAULT_TIMEOUT));
            RunResult.Builder result = RunResult.builder(provider, id).location(device.path("metro").path("code")
                    .asText(metro)).state(device.path("state").asText());
            addresses(device, result);
            if (reuse.isEmpty()) {
                result.created(Resource.of("device", id, metro));
            }
            if (life.rm()) {
                api.deleteDevice(id);
                ctx.events().info("removed device " + id + " (--rm)");
                result.removed(true);
            }
            cleanup.clear();
            return result.build();
        } catch (RuntimeException | InterruptedException e) {
            String undone = cleanup.undo();
            if (e instanceof InterruptedException) {
                throw new InterruptedException("run cancelled" + (undone.isEmpty() ? "" : "; " + undone));
            }
            String why = e instanceof MetalApi.MetalException m ? "the API answered " + m.status + ": " + m.getMessage()
                    : e.getMessage();
            throw KilnException.tried("run " + UrlCheck.shown(script) + " on " + (id == null ? "a new device" : "device " + id),
                    why, undone.isEmpty() ? "nothing was left behind" : undone, e);
        }
    }

    /** With --serve, IMAGE is the script a push to a directory wrote; the folder it is in is served. */
    private Path servedScript(RunRequest request) {
        Path file = Path.of(request.image());
        if (!Files.isRegularFile(file)) {
            throw KilnException.usage("With --serve, give the script 'kiln push " + provider + " --destination DIR' "
                    + "wrote (DIR/NAME-equinixmetal.ipxe), not " + request.image());
        }
        return file.toAbsolutePath().normalize();
    }

    private FileServer serve(Path dir, String listen) {
        FileServer server = FileServer.start(dir, listen, line -> ctx.events().info("served " + line));
        ctx.events().info("serving " + dir + " at " + server.url() + " while the run lasts");
        return server;
    }

    /** --base-url, else http://ADDR when ADDR names a host (with the port the server got). */
    private String servedUrl(FileServer server, String listen) {
        Optional<String> given = ctx.options().find(PacketOptions.SERVE_URL).map(u -> u.replaceAll("/+$", ""));
        if (given.isPresent()) {
            return given.get();
        }
        java.net.InetSocketAddress a = FileServer.address(listen);
        if (a.getAddress() == null || a.getAddress().isAnyLocalAddress()) {
            server.close();
            throw KilnException.usage("--serve " + listen + " listens on every interface: give --base-url, the URL "
                    + "the device reaches this host at (for example http://203.0.113.5:" + server.port() + ")");
        }
        return server.url().replaceAll("/+$", "");
    }

    /** LinuxKit's run checks its URLs too: a device booting a script that 404s costs a provisioning cycle. */
    private void check(String script) throws InterruptedException {
        String remedy = "make them reachable from here and from the device (serve the folder, or push to a bucket "
                + "with --public or --presign), or pass --skip-url-check when only the device's network reaches them";
        new UrlCheck().url("script", script).require("check the iPXE script before booting a device from it", remedy);
        String text = fetch(script);
        IpxeScript.Fetches f = IpxeScript.fetches(text);
        UrlCheck files = new UrlCheck();
        f.kernel().ifPresent(u -> files.url("kernel", u));
        f.initrd().ifPresent(u -> files.url("initrd", u));
        files.require("check the files " + UrlCheck.shown(script) + " boots", remedy);
    }

    private static String fetch(String url) throws InterruptedException {
        try {
            return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(30)).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        } catch (java.io.IOException e) {
            throw KilnException.tried("read the iPXE script " + UrlCheck.shown(url), e.getClass().getSimpleName(),
                    "check that it is reachable", e);
        }
    }

    private static String scriptUrl(String image) {
        if (!image.startsWith("http://") && !image.startsWith("https://")) {
            throw KilnException.usage("run packet boots a published iPXE script: give its URL (the artifact_id "
                    + "'kiln push packet' reported), not " + image);
        }
        return image;
    }

    /** DeviceCreateInput: https://deploy.equinix.com/developers/api/metal/#tag/Devices/operation/createDevice */
    private ObjectNode createBody(RunRequest request, String script, String metro, Optional<String> userdata) {
        Options o = ctx.options();
        ObjectNode body = MetalApi.JSON.createObjectNode().put("plan", o.require(PacketOptions.PLAN))
                .put("metro", metro).put("hostname", o.find(PacketOptions.HOSTNAME).orElse(request.name()))
                .put("billing_cycle", o.require(PacketOptions.BILLING)).put("operating_system", "custom_ipxe")
                .put("ipxe_script_url", script).put("always_pxe", true);
        ArrayNode tags = body.putArray("tags");
        request.tags().forEach((k, v) -> tags.add(v.isEmpty() ? k : k + "=" + v));
        tags.add(KilnDevices.NAME_TAG + request.name());
        userdata.ifPresent(u -> body.put("userdata", u));
        return body;
    }

    private void reuse(MetalApi api, String id, String script, Optional<String> userdata) throws InterruptedException {
        ObjectNode update = MetalApi.JSON.createObjectNode().put("ipxe_script_url", script).put("always_pxe", true);
        userdata.ifPresent(u -> update.put("userdata", u));
        api.updateDevice(id, update);
        String action = ctx.options().flag(PacketOptions.REINSTALL) ? "reinstall" : "reboot";
        api.action(id, action);
        ctx.events().info("device " + id + " now boots " + UrlCheck.shown(script) + "; sent " + action);
    }

    private JsonNode waitActive(MetalApi api, String id, Duration timeout) throws InterruptedException {
        Duration every = ctx.options().duration(PacketOptions.POLL).orElse(Duration.ofSeconds(10));
        return ctx.poll(every, timeout, "raise --timeout, or pass --wait none").until("device " + id + " to be active",
                () -> {
                    JsonNode d = api.device(id);
                    String state = d.path("state").asText();
                    if (state.equals("failed")) {
                        throw KilnException.tried("provision device " + id, "its state is failed",
                                "see the device's events in the provider's console");
                    }
                    return state.equals("active") ? Optional.of(d) : Optional.empty();
                });
    }

    /** ip_addresses[]: public/private IPv4 and IPv6 by kind. */
    private static void addresses(JsonNode device, RunResult.Builder result) {
        for (JsonNode ip : device.path("ip_addresses")) {
            String kind = (ip.path("public").asBoolean() ? "public" : "private") + "-ipv" + ip.path("address_family")
                    .asInt(4);
            result.address(kind, ip.path("address").asText());
        }
    }
}
