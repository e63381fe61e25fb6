package dev.kiln.azure;

import dev.kiln.testkit.ProviderTck;
import dev.kiln.testkit.TestCertificates;

import com.azure.storage.blob.specialized.PageBlobClient;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stateful ARM for the TCK, over HTTPS (the certificate of {@link ArmStandIn}'s keytool run): disks for upload
 * with a real Azurite page blob behind each grant, managed images (listed, read, deleted), and empty lists of
 * galleries and VMs. It keeps ARM's rules that matter here: a disk
 * with access granted can be neither deleted nor made into an image (409), and it counts every mutating call so a
 * test can fail or interrupt any of them.
 */
final class ArmWorld implements ProviderTck.CloudState, AutoCloseable {

    private static final Pattern DISK = Pattern.compile(".*/resourceGroups/[^/]+/providers/Microsoft.Compute/disks/([^/]+)(/beginGetAccess|/endGetAccess)?");
    private static final Pattern IMAGE = Pattern.compile(".*/resourceGroups/[^/]+/providers/Microsoft.Compute/images(?:/([^/]+))?");
    private static final Pattern GALLERIES = Pattern.compile(".*/resourceGroups/[^/]+/providers/Microsoft.Compute/(galleries|virtualMachines)");
    private static final Pattern TAGS = Pattern.compile("\"tags\":\\{([^}]*)\\}");
    private static final Pattern PAIR = Pattern.compile("\"([^\"]+)\":\"([^\"]*)\"");
    private static final Pattern UPLOAD_SIZE = Pattern.compile("\"uploadSizeBytes\":(\\d+)");
    private static final Pattern SOURCE_DISK = Pattern.compile("\"managedDisk\":\\{\"id\":\"([^\"]+)\"");

    private record Disk(long size, boolean granted, PageBlobClient blob) {
    }

    private final HttpsServer server;
    private final Azurite azurite;
    private final Map<String, Disk> disks = new HashMap<>();
    private final Map<String, Map<String, String>> images = new LinkedHashMap<>();
    private final List<String> mutations = new ArrayList<>();
    private final Set<String> sasSignatures = new TreeSet<>();
    private int failAt = -1;
    private int actAt = -1;
    private Runnable action;

    ArmWorld(Path keystore, Azurite azurite) throws Exception {
        this.azurite = azurite;
        SSLContext ssl = TestCertificates.serverContext(keystore);
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(ssl));
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        return "https://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    @Override
    public synchronized List<String> mutations() {
        return List.copyOf(mutations);
    }

    @Override
    public synchronized Set<String> resources() {
        Set<String> all = new TreeSet<>();
        disks.keySet().forEach(d -> all.add("disk/" + d));
        images.keySet().forEach(i -> all.add("image/" + i));
        return all;
    }

    /** Images tagged kiln:name = {@code name}: id to kiln:digest. */
    @Override
    public synchronized Map<String, String> images(String name) {
        Map<String, String> out = new LinkedHashMap<>();
        images.forEach((n, tags) -> {
            if (name.equals(tags.get("kiln:name"))) {
                out.put(id("images", n), tags.get("kiln:digest"));
            }
        });
        return out;
    }

    synchronized Set<String> sasSignatures() {
        return Set.copyOf(sasSignatures);
    }

    @Override
    public synchronized void failMutation(int n) {
        failAt = mutations.size() + n;
    }

    @Override
    public synchronized void onMutation(int n, Runnable hook) {
        actAt = mutations.size() + n;
        action = hook;
    }

    private static String id(String type, String name) {
        return ArmStandIn.group() + "/" + type + "/" + name;
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String method = ex.getRequestMethod();
            String path = ex.getRequestURI().getPath();
            if (path.endsWith("/oauth2/v2.0/token")) {
                send(ex, 200, "{\"token_type\":\"Bearer\",\"expires_in\":3599,\"access_token\":\"tck-token\"}");
                return;
            }
            Runnable hook = null;
            synchronized (this) {
                if (!method.equals("GET")) {
                    mutations.add(method + " " + path.replaceAll("/(disks|images)/[^/]+", "/$1/*"));
                    if (mutations.size() == actAt) {
                        hook = action;
                    }
                    if (mutations.size() == failAt) {
                        send(ex, 400, error("InvalidParameter", "injected failure of " + method + " " + path));
                        return;
                    }
                }
            }
            if (hook != null) {
                hook.run();
            }
            synchronized (this) {
                answer(ex, method, path, body);
            }
        }
    }

    private void answer(HttpExchange ex, String method, String path, String body) throws IOException {
        Matcher disk = DISK.matcher(path);
        Matcher image = IMAGE.matcher(path);
        if (GALLERIES.matcher(path).matches() && method.equals("GET")) {
            send(ex, 200, "{\"value\":[]}");
        } else if (disk.matches()) {
            String name = disk.group(1);
            String op = disk.group(2);
            Disk d = disks.get(name);
            if (op == null && method.equals("PUT")) {
                Matcher size = UPLOAD_SIZE.matcher(body);
                long bytes = size.find() ? Long.parseLong(size.group(1)) : 0;
                disks.put(name, new Disk(bytes, false, azurite.pageBlob("md-impexp", name, bytes)));
                send(ex, 200, "{\"id\":\"" + id("disks", name) + "\",\"location\":\"westeurope\",\"properties\":"
                        + "{\"provisioningState\":\"Succeeded\",\"diskState\":\"ReadyToUpload\"}}");
            } else if (d == null) {
                send(ex, 404, error("ResourceNotFound", "disk " + name + " not found"));
            } else if (op == null && method.equals("DELETE")) {
                if (d.granted()) {
                    send(ex, 409, error("OperationNotAllowed", "disk " + name + " is in ActiveUpload; revoke access first"));
                } else {
                    disks.remove(name);
                    send(ex, 200, "");
                }
            } else if ("/beginGetAccess".equals(op)) {
                disks.put(name, new Disk(d.size(), true, d.blob()));
                String sas = Azurite.writeSas(d.blob());
                Matcher sig = Pattern.compile("sig=([^&]+)").matcher(sas);
                if (sig.find()) {
                    sasSignatures.add(java.net.URLDecoder.decode(sig.group(1), StandardCharsets.UTF_8));
                    sasSignatures.add(sig.group(1));
                }
                send(ex, 200, "{\"accessSAS\":\"" + d.blob().getBlobUrl() + "?" + sas + "\"}");
            } else if ("/endGetAccess".equals(op)) {
                disks.put(name, new Disk(d.size(), false, d.blob()));
                send(ex, 200, "");
            } else {
                send(ex, 405, error("MethodNotAllowed", method + " " + path));
            }
        } else if (image.matches()) {
            String name = image.group(1);
            if (name == null && method.equals("GET")) {
                StringBuilder value = new StringBuilder();
                images.forEach((n, tags) -> value.append(value.length() == 0 ? "" : ",").append("{\"id\":\"")
                        .append(id("images", n)).append("\",\"name\":\"").append(n)
                        .append("\",\"location\":\"westeurope\",\"tags\":").append(json(tags))
                        .append(",\"properties\":{\"provisioningState\":\"Succeeded\"}}"));
                send(ex, 200, "{\"value\":[" + value + "]}");
            } else if (name != null && method.equals("GET")) {
                Map<String, String> tags = images.get(name);
                if (tags == null) {
                    send(ex, 404, error("ResourceNotFound", "image " + name + " not found"));
                } else {
                    send(ex, 200, "{\"id\":\"" + id("images", name) + "\",\"name\":\"" + name
                            + "\",\"location\":\"westeurope\",\"tags\":" + json(tags)
                            + ",\"properties\":{\"provisioningState\":\"Succeeded\"}}");
                }
            } else if (name != null && method.equals("PUT")) {
                Matcher source = SOURCE_DISK.matcher(body);
                String diskName = source.find() ? source.group(1).replaceAll(".*/", "") : "";
                Disk d = disks.get(diskName);
                if (d == null || d.granted()) {
                    send(ex, 409, error("InvalidParameter", "source disk " + diskName
                            + (d == null ? " not found" : " is in ActiveUpload")));
                    return;
                }
                Map<String, String> tags = new LinkedHashMap<>();
                Matcher t = TAGS.matcher(body);
                if (t.find()) {
                    Matcher p = PAIR.matcher(t.group(1));
                    while (p.find()) {
                        tags.put(p.group(1), p.group(2));
                    }
                }
                images.put(name, tags);
                send(ex, 200, "{\"id\":\"" + id("images", name) + "\",\"location\":\"westeurope\",\"tags\":"
                        + json(tags) + ",\"properties\":{\"provisioningState\":\"Succeeded\"}}");
            } else if (name != null && method.equals("DELETE")) {
                send(ex, images.remove(name) == null ? 204 : 200, "");
            } else {
                send(ex, 405, error("MethodNotAllowed", method + " " + path));
            }
        } else {
            send(ex, 404, error("NotFound", method + " " + path));
        }
    }

    private static String json(Map<String, String> tags) {
        StringBuilder b = new StringBuilder("{");
        tags.forEach((k, v) -> b.append(b.length() == 1 ? "" : ",").append('"').append(k).append("\":\"").append(v)
                .append('"'));
        return b.append('}').toString();
    }

    private static String error(String code, String message) {
        return "{\"error\":{\"code\":\"" + code + "\",\"message\":\"" + message + "\"}}";
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
