package dev.kiln.gcp;

import com.google.auth.oauth2.GoogleCredentials;

import java.util.Objects;

/**
 * Who kiln acts as and in which project.
 *
 * @param credentials scoped credentials (never printed)
 * @param project     the project id resources are made in
 * @param source      where the credentials came from, for logs ("--keys", "GOOGLE_APPLICATION_CREDENTIALS" ...)
 */
record GcpAccount(GoogleCredentials credentials, String project, String source) {

    GcpAccount {
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(project, "project");
        Objects.requireNonNull(source, "source");
    }
}
