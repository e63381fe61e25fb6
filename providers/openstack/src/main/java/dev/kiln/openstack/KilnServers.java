package dev.kiln.openstack;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.api.KilnException;
import dev.kiln.spi.Made;
import dev.kiln.spi.Resource;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The Nova servers {@code run openstack} started, as {@code kiln ls openstack instances} and {@code kiln rm
 * openstack} see them: {@code GET /servers/detail} of the project, kept when their metadata has {@code kiln:name}
 * (Nova filters no list by metadata). Each comes with what run made for it as its parts: the floating IPs it
 * allocated (Neutron, found by the description run gave them) and the volumes of its block device mapping that
 * go with it ({@code delete_on_termination}, shown from compute microversion 2.3).
 */
final class KilnServers {

    static final String NAME = "kiln:name";
    static final String IMAGE = "kiln:image";
    static final String VERSION = "kiln:version";
    /** Microversion 2.3 adds delete_on_termination to os-extended-volumes:volumes_attached. */
    private static final String[] MICROVERSION = {"X-OpenStack-Nova-API-Version", "2.3"};

    private final OpenStackConnection cloud;
    private final String nova;
    private final Optional<String> neutron;

    KilnServers(OpenStackConnection cloud) {
        this.cloud = cloud;
        this.nova = cloud.endpoint("compute");
        this.neutron = cloud.anyEndpoint("network");
    }

    /** The description run gives a floating IP it allocates for a server, by which rm finds it again. */
    static String floatingIpDescription(String serverId) {
        return "made by kiln for server " + serverId;
    }

    /** Every server kiln started in this project that Nova still lists, newest first. */
    List<Made> all() throws InterruptedException {
        List<Made> out = new ArrayList<>();
        String url = nova + "/servers/detail";
        while (url != null) {
            String page = url;
            JsonNode body = cloud.retry.call("list servers", () -> cloud.http.get(page, MICROVERSION)).body();
            for (JsonNode server : body.path("servers")) {
                if (server.path("metadata").has(NAME) && !server.path("status").asText().equals("DELETED")) {
                    out.add(made(server));
                }
            }
            url = next(body.path("servers_links"));
        }
        return out.stream().sorted(Made.newestFirst()).toList();
    }

    /** The servers kiln named {@code name} ({@code kiln:name}). */
    List<Made> named(String name) throws InterruptedException {
        return all().stream().filter(m -> m.name().equals(name)).toList();
    }

    /** The server with this id, kiln's or not; empty when Nova does not know it (404) or it is deleted. */
    List<Made> byId(String id) throws InterruptedException {
        try {
            JsonNode server = cloud.retry.call("GET server " + id, () -> cloud.http.get(nova + "/servers/"
                    + id, MICROVERSION)).body().path("server");
            return server.path("status").asText().equals("DELETED") ? List.of() : List.of(made(server));
        } catch (OpenStackApiException e) {
            if (e.status() == 404) {
                return List.of();
            }
            throw e;
        }
    }

    private Made made(JsonNode server) throws InterruptedException {
        String id = server.path("id").asText();
        Map<String, String> metadata = new TreeMap<>();
        server.path("metadata").fields().forEachRemaining(e -> metadata.put(e.getKey(), e.getValue().asText()));
        Made.Builder made = Made.builder(Made.Kind.INSTANCE, id).name(metadata.getOrDefault(NAME, ""))
                .location(cloud.location()).created(KilnImages.instant(server.path("created")))
                .state(server.path("status").asText("")).byKiln(metadata.containsKey(NAME)).tags(metadata);
        if (metadata.containsKey(NAME)) {
            floatingIps(id).forEach(made::part);
        }
        for (JsonNode v : server.path("os-extended-volumes:volumes_attached")) {
            if (v.path("delete_on_termination").asBoolean(false)) {
                made.part(Resource.of("volume", v.path("id").asText(), cloud.location()));
            }
        }
        return made.build();
    }

    private List<Resource> floatingIps(String serverId) throws InterruptedException {
        if (neutron.isEmpty()) {
            return List.of();
        }
        String url = neutron.get() + "/v2.0/floatingips?description="
                + URLEncoder.encode(floatingIpDescription(serverId), StandardCharsets.UTF_8).replace("+", "%20");
        JsonNode ips = cloud.retry.call("list the floating IPs of server " + serverId,
                () -> cloud.http.json("GET", url, null)).body().path("floatingips");
        List<Resource> out = new ArrayList<>();
        ips.forEach(ip -> out.add(Resource.of("floating ip", ip.path("id").asText(), cloud.location())));
        return out;
    }

    /**
     * The next page Nova links to ({@code servers_links}, rel next): a full URL, followed only on the compute
     * endpoint's own scheme and host, so the token goes nowhere else.
     */
    private String next(JsonNode links) {
        for (JsonNode link : links) {
            if (link.path("rel").asText().equals("next")) {
                String href = link.path("href").asText();
                URI to = URI.create(href);
                URI origin = URI.create(nova);
                if (!Objects.equals(to.getScheme(), origin.getScheme())
                        || !Objects.equals(to.getRawAuthority(), origin.getRawAuthority())) {
                    throw KilnException.tried("list servers at " + nova, "Nova linked its next page to another "
                            + "place (" + to.getScheme() + "://" + to.getRawAuthority() + "), so it was refused (kiln "
                            + "sends the token only to the catalog's endpoint)", "check the catalog's compute endpoint");
                }
                return href;
            }
        }
        return null;
    }
}
