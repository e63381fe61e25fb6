package dev.kiln.api;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** kiln's own version, for --version, tags and labels. */
public final class Version {

    private static final String VALUE = load();

    private Version() {
    }

    public static String get() {
        return VALUE;
    }

    private static String load() {
        Properties p = new Properties();
        try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            return "unknown";
        }
        return p.getProperty("version", "unknown");
    }
}
