package dev.kiln.vcenter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.api.Architecture;
import dev.kiln.api.Artifact;
import dev.kiln.api.BootMode;
import dev.kiln.api.ImageFormat;
import dev.kiln.api.Poll;
import dev.kiln.api.PublishPolicy;
import dev.kiln.spi.Provider;
import dev.kiln.spi.PushRequest;
import dev.kiln.spi.RunRequest;
import dev.kiln.spi.RunResult;
import dev.kiln.testkit.ProviderHarness;
import dev.kiln.testkit.ProviderTck;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * vcsim behind a recording proxy, and what a test reads back from it directly (over /rest, not through the
 * proxy): libraries, items, their files and bytes through a download session, datastore files.
 */
final class VcenterWorld implements ProviderTck.StandIn {

    static final ObjectMapper JSON = new ObjectMapper();

    final String password = "kiln-pw-" + Long.toHexString(Double.doubleToLongBits(Math.random()));
    final Vcsim vcsim;
    final VcsimProxy proxy;
    private final HttpClient http = HttpClient.newHttpClient();
    private String session;
    private VimSoap checker;

    VcenterWorld() throws Exception {
        this(null);
    }

    VcenterWorld(SSLContext tls) throws Exception {
        vcsim = Vcsim.start(password);
        proxy = new VcsimProxy(vcsim.base(), tls);
    }

    @Override
    public ProviderHarness harness(Path workDir) {
        return new ProviderHarness(new VcenterProviderFactory(), workDir)
                .env("GOVC_URL", proxy.base().toString())
                .env("GOVC_USERNAME", Vcsim.USER)
                .env("GOVC_PASSWORD", password)
                .env("GOVC_DATASTORE", "LocalDS_0");
    }

    /** A library made directly on vcsim, so pushes find it. */
    String createLibrary(String name) throws Exception {
        String ds = datastoreId("LocalDS_0");
        String body = "{\"create_spec\":{\"name\":\"" + name + "\",\"type\":\"LOCAL\",\"storage_backings\":"
                + "[{\"type\":\"DATASTORE\",\"datastore_id\":" + JSON.writeValueAsString(ds) + "}]}}";
        return rest("POST", "/rest/com/vmware/content/local-library", body).asText();
    }

    /** An empty datacenter made on vcsim over SOAP (Folder.CreateDatacenter on the root folder). */
    void createDatacenter(String name) throws Exception {
        HttpClient soap = HttpClient.newBuilder().cookieHandler(new java.net.CookieManager()).build();
        String content = soap(soap, "<RetrieveServiceContent xmlns=\"urn:vim25\"><_this type=\"ServiceInstance\">"
                + "ServiceInstance</_this></RetrieveServiceContent>");
        String root = content.replaceAll("(?s).*<rootFolder[^>]*>([^<]+)</rootFolder>.*", "$1");
        String sessions = content.replaceAll("(?s).*<sessionManager[^>]*>([^<]+)</sessionManager>.*", "$1");
        soap(soap, "<Login xmlns=\"urn:vim25\"><_this type=\"SessionManager\">" + sessions + "</_this><userName>"
                + Vcsim.USER + "</userName><password>" + password + "</password></Login>");
        soap(soap, "<CreateDatacenter xmlns=\"urn:vim25\"><_this type=\"Folder\">" + root + "</_this><name>" + name
                + "</name></CreateDatacenter>");
    }

    private String soap(HttpClient client, String body) throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(vcsim.base().resolve("/sdk"))
                .header("Content-Type", "text/xml; charset=utf-8").header("SOAPAction", "urn:vim25/6.5")
                .POST(HttpRequest.BodyPublishers.ofString("<?xml version=\"1.0\" encoding=\"UTF-8\"?><soapenv:Envelope"
                        + " xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\"><soapenv:Body>" + body
                        + "</soapenv:Body></soapenv:Envelope>")).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("SOAP " + body + ": HTTP " + r.statusCode() + " " + r.body());
        }
        return r.body();
    }

    String datastoreId(String name) throws Exception {
        VcenterConnection c = new VcenterConnection(vcsim.base(), Vcsim.USER, password, http, "test");
        VimSoap soap = new VimSoap(c);
        try {
            return soap.find("Datastore", name).orElseThrow();
        } finally {
            soap.logout();
        }
    }

    JsonNode rest(String method, String path, String body) throws Exception {
        if (session == null) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(vcsim.base().resolve("/rest/com/vmware/cis/session"))
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((Vcsim.USER + ":" + password)
                            .getBytes())).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            session = JSON.readTree(r.body()).path("value").asText();
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(vcsim.base().resolve(path)).header("vmware-api-session-id", session)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IOException(method + " " + path + ": HTTP " + r.statusCode() + " " + r.body());
        }
        return r.body().isBlank() ? JSON.missingNode() : JSON.readTree(r.body()).path("value");
    }

    List<String> libraries() throws Exception {
        List<String> ids = new java.util.ArrayList<>();
        rest("GET", "/rest/com/vmware/content/library", null).forEach(n -> ids.add(n.asText()));
        return ids;
    }

    /** Item id to its JSON, in every library. */
    Map<String, JsonNode> items() throws Exception {
        Map<String, JsonNode> all = new LinkedHashMap<>();
        for (String lib : libraries()) {
            for (JsonNode id : rest("GET", "/rest/com/vmware/content/library/item?library_id=" + lib, null)) {
                all.put(id.asText(), rest("GET", "/rest/com/vmware/content/library/item/id:" + id.asText(), null));
            }
        }
        return all;
    }

    List<String> fileNames(String itemId) throws Exception {
        List<String> names = new java.util.ArrayList<>();
        rest("GET", "/rest/com/vmware/content/library/item/file?library_item_id=" + itemId, null)
                .forEach(f -> names.add(f.path("name").asText()));
        return names;
    }

    /** A file of an item, read back through a download session. */
    byte[] download(String itemId, String file) throws Exception {
        String sid = rest("POST", "/rest/com/vmware/content/library/item/download-session",
                "{\"create_spec\":{\"library_item_id\":\"" + itemId + "\"}}").asText();
        JsonNode prepared = rest("POST", "/rest/com/vmware/content/library/item/downloadsession/file/id:" + sid
                + "?~action=prepare", "{\"file_name\":\"" + file + "\"}");
        URI uri = URI.create(prepared.path("download_endpoint").path("uri").asText());
        return http.send(HttpRequest.newBuilder(uri).header("vmware-api-session-id", session).build(),
                HttpResponse.BodyHandlers.ofByteArray()).body();
    }

    /** A datastore file through /folder, or null. */
    byte[] datastoreFile(String path) throws Exception {
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(vcsim.base().resolve("/folder/" + path
                + "?dcPath=DC0&dsName=LocalDS_0")).header("Authorization", "Basic " + Base64.getEncoder()
                .encodeToString((Vcsim.USER + ":" + password).getBytes())).build(), HttpResponse.BodyHandlers.ofByteArray());
        return r.statusCode() == 404 ? null : r.body();
    }

    /** Writes a datastore file through /folder, as a guest's serial port or a user's upload would. */
    void putDatastoreFile(String path, byte[] bytes) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(vcsim.base().resolve("/folder/" + path
                + "?dcPath=DC0&dsName=LocalDS_0")).header("Authorization", "Basic " + Base64.getEncoder()
                .encodeToString((Vcsim.USER + ":" + password).getBytes())).PUT(HttpRequest.BodyPublishers.ofByteArray(
                bytes)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IOException("PUT " + path + ": HTTP " + r.statusCode());
        }
    }

    /** Every tag category on vcsim: name to id. */
    Map<String, String> tagCategories() throws Exception {
        Map<String, String> out = new java.util.TreeMap<>();
        for (JsonNode id : rest("GET", "/rest/com/vmware/cis/tagging/category", null)) {
            out.put(rest("GET", "/rest/com/vmware/cis/tagging/category/id:" + id.asText(), null).path("name").asText(),
                    id.asText());
        }
        return out;
    }

    /** Every tag on vcsim as "CATEGORY=NAME" (a duplicate would show twice). */
    List<String> tags() throws Exception {
        Map<String, String> categories = new LinkedHashMap<>();
        tagCategories().forEach((name, id) -> categories.put(id, name));
        List<String> out = new java.util.ArrayList<>();
        for (JsonNode id : rest("GET", "/rest/com/vmware/cis/tagging/tag", null)) {
            JsonNode t = rest("GET", "/rest/com/vmware/cis/tagging/tag/id:" + id.asText(), null);
            out.add(categories.get(t.path("category_id").asText()) + "=" + t.path("name").asText());
        }
        java.util.Collections.sort(out);
        return out;
    }

    /** The tags attached to an object, as "CATEGORY=NAME", read back through tag-association. */
    Set<String> attachedTags(String type, String objectId) throws Exception {
        Map<String, String> categories = new LinkedHashMap<>();
        tagCategories().forEach((name, id) -> categories.put(id, name));
        Set<String> out = new TreeSet<>();
        JsonNode ids = rest("POST", "/rest/com/vmware/cis/tagging/tag-association?~action=list-attached-tags",
                "{\"object_id\":{\"type\":\"" + type + "\",\"id\":\"" + objectId + "\"}}");
        for (JsonNode id : ids) {
            JsonNode t = rest("GET", "/rest/com/vmware/cis/tagging/tag/id:" + id.asText(), null);
            out.add(categories.get(t.path("category_id").asText()) + "=" + t.path("name").asText());
        }
        return out;
    }

    @Override
    public List<String> mutations() {
        return proxy.mutations();
    }

    @Override
    public Set<String> resources() throws Exception {
        Set<String> all = new TreeSet<>();
        for (String lib : libraries()) {
            all.add("library " + lib);
        }
        items().forEach((id, item) -> all.add("item " + id + " " + item.path("name").asText()));
        rest("GET", "/rest/com/vmware/content/library/item/update-session", null)
                .forEach(s -> all.add("update-session " + s.asText()));
        return all;
    }

    @Override
    public Map<String, String> images(String name) throws Exception {
        Map<String, String> found = new LinkedHashMap<>();
        items().forEach((id, item) -> {
            if (item.path("name").asText().equals(name)) {
                String d = item.path("description").asText("");
                int i = d.indexOf("kiln-digest: ");
                found.put(id, i < 0 ? "" : d.substring(i + "kiln-digest: ".length()).trim());
            }
        });
        return found;
    }

    @Override
    public void failMutation(int n) {
        proxy.failMutation(n);
    }

    @Override
    public void onMutation(int n, Runnable action) {
        proxy.onMutation(n, action);
    }

    @Override
    public Set<String> secrets() {
        return Set.of(password);
    }

    /** A SOAP session on vcsim for a test to check what kiln made; logged out by {@link #close}. */
    VimSoap soap() {
        if (checker == null) {
            checker = new VimSoap(new VcenterConnection(vcsim.base(), Vcsim.USER, password, http, "test"));
        }
        return checker;
    }

    /** Pushes an OVA as library item "tmpl" (content digest {@code digest}), the template a run deploys. */
    void pushTemplate(Path tmp, String digest) throws Exception {
        PushRequest push = new PushRequest(Artifact.single(
                ImageFormat.OVA, VcenterProviderTckTest.ova(tmp, "img")), "tmpl",
                Architecture.AMD64, Set.of(BootMode.BIOS, BootMode.UEFI), digest,
                PublishPolicy.DEFAULT, false);
        try (Provider p = new VcenterProviderFactory().create(harness(tmp).pushContext())) {
            p.push(push);
        }
    }

    static RunResult run(ProviderHarness harness, RunRequest request) throws Exception {
        try (Provider p = new VcenterProviderFactory().create(harness.runContext())) {
            return p.run(request);
        }
    }

    /** Waits up to 30 s of real time for what vcsim does in the background, checking without pause. */
    static Poll poll() {
        return new Poll(Clock.systemUTC(), d -> { }, Duration.ZERO,
                Duration.ofSeconds(30), "");
    }

    @Override
    public void close() throws Exception {
        if (checker != null) {
            checker.logout();
        }
        proxy.close();
        vcsim.close();
    }
}
