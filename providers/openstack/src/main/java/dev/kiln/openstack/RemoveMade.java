package dev.kiln.openstack;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.api.Events;
import dev.kiln.api.KilnException;
import dev.kiln.api.Poll;
import dev.kiln.spi.Made;
import dev.kiln.spi.Removal;
import dev.kiln.spi.Resource;

import java.util.List;
import java.util.Optional;

/**
 * {@code kiln rm openstack}: an image is deleted from Glance; a server is deleted, waited for until Nova no longer
 * knows it (its volumes are attached until then), then the floating IPs run allocated for it are released and the
 * volumes it booted with are deleted unless Cinder is already deleting them (Nova deletes those with
 * delete_on_termination itself). A 404 counts as removed.
 */
final class RemoveMade implements Removal {

    private final OpenStackConnection cloud;
    private final Poll poll;
    private final Events events;

    RemoveMade(OpenStackConnection cloud, Poll poll, Events events) {
        this.cloud = cloud;
        this.poll = poll;
        this.events = events;
    }

    List<Resource> remove(Made made) throws InterruptedException {
        return Removal.inOrder(made, this, events);
    }

    @Override
    public void delete(Resource resource) throws InterruptedException {
        switch (resource.type()) {
            case "image" -> new Glance(cloud.http, cloud.endpoint("image"), cloud.retry).delete(resource.id());
            case "instance" -> {
                String server = cloud.endpoint("compute") + "/servers/" + resource.id();
                gone(() -> cloud.retry.call("DELETE server " + resource.id(), () -> cloud.http.json("DELETE", server,
                        null)));
                deleted(server, resource.id());
            }
            case "floating ip" -> {
                String url = endpoint(resource, "network") + "/v2.0/floatingips/" + resource.id();
                gone(() -> cloud.retry.call("DELETE floating IP " + resource.id(), () -> cloud.http.json("DELETE", url,
                        null)));
            }
            case "volume" -> {
                String url = endpoint(resource, "block-storage", "volumev3", "volume") + "/volumes/" + resource.id();
                Optional<JsonNode> volume = gone(() -> cloud.retry.call("GET volume " + resource.id(),
                        () -> cloud.http.json("GET", url, null)).body().path("volume"));
                if (volume.isPresent() && !volume.get().path("status").asText().equals("deleting")) {
                    gone(() -> cloud.retry.call("DELETE volume " + resource.id(), () -> cloud.http.json("DELETE", url,
                            null)));
                }
            }
            default -> throw new IllegalArgumentException("openstack does not remove a " + resource.type());
        }
    }

    @Override
    public KilnException failed(Resource resource, RuntimeException failure) {
        return OpenStackErrors.toKiln("remove " + resource, failure);
    }

    private String endpoint(Resource part, String... types) {
        return cloud.anyEndpoint(types).orElseThrow(() -> KilnException.tried("remove " + part, "the catalog has no "
                + String.join(" or ", types) + " service", "remove it with the cloud's own tools"));
    }

    /** Until Nova answers 404 for the server (or shows it DELETED); bounded. */
    private void deleted(String url, String id) throws InterruptedException {
        poll.until("server " + id + " to be deleted", () -> {
            Optional<JsonNode> server = gone(() -> cloud.retry.call("GET server " + id,
                    () -> cloud.http.json("GET", url, null)).body().path("server"));
            return server.isEmpty() || server.get().path("status").asText().equals("DELETED") ? Optional.of(true)
                    : Optional.<Boolean>empty();
        });
    }

    private interface Call<T> {
        T run() throws InterruptedException;
    }

    /** The call's answer; empty when the thing is already gone (HTTP 404). */
    private static <T> Optional<T> gone(Call<T> call) throws InterruptedException {
        try {
            return Optional.ofNullable(call.run());
        } catch (OpenStackApiException e) {
            if (e.status() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public String command(Resource r) {
        return switch (r.type()) {
            case "image" -> "openstack image delete " + r.id();
            case "instance" -> "openstack server delete " + r.id();
            case "floating ip" -> "openstack floating ip delete " + r.id();
            case "volume" -> "openstack volume delete " + r.id();
            default -> "kiln rm openstack " + r.id();
        };
    }
}
