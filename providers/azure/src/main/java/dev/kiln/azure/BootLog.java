package dev.kiln.azure;

import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.util.Context;
import com.azure.resourcemanager.compute.fluent.models.RetrieveBootDiagnosticsDataResultInner;
import dev.kiln.api.Events;
import dev.kiln.api.Retry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The serial console log of managed boot diagnostics: POST {@code retrieveBootDiagnosticsData} hands out a
 * short-lived SAS URI of the log blob, which is read once. The URI is a secret and is never logged. A log that
 * cannot be read is a warning, not a failed run.
 */
final class BootLog {

    private static final int SAS_MINUTES = 10;

    private final AzureConnection azure;
    private final Retry calls;
    private final Events events;

    BootLog(AzureConnection azure, Retry calls, Events events) {
        this.azure = azure;
        this.calls = calls;
        this.events = events;
    }

    /** Prints the log as {@code console:} lines and saves it to {@code file} when given; returns the saved file. */
    Optional<Path> show(String vm, Optional<Path> file) throws InterruptedException {
        RetrieveBootDiagnosticsDataResultInner uris = calls.call("get the boot diagnostics of VM " + vm,
                () -> azure.compute().getVirtualMachines().retrieveBootDiagnosticsDataWithResponse(
                        azure.resourceGroup(), vm, SAS_MINUTES, Context.NONE).getValue());
        String uri = uris == null ? null : uris.serialConsoleLogBlobUri();
        if (uri == null || uri.isBlank()) {
            events.warn("Azure has no serial log of VM " + vm + " yet (boot diagnostics write it every few minutes)");
            return Optional.empty();
        }
        String text;
        try (HttpResponse response = azure.http().sendSync(new HttpRequest(HttpMethod.GET, uri), Context.NONE)) {
            if (response.getStatusCode() != 200) {
                events.warn("could not read the serial log of VM " + vm + ": HTTP " + response.getStatusCode());
                return Optional.empty();
            }
            text = response.getBodyAsBinaryData().toString();
        }
        text.lines().forEach(line -> events.info("console: " + line));
        if (file.isEmpty()) {
            return Optional.empty();
        }
        try {
            Files.writeString(file.get(), text);
            return file;
        } catch (IOException e) {
            events.warn("could not save the serial log to " + file.get() + ": " + e.getMessage());
            return Optional.empty();
        }
    }
}
