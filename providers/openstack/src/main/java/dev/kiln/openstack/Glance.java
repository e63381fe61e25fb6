package dev.kiln.openstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.api.KilnException;
import dev.kiln.api.Retry;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/** Glance v2 metadata calls: create, show, list by property, members, delete. The data goes by {@link UploadImageData}. */
final class Glance {

    /** One image as Glance shows it. */
    record Image(String id, String name, String status, JsonNode raw) {
        static Image of(JsonNode n) {
            return new Image(n.path("id").asText(), n.path("name").asText(""), n.path("status").asText(""), n);
        }

        String property(String key) {
            return raw.path(key).asText("");
        }

        @Override
        public String toString() {
            return id + " (" + name + ")";
        }
    }

    private final OpenStackHttp http;
    private final String base;
    private final Retry retry;

    /** @param endpoint the catalog's image endpoint (with or without /v2) */
    Glance(OpenStackHttp http, String endpoint, Retry retry) {
        this.http = http;
        this.base = endpoint.endsWith("/v2") ? endpoint : endpoint + "/v2";
        this.retry = retry;
    }

    String base() {
        return base;
    }

    /** POST /v2/images: never retried (it has no client token); a failure is looked up by the caller's cleanup. */
    Image create(ObjectNode body) throws InterruptedException {
        return Image.of(http.json("POST", base + "/images", body).body());
    }

    Image show(String id) throws InterruptedException {
        return retry.call("GET image " + id, () -> Image.of(http.json("GET", base + "/images/" + id, null).body()));
    }

    /** Images matching {@code filters} (e.g. kiln_digest, name, owner, status), newest first. */
    List<Image> list(Map<String, String> filters) throws InterruptedException {
        String query = filters.entrySet().stream()
                .map(e -> enc(e.getKey()) + "=" + enc(e.getValue())).collect(Collectors.joining("&"));
        String url = base + "/images?" + query + "&sort=created_at:desc&limit=100";
        List<Image> out = new ArrayList<>();
        while (url != null) {
            String page = url;
            JsonNode body = retry.call("list images", () -> http.json("GET", page, null).body());
            body.path("images").forEach(n -> out.add(Image.of(n)));
            String next = body.path("next").asText("");
            url = next.isEmpty() ? null : nextPage(base, next);
        }
        return out;
    }

    void delete(String id) throws InterruptedException {
        retry.call("DELETE image " + id, () -> {
            try {
                return http.json("DELETE", base + "/images/" + id, null);
            } catch (OpenStackApiException e) {
                if (e.status() == 404) {
                    return null;
                }
                throw e;
            }
        });
    }

    void addMember(String id, String project) throws InterruptedException {
        ObjectNode body = OpenStackHttp.JSON.createObjectNode().put("member", project);
        try {
            http.json("POST", base + "/images/" + id + "/members", body);
        } catch (OpenStackApiException e) {
            if (e.status() != 409) {
                throw e;
            }
        }
    }

    /** GET /v2/info/import: the import methods this Glance offers. */
    List<String> importMethods() throws InterruptedException {
        JsonNode body = retry.call("GET import info", () -> http.json("GET", base + "/info/import", null).body());
        List<String> out = new ArrayList<>();
        body.path("import-methods").path("value").forEach(v -> out.add(v.asText()));
        return out;
    }

    /** The message of the newest failed task of an image, if Glance gives one. */
    Optional<String> taskMessage(String id) throws InterruptedException {
        try {
            JsonNode body = http.json("GET", base + "/images/" + id + "/tasks", null).body();
            for (JsonNode t : body.path("tasks")) {
                String m = t.path("message").asText("");
                if (!m.isBlank()) {
                    return Optional.of(m);
                }
            }
        } catch (OpenStackApiException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /**
     * The URL of the page Glance names in {@code next}: a path under the endpoint's root ("/v2/images?marker=...",
     * Images API v2 "Pagination"). Anything else (a full URL, "//host/...", a bare "host/...", which pasted after
     * the endpoint would name another host) is refused, so the token is sent only to the catalog's endpoint.
     */
    static String nextPage(String base, String next) {
        String root = base.substring(0, base.length() - 3);
        URI origin = URI.create(base);
        URI page = next.startsWith("/") && !next.startsWith("//") ? URI.create(root + next) : null;
        if (page == null || !Objects.equals(page.getScheme(), origin.getScheme())
                || !Objects.equals(page.getRawAuthority(), origin.getRawAuthority())) {
            throw KilnException.tried("list images in Glance at " + base, "Glance named its next page '"
                    + next.replaceAll("[^\\x20-\\x7e]", "?") + "', which is not a path on " + origin.getScheme() + "://"
                    + origin.getRawAuthority() + ", so it was refused (kiln sends the token only there)",
                    "check the catalog's image endpoint and what answers there");
        }
        return page.toString();
    }

    private static String enc(String v) {
        return URLEncoder.encode(v, StandardCharsets.UTF_8);
    }
}
