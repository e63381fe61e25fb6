package dev.kiln.gcp;

import com.google.auth.oauth2.ComputeEngineCredentials;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.ServiceAccountCredentials;
import dev.kiln.api.Events;
import dev.kiln.api.KilnException;
import dev.kiln.spi.Options;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds credentials the way Application Default Credentials does
 * (cloud.google.com/docs/authentication/application-default-credentials): {@code --keys}, then
 * GOOGLE_APPLICATION_CREDENTIALS, then gcloud's ADC file, then the metadata server. It reads the
 * command's environment, not the JVM's, so tests and the CLI decide what it sees.
 */
final class GcpCredentials {

    static final List<String> SCOPES = List.of("https://www.googleapis.com/auth/cloud-platform");
    static final String ADC_FILE = "application_default_credentials.json";

    private final Map<String, String> env;
    private final Events events;

    GcpCredentials(Map<String, String> env, Events events) {
        this.env = env;
        this.events = events;
    }

    /** Credentials and project, or an error that says where to put them. No network except the metadata probe. */
    GcpAccount resolve(Options options) {
        Found found = options.path("keys").map(p -> load(p, "--keys"))
                .or(() -> fromEnv())
                .or(() -> fromGcloud())
                .or(() -> fromMetadata())
                .orElseThrow(GcpCredentials::missing);
        String project = options.find("project").or(() -> found.project).orElseThrow(GcpCredentials::noProject);
        events.debug("credentials from " + found.source + ", project " + project);
        return new GcpAccount(found.credentials.createScoped(SCOPES), project, found.source);
    }

    private record Found(GoogleCredentials credentials, Optional<String> project, String source) {}

    private Optional<Found> fromEnv() {
        String file = env.get("GOOGLE_APPLICATION_CREDENTIALS");
        return file == null || file.isBlank() ? Optional.empty()
                : Optional.of(load(Path.of(file), "GOOGLE_APPLICATION_CREDENTIALS"));
    }

    private Optional<Found> fromGcloud() {
        Path file = gcloudConfig().resolve(ADC_FILE);
        return Files.isRegularFile(file) ? Optional.of(load(file, file.toString())) : Optional.empty();
    }

    private Path gcloudConfig() {
        String dir = env.get("CLOUDSDK_CONFIG");
        if (dir != null && !dir.isBlank()) {
            return Path.of(dir);
        }
        String home = env.getOrDefault("HOME", System.getProperty("user.home"));
        return Path.of(home, ".config", "gcloud");
    }

    private Optional<Found> fromMetadata() {
        if ("true".equalsIgnoreCase(env.get("NO_GCE_CHECK"))) {
            return Optional.empty();
        }
        return metadataProject().map(p -> new Found(ComputeEngineCredentials.create(), Optional.of(p),
                "the metadata server"));
    }

    /** The project id the metadata server reports; empty when there is no metadata server. */
    private Optional<String> metadataProject() {
        String host = env.getOrDefault("GCE_METADATA_HOST", "169.254.169.254");
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + host
                        + "/computeMetadata/v1/project/project-id"))
                .header("Metadata-Flavor", "Google").timeout(Duration.ofSeconds(1)).build();
        try {
            HttpResponse<String> answer = http.send(request, HttpResponse.BodyHandlers.ofString());
            return answer.statusCode() == 200 && !answer.body().isBlank()
                    ? Optional.of(answer.body().trim()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private static Found load(Path file, String source) {
        try (InputStream in = Files.newInputStream(file)) {
            GoogleCredentials credentials = GoogleCredentials.fromStream(in);
            Optional<String> project = credentials instanceof ServiceAccountCredentials sa
                    ? Optional.ofNullable(sa.getProjectId()) : Optional.ofNullable(credentials.getQuotaProjectId());
            return new Found(credentials, project.filter(p -> !p.isBlank()), source);
        } catch (IOException e) {
            throw KilnException.tried("read Google credentials from " + file + " (" + source + ")",
                    "the file is missing or not a service-account or authorized-user JSON key ("
                            + e.getClass().getSimpleName() + ")",
                    "download a key with 'gcloud iam service-accounts keys create' or run"
                            + " 'gcloud auth application-default login'");
        }
    }

    private static KilnException missing() {
        return KilnException.tried("find Google Cloud credentials",
                "none were found: no --keys, GOOGLE_APPLICATION_CREDENTIALS is not set, there is no gcloud "
                        + ADC_FILE + " and no metadata server answered",
                "run 'gcloud auth application-default login', or pass --keys FILE or set"
                        + " GOOGLE_APPLICATION_CREDENTIALS to a service-account key file");
    }

    private static KilnException noProject() {
        return KilnException.usage("No GCP project: pass --project or set CLOUDSDK_CORE_PROJECT or"
                + " GOOGLE_CLOUD_PROJECT (the credentials name none)");
    }
}
