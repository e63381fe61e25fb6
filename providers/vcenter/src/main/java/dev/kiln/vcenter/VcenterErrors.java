package dev.kiln.vcenter;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.api.KilnException;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.net.http.HttpResponse;

/** vCenter answers and I/O failures as messages for a person: what failed, vCenter's words, what to do. */
final class VcenterErrors {

    private VcenterErrors() {
    }

    /** A vCenter error answer: /rest's {@code {type, value:{messages}}} or /api's {@code {error_type, messages}}. */
    static KilnException status(String what, HttpResponse<String> r) {
        String type = "";
        String message = "";
        try {
            JsonNode body = VcenterRest.JSON.readTree(r.body() == null ? "" : r.body());
            if (body != null) {
                JsonNode v = body.has("value") ? body.get("value") : body;
                type = body.has("type") ? body.get("type").asText() : v.path("error_type").asText("");
                JsonNode messages = v.path("messages");
                if (messages.isArray() && !messages.isEmpty()) {
                    message = messages.get(0).path("default_message").asText("");
                }
            }
        } catch (IOException | RuntimeException e) {
            message = "";
        }
        if (message.isEmpty() && r.body() != null && !r.body().isBlank() && r.body().length() < 300
                && !r.body().trim().startsWith("{")) {
            message = r.body().trim();
        }
        String reason = "vCenter answered HTTP " + r.statusCode()
                + (type.isEmpty() ? "" : " " + type.replace("com.vmware.vapi.std.errors.", ""))
                + (message.isEmpty() ? "" : ": " + message);
        String remedy = switch (r.statusCode()) {
            case 401 -> "check --username and --password (or GOVC_USERNAME/GOVC_PASSWORD)";
            case 403 -> "the user lacks a privilege for this; ask the vCenter administrator";
            case 404 -> "check the names given (--library, --datastore, --datacenter) exist";
            default -> "";
        };
        return KilnException.tried(what, reason, remedy);
    }

    static KilnException io(String what, VcenterConnection connection, IOException e) {
        Throwable t = e;
        while (t != null && !(t instanceof SSLException)) {
            t = t.getCause();
        }
        if (t != null) {
            return KilnException.tried(what, "the TLS connection to " + connection.base() + " was refused ("
                    + KilnException.reason(t) + "; trusted: " + connection.trust() + ")",
                    "pass --ca-cert FILE with vCenter's CA, or --thumbprint SHA of its certificate", e);
        }
        return KilnException.tried(what, "the connection to " + connection.base() + " failed: " + e,
                "check --url and that vCenter is reachable", e);
    }

    /** A few words for cleanup messages. */
    static String reason(Exception e) {
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m.length() > 200 ? m.substring(0, 200) : m;
    }
}
