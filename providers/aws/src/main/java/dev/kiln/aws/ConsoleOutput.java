package dev.kiln.aws;

import dev.kiln.api.Events;
import software.amazon.awssdk.services.ec2.Ec2Client;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * EC2 {@code GetConsoleOutput}: the serial console so far (base64 on the wire). Following it
 * reports only the lines not yet reported.
 */
final class ConsoleOutput {

    private final Ec2Client ec2;
    private final Events events;
    private int shown;

    ConsoleOutput(Ec2Client ec2, Events events) {
        this.ec2 = ec2;
        this.events = events;
    }

    String read(String instanceId) {
        String encoded = ec2.getConsoleOutput(b -> b.instanceId(instanceId)).output();
        return encoded == null ? "" : new String(Base64.getMimeDecoder().decode(encoded), StandardCharsets.UTF_8);
    }

    /** Reports lines that appeared since the last call; returns the whole text. */
    String follow(String instanceId) {
        String text = read(instanceId);
        if (text.length() < shown) {
            shown = 0;
        }
        String fresh = text.substring(shown);
        int end = fresh.lastIndexOf('\n');
        if (end >= 0) {
            fresh.substring(0, end).lines().forEach(l -> events.info("console: " + l));
            shown += end + 1;
        }
        return text;
    }
}
