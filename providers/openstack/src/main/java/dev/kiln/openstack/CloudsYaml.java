package dev.kiln.openstack;

import dev.kiln.api.KilnException;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Resolves the sign-in settings the way the openstack CLI does: {@code OS_CLOUD} (or {@code --os-cloud}) names a
 * cloud of the first clouds.yaml found in {@code $OS_CLIENT_CONFIG_FILE}, {@code ./}, {@code ~/.config/openstack/}
 * and {@code /etc/openstack/}, with the same cloud of secure.yaml (same places) merged over it; without a cloud,
 * the {@code OS_*} variables.
 */
final class CloudsYaml {

    private final Map<String, String> env;
    private final Path cwd;
    private final Path etc;

    CloudsYaml(Map<String, String> env, Path cwd, Path etc) {
        this.env = env;
        this.cwd = cwd;
        this.etc = etc;
    }

    static CloudsYaml system(Map<String, String> env) {
        return new CloudsYaml(env, Path.of("").toAbsolutePath(), Path.of("/etc/openstack"));
    }

    /** The places clouds.yaml (or secure.yaml) is looked for, in order. */
    List<Path> searchPath(String file) {
        List<Path> places = new ArrayList<>();
        String override = env.get(file.equals("clouds.yaml") ? "OS_CLIENT_CONFIG_FILE" : "OS_CLIENT_SECURE_FILE");
        if (override != null && !override.isBlank()) {
            places.add(Path.of(override));
        }
        places.add(cwd.resolve(file));
        String xdg = env.get("XDG_CONFIG_HOME");
        String home = env.getOrDefault("HOME", System.getProperty("user.home"));
        Path config = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(home, ".config");
        places.add(config.resolve("openstack").resolve(file));
        places.add(etc.resolve(file));
        return places;
    }

    /** The settings of {@code cloud} (from clouds.yaml) or, when empty, of the OS_* variables. */
    CloudAuth resolve(Optional<String> cloud) {
        if (cloud.isPresent()) {
            return fromCloud(cloud.get());
        }
        return fromEnv();
    }

    private CloudAuth fromCloud(String name) {
        Optional<Path> clouds = first("clouds.yaml");
        if (clouds.isEmpty()) {
            throw KilnException.usage("OS_CLOUD/--os-cloud names cloud '" + name + "' but no clouds.yaml was found in "
                    + searchPath("clouds.yaml") + "; write one there or set the OS_* variables instead");
        }
        Map<String, Object> settings = cloudOf(clouds.get(), name).orElseThrow(() -> KilnException.usage(
                clouds.get() + " has no cloud '" + name + "' under 'clouds:'; it has " + cloudNames(clouds.get())));
        Optional<Path> secure = first("secure.yaml");
        String origin = "cloud '" + name + "' of " + clouds.get();
        if (secure.isPresent()) {
            Optional<Map<String, Object>> more = cloudOf(secure.get(), name);
            if (more.isPresent()) {
                settings = merge(settings, more.get());
                origin += " and " + secure.get();
            }
        }
        Map<String, Object> auth = map(settings.get("auth"));
        String type = str(settings.get("auth_type")).orElse("");
        boolean verify = !"false".equalsIgnoreCase(str(settings.get("verify")).orElse("true"));
        return build(origin, type, k -> str(auth.get(k)), str(settings.get("region_name")),
                str(settings.get("interface")), str(settings.get("cacert")), !verify);
    }

    private CloudAuth fromEnv() {
        String origin = "the OS_* variables";
        return build(origin, env.getOrDefault("OS_AUTH_TYPE", ""), k -> envValue("OS_" + k.toUpperCase()),
                envValue("OS_REGION_NAME"), envValue("OS_INTERFACE"), envValue("OS_CACERT"), false);
    }

    private Optional<String> envValue(String name) {
        String v = env.get(name);
        if ((v == null || v.isBlank()) && name.startsWith("OS_PROJECT_")) {
            v = env.get(name.replace("OS_PROJECT_", "OS_TENANT_"));
        }
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v);
    }

    private interface Lookup {
        Optional<String> get(String key);
    }

    private static CloudAuth build(String origin, String type, Lookup a, Optional<String> region,
                                   Optional<String> iface, Optional<String> cacert, boolean insecure) {
        String url = a.get("auth_url").orElseThrow(() -> KilnException.usage("No Keystone URL in " + origin
                + ": set OS_AUTH_URL (with OS_USERNAME, OS_PASSWORD, OS_PROJECT_NAME) or OS_CLOUD naming a cloud of "
                + "clouds.yaml (./, ~/.config/openstack/ or /etc/openstack/)"));
        String method;
        if (type.contains("applicationcredential") || type.contains("application_credential")
                || (type.isEmpty() && a.get("application_credential_secret").isPresent())) {
            method = CloudAuth.APPLICATION_CREDENTIAL;
            if (a.get("application_credential_secret").isEmpty()
                    || (a.get("application_credential_id").isEmpty() && a.get("application_credential_name").isEmpty())) {
                throw KilnException.usage(origin + " uses an application credential but lacks its id (or name) and "
                        + "secret: set OS_APPLICATION_CREDENTIAL_ID and OS_APPLICATION_CREDENTIAL_SECRET");
            }
        } else if (type.contains("token") || (type.isEmpty() && a.get("token").isPresent()
                && a.get("password").isEmpty())) {
            method = CloudAuth.TOKEN;
            if (a.get("token").isEmpty()) {
                throw KilnException.usage(origin + " signs in with a token but has none: set OS_TOKEN");
            }
        } else {
            method = CloudAuth.PASSWORD;
            if (a.get("password").isEmpty() || (a.get("username").isEmpty() && a.get("user_id").isEmpty())) {
                throw KilnException.usage(origin + " has no user name and password: set OS_USERNAME and OS_PASSWORD "
                        + "(or OS_APPLICATION_CREDENTIAL_ID and OS_APPLICATION_CREDENTIAL_SECRET, or OS_TOKEN)");
            }
        }
        Optional<String> domain = a.get("domain_name");
        return new CloudAuth(url, method, a.get("username"), a.get("user_id"), a.get("password"),
                a.get("user_domain_name").or(() -> domain), a.get("user_domain_id"), a.get("project_name"),
                a.get("project_id"), a.get("project_domain_name").or(() -> domain), a.get("project_domain_id"),
                a.get("token"), a.get("application_credential_id"), a.get("application_credential_name"),
                a.get("application_credential_secret"), region, iface.orElse("public"), cacert, insecure, origin);
    }

    private Optional<Path> first(String file) {
        return searchPath(file).stream().filter(Files::isRegularFile).findFirst();
    }

    private static Optional<Map<String, Object>> cloudOf(Path file, String name) {
        Map<String, Object> clouds = map(read(file).get("clouds"));
        Object cloud = clouds.get(name);
        return cloud == null ? Optional.empty() : Optional.of(map(cloud));
    }

    private static String cloudNames(Path file) {
        return String.join(", ", map(read(file).get("clouds")).keySet());
    }

    private static Map<String, Object> read(Path file) {
        try {
            Object doc = new Load(LoadSettings.builder().build()).loadFromString(Files.readString(file));
            return map(doc);
        } catch (IOException | RuntimeException e) {
            throw KilnException.usage("Cannot read " + file + ": " + KilnException.reason(e));
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(String.valueOf(k), v));
            return out;
        }
        return Map.of();
    }

    /** secure.yaml over clouds.yaml, map by map. */
    static Map<String, Object> merge(Map<String, Object> base, Map<String, Object> over) {
        Map<String, Object> out = new LinkedHashMap<>(base);
        over.forEach((k, v) -> {
            Object old = out.get(k);
            if (old instanceof Map<?, ?> && v instanceof Map<?, ?>) {
                out.put(k, merge(map(old), map(v)));
            } else {
                out.put(k, v);
            }
        });
        return out;
    }

    private static Optional<String> str(Object value) {
        return value == null || String.valueOf(value).isBlank() ? Optional.empty() : Optional.of(String.valueOf(value));
    }
}
