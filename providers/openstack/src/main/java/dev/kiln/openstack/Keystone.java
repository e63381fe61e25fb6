package dev.kiln.openstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.api.KilnException;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Keystone v3: {@code POST /v3/auth/tokens} by password, token or application credential, and the catalog. */
final class Keystone {

    /** A token and what came with it. The token itself is never printed. */
    record Session(String token, String projectId, JsonNode catalog) {
        @Override
        public String toString() {
            return "Session[project " + projectId + "]";
        }
    }

    private Keystone() {
    }

    static Session signIn(OpenStackHttp http, CloudAuth auth) throws InterruptedException {
        OpenStackHttp.Reply reply;
        try {
            reply = http.json("POST", auth.identityV3() + "/auth/tokens", body(auth));
        } catch (OpenStackApiException e) {
            throw KilnException.tried("sign in to Keystone at " + auth.identityV3() + " with the " + auth.method()
                    + " of " + auth.origin(), KilnException.reason(e), OpenStackErrors.remedy(e), e);
        }
        String token = reply.header("X-Subject-Token").orElseThrow(() -> KilnException.tried(
                "sign in to Keystone at " + auth.identityV3(), "it answered without an X-Subject-Token header",
                "check OS_AUTH_URL names Keystone"));
        JsonNode t = reply.body().path("token");
        return new Session(token, t.path("project").path("id").asText(""), t.path("catalog"));
    }

    static ObjectNode body(CloudAuth auth) {
        ObjectNode root = OpenStackHttp.JSON.createObjectNode();
        ObjectNode a = root.putObject("auth");
        ObjectNode identity = a.putObject("identity");
        identity.putArray("methods").add(auth.method());
        switch (auth.method()) {
            case CloudAuth.APPLICATION_CREDENTIAL -> {
                ObjectNode cred = identity.putObject("application_credential");
                auth.appCredentialId().ifPresent(v -> cred.put("id", v));
                if (auth.appCredentialId().isEmpty()) {
                    cred.put("name", auth.appCredentialName().orElseThrow());
                    user(cred.putObject("user"), auth);
                }
                cred.put("secret", auth.appCredentialSecret().orElseThrow());
                return root;
            }
            case CloudAuth.TOKEN -> identity.putObject("token").put("id", auth.token().orElseThrow());
            default -> {
                ObjectNode user = identity.putObject("password").putObject("user");
                user(user, auth);
                user.put("password", auth.password().orElseThrow());
            }
        }
        if (auth.projectId().isPresent()) {
            a.putObject("scope").putObject("project").put("id", auth.projectId().get());
        } else if (auth.projectName().isPresent()) {
            ObjectNode project = a.putObject("scope").putObject("project");
            project.put("name", auth.projectName().get());
            ObjectNode domain = project.putObject("domain");
            if (auth.projectDomainId().isPresent()) {
                domain.put("id", auth.projectDomainId().get());
            } else {
                domain.put("name", auth.projectDomainName().orElse("Default"));
            }
        }
        return root;
    }

    private static void user(ObjectNode user, CloudAuth auth) {
        if (auth.userId().isPresent()) {
            user.put("id", auth.userId().get());
            return;
        }
        user.put("name", auth.username().orElseThrow());
        ObjectNode domain = user.putObject("domain");
        if (auth.userDomainId().isPresent()) {
            domain.put("id", auth.userDomainId().get());
        } else {
            domain.put("name", auth.userDomainName().orElse("Default"));
        }
    }

    /**
     * The catalog's endpoint of {@code type} ("image", "compute") for the interface and region asked for; a clear
     * error naming what the catalog has otherwise.
     */
    static String endpoint(Session session, String type, String iface, Optional<String> region) {
        List<String> seen = new ArrayList<>();
        for (JsonNode service : session.catalog()) {
            if (!type.equals(service.path("type").asText())) {
                continue;
            }
            for (JsonNode e : service.path("endpoints")) {
                String in = e.path("interface").asText();
                String where = e.path("region_id").asText(e.path("region").asText(""));
                seen.add(in + "@" + where);
                if (in.equals(iface) && (region.isEmpty() || region.get().equals(where)
                        || region.get().equals(e.path("region").asText()))) {
                    String url = e.path("url").asText();
                    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
                }
            }
        }
        throw KilnException.usage("The catalog has no " + type + " endpoint for interface " + iface
                + region.map(r -> " in region " + r).orElse("") + (seen.isEmpty() ? " (no " + type + " service at all)"
                : "; it has " + String.join(", ", seen) + " (pass --interface and --region)"));
    }

    /** True when the catalog has a service of {@code type} at all. */
    static boolean has(Session session, String type) {
        for (JsonNode service : session.catalog()) {
            if (type.equals(service.path("type").asText())) {
                return true;
            }
        }
        return false;
    }
}
