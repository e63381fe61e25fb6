package dev.kiln.openstack;

import dev.kiln.api.Retry;
import dev.kiln.spi.Options;
import dev.kiln.spi.ProviderContext;

import java.util.Optional;

/** Signed in to one cloud: the HTTP client carrying the token, the session and its catalog, the retry policy. */
final class OpenStackConnection {

    final CloudAuth auth;
    final OpenStackHttp http;
    final Keystone.Session session;
    final Retry retry;

    private OpenStackConnection(CloudAuth auth, OpenStackHttp http, Keystone.Session session, Retry retry) {
        this.auth = auth;
        this.http = http;
        this.session = session;
        this.retry = retry;
    }

    /** The settings of clouds.yaml or OS_*, with --region, --interface, --cacert and --insecure over them. */
    static CloudAuth settings(ProviderContext context) {
        Options o = context.options();
        CloudAuth auth = CloudsYaml.system(context.env()).resolve(o.find(OpenStackFlags.CLOUD));
        if (o.isSet(OpenStackFlags.REGION)) {
            auth = auth.withRegion(o.require(OpenStackFlags.REGION));
        }
        if (o.isSet(OpenStackFlags.INTERFACE)) {
            auth = auth.withInterface(o.require(OpenStackFlags.INTERFACE));
        }
        boolean insecure = auth.insecure() || o.flag(OpenStackFlags.INSECURE);
        Optional<String> ca = o.isSet(OpenStackFlags.CACERT) ? o.path(OpenStackFlags.CACERT).map(Object::toString)
                : auth.cacert();
        return auth.withTls(ca, insecure);
    }

    static OpenStackConnection open(ProviderContext context) throws InterruptedException {
        CloudAuth auth = settings(context);
        context.events().debug("signing in: " + auth);
        OpenStackHttp http = new OpenStackHttp(auth, context.cancel(), context.events());
        Keystone.Session session = Keystone.signIn(http, auth);
        http.token(session.token());
        Retry retry = context.retry().classifier(OpenStackErrors.classifier(context.clock())).build();
        return new OpenStackConnection(auth, http, session, retry);
    }

    /** For cleanup after a failure or Ctrl-C: its calls and retries go on when the command's token is tripped. */
    OpenStackConnection detached(ProviderContext context) {
        Retry calm = context.cleanupRetry(context.retry().attempts(4).deadline(java.time.Duration.ofMinutes(1))
                .classifier(OpenStackErrors.classifier(context.clock())).build());
        return new OpenStackConnection(auth, http.detached(context.cleanupCancel()), session, calm);
    }

    /** The catalog's endpoint of {@code type}; the token goes there, so a downgrade from https is refused. */
    String endpoint(String type) {
        return checkScheme(auth.authUrl(), Keystone.endpoint(session, type, auth.endpointInterface(), auth.region()));
    }

    /**
     * A catalog Keystone sent over https may not point the token at plain http (only at this machine's loopback,
     * where a test or a local tunnel listens): the endpoint is the server's choice, the token is ours.
     */
    static String checkScheme(String authUrl, String endpoint) {
        java.net.URI auth = java.net.URI.create(authUrl);
        java.net.URI to = java.net.URI.create(endpoint);
        String host = String.valueOf(to.getHost());
        boolean loopback = host.equals("127.0.0.1") || host.equals("localhost") || host.equals("[::1]");
        if ("https".equalsIgnoreCase(auth.getScheme()) && !"https".equalsIgnoreCase(to.getScheme()) && !loopback) {
            throw dev.kiln.api.KilnException.tried("use the catalog's endpoint " + endpoint, "Keystone was reached "
                    + "over https but the catalog names plain " + to.getScheme() + " there, where the token would "
                    + "travel unencrypted", "fix the endpoint in the catalog (openstack endpoint list), or pick "
                    + "another with --interface (e.g. public)");
        }
        return endpoint;
    }

    /** The endpoint of the first of {@code types} the catalog has ("block-storage", "volumev3"); empty if none. */
    Optional<String> anyEndpoint(String... types) {
        for (String type : types) {
            if (Keystone.has(session, type)) {
                return Optional.of(endpoint(type));
            }
        }
        return Optional.empty();
    }

    String location() {
        return auth.region().orElse("");
    }
}
